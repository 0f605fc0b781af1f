/**
 * /feed format: sets the layout of a subscription's posts with placeholders (`{title}`, `{summary:200}`, ...),
 * or with `default` goes back to Herald's own; without a template, shows the current one. The template fills the
 * embed's description on Discord and the text under the linked title on Slack; items already waiting to be
 * posted keep the layout they were routed with, so a change re-posts nothing.
 */
import { stringOption } from '../src/commands/definition.ts';
import type { CommandContext, OptionValues, SubcommandDefinition } from '../src/commands/definition.ts';
import { reply } from '../src/commands/reply.ts';
import type { Line, Reply } from '../src/commands/reply.ts';
import { DEFAULT_TEMPLATE_WORD, PLACEHOLDERS, TEMPLATE_MAX_LENGTH } from '../src/format/template.ts';

const PLACEHOLDER_HELP = `${PLACEHOLDERS.map((name) => `{${name}}`).join(' ')}, {summary:200} for at most 200 characters, \\n for a new line`;

/** Discord shows 100 characters of an option's description: the placeholders first. */
export const TEMPLATE_OPTION_HELP = `${PLACEHOLDERS.map((name) => `{${name}}`).join(' ')} {summary:200}, \\n; ${DEFAULT_TEMPLATE_WORD}: Herald's own`;

export const feedFormatCommand: SubcommandDefinition = {
  name: 'format',
  description: "Lay out a subscription's posts with a template, or show its layout",
  permission: 'manage',
  options: [
    { name: 'subscription', description: 'The subscription (its id from /feed list)', type: 'string', required: true, autocomplete: 'subscription' },
    {
      name: 'template',
      description: TEMPLATE_OPTION_HELP,
      type: 'string',
      maxLength: TEMPLATE_MAX_LENGTH,
      freeText: true,
    },
  ],
  run: formatSubscription,
};

async function formatSubscription(context: CommandContext, options: OptionValues): Promise<Reply> {
  const id = stringOption(options, 'subscription') ?? '';
  const template = stringOption(options, 'template');
  if (template === undefined || template.trim() === '') return showTemplate(context, id);
  const updated = await context.services.subscriptions.setTemplate(context, id, template);
  context.log.info('subscription template set', { subscription: updated.id, template: updated.template ?? 'default', by: context.userId });
  const subject: Line = [{ code: updated.id }, ' (', { link: updated.feedUrl, label: updated.feedTitle }, ')'];
  if (updated.template === undefined) return reply([['✅ ', ...subject, " is posted in Herald's own layout again."]]);
  return reply([
    ['✅ New posts of ', ...subject, ' will be laid out as ', { code: updated.template }],
    ['Items already waiting to be posted keep their layout. Try a template on a feed first with ', { code: '/feed preview' }, '.'],
  ]);
}

async function showTemplate(context: CommandContext, id: string): Promise<Reply> {
  const subscription = await context.services.subscriptions.find(context, id);
  const subject: Line = [{ code: subscription.id }, ' (', { link: subscription.feedUrl, label: subscription.feedTitle }, ')'];
  return reply([
    subscription.template === undefined ? [...subject, " is posted in Herald's own layout."] : [...subject, ' is laid out as ', { code: subscription.template }],
    [`Placeholders: ${PLACEHOLDER_HELP}.`],
  ]);
}
