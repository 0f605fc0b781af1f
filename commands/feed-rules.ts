/**
 * /feed rules [show|set|clear] [rule]: the admin layer, one rule for the whole Discord server or Slack workspace
 * that every subscription there obeys on top of its own filter (`-sponsored -category:jobs`). Everyone may look
 * at it; only managers may set or clear it.
 */
import { stringOption } from '../src/commands/definition.ts';
import type { CommandContext, OptionValues, SubcommandDefinition } from '../src/commands/definition.ts';
import { reply } from '../src/commands/reply.ts';
import type { Reply } from '../src/commands/reply.ts';
import { HeraldError } from '../src/errors.ts';
import { ruleReading } from '../src/services/subscription-service.ts';
import { workspaceWord } from '../src/services/workspace-rules.ts';

const ACTIONS = ['show', 'set', 'clear'] as const;

export const feedRulesCommand: SubcommandDefinition = {
  name: 'rules',
  description: "Show, set or clear the rule every subscription in this server or workspace obeys, on top of its own filter",
  permission: 'member',
  permissionFor: (options) => (actionOf(options) === 'show' ? 'member' : 'manage'),
  options: [
    { name: 'action', description: 'show (the default), set or clear', type: 'string', choices: ACTIONS },
    {
      name: 'rule',
      description: 'For set: the rule every subscription here must also pass, such as -sponsored -category:jobs',
      type: 'string',
      maxLength: 1000,
      freeText: true,
    },
  ],
  run: runRules,
};

function actionOf(options: OptionValues): (typeof ACTIONS)[number] {
  const action = stringOption(options, 'action')?.toLowerCase();
  return action === 'set' || action === 'clear' ? action : 'show';
}

async function runRules(context: CommandContext, options: OptionValues): Promise<Reply> {
  const place = `this ${workspaceWord(context.platform)}`;
  const rules = context.services.workspaceRules;
  const action = actionOf(options);
  const typed = stringOption(options, 'rule')?.trim() ?? '';
  if (action !== 'set' && typed !== '') {
    throw new HeraldError('rules-extra-text', `/feed rules ${action} given a rule`, {
      userMessage: `\`/feed rules ${action}\` takes no rule. To set one: \`/feed rules set -sponsored -category:jobs\`.`,
    });
  }
  const count = (await context.services.subscriptions.list(context)).length;
  const obeyed = `${count} ${count === 1 ? 'subscription' : 'subscriptions'} here ${count === 1 ? 'obeys' : 'obey'} it on top of ${count === 1 ? 'its' : 'their'} own filter.`;
  if (action === 'set') {
    if (typed === '') {
      throw new HeraldError('rules-missing-rule', '/feed rules set without a rule', {
        userMessage: `\`/feed rules set\` needs the rule, such as \`/feed rules set -sponsored -category:jobs\`. \`/feed rules clear\` removes ${place}'s rule.`,
      });
    }
    const stored = await rules.set(context.platform, context.workspaceId, typed, context.userId);
    context.log.info('workspace rule set', { rule: stored?.rule, by: context.userId });
    return reply([
      [`✅ ${capitalised(place)}'s rule is now `, { code: ruleReading(stored?.rule ?? '') }, '.'],
      [`${obeyed} Items it blocks are not posted anywhere here; items already seen stay unposted.`],
    ]);
  }
  if (action === 'clear') {
    const cleared = await rules.clear(context.platform, context.workspaceId);
    context.log.info(cleared ? 'workspace rule cleared' : 'workspace rule clear asked, there was none', { by: context.userId });
    return reply([[cleared ? `🧹 ${capitalised(place)} has no rule now: each subscription posts what its own filter lets through.` : `${capitalised(place)} had no rule; nothing changed.`]]);
  }
  const current = await rules.get(context.platform, context.workspaceId);
  if (current === undefined) {
    return reply([[`${capitalised(place)} has no rule: each subscription posts what its own filter lets through. Managers set one with `, { code: '/feed rules set <rule>' }, '.']]);
  }
  return reply([
    [`${capitalised(place)}'s rule: `, { code: ruleReading(current.rule) }, ` (set ${current.setAt.slice(0, 10)}).`],
    [obeyed],
  ]);
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
