/**
 * /feed filter <subscription> [filter]: changes a subscription's own rule in place. It keeps its id, its pause and
 * its pending posts; the feed's seen items stay seen, so a looser filter does not post what is already there.
 */
import { stringOption } from '../src/commands/definition.ts';
import type { CommandContext, OptionValues, SubcommandDefinition } from '../src/commands/definition.ts';
import { reply } from '../src/commands/reply.ts';
import type { Reply } from '../src/commands/reply.ts';
import { ruleReading } from '../src/services/subscription-service.ts';

export const feedFilterCommand: SubcommandDefinition = {
  name: 'filter',
  description: "Change a subscription's filter in place (leave it out to post every item); items already seen stay unposted",
  permission: 'manage',
  options: [
    { name: 'subscription', description: 'The subscription (its id from /feed list)', type: 'string', required: true, autocomplete: 'subscription' },
    { name: 'filter', description: 'The new filter: words, "phrases", AND/OR/NOT, -exclude, (groups), title:/category: scopes', type: 'string', maxLength: 1000, freeText: true },
  ],
  run: changeFilter,
};

async function changeFilter(context: CommandContext, options: OptionValues): Promise<Reply> {
  const id = stringOption(options, 'subscription') ?? '';
  const before = await context.services.subscriptions.find(context, id);
  const updated = await context.services.subscriptions.setRule(context, id, stringOption(options, 'filter') ?? '');
  context.log.info('subscription filter changed', { subscription: updated.id, from: before.rule, to: updated.rule, by: context.userId });
  return reply([
    [
      '✅ ', { code: updated.id }, ' (', { link: updated.feedUrl, label: updated.feedTitle }, ') now posts ',
      ...(updated.rule === '' ? ['every new item'] : ['new items matching ', { code: ruleReading(updated.rule) }]),
      ' in ', { channel: updated.channelId }, '.',
    ],
    [before.rule === '' ? 'It had no filter before.' : 'Before: ', ...(before.rule === '' ? [] : [{ code: ruleReading(before.rule) }])],
    ['Items already in the feed are not posted again.'],
  ]);
}
