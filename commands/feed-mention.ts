/**
 * /feed mention <subscription> [role] [when <rule>]: the subscription's posts ping a Discord role or a Slack user
 * group, only for items that also match the optional rule. It is the only ping Herald ever sends. The role must
 * exist now (a deleted one is refused here, and at send time is reported instead of pinged); `none`, or no role,
 * stops the pings.
 */
import { roleOption, stringOption } from '../src/commands/definition.ts';
import type { CommandContext, OptionValues, RoleRef, SubcommandDefinition } from '../src/commands/definition.ts';
import { reply } from '../src/commands/reply.ts';
import type { Reply } from '../src/commands/reply.ts';
import { HeraldError, messageOf } from '../src/errors.ts';
import { ruleReading, validateRule } from '../src/services/subscription-service.ts';
import { workspaceWord } from '../src/services/workspace-rules.ts';

const NO_ROLE = /^(none|off)$/iu;

export const feedMentionCommand: SubcommandDefinition = {
  name: 'mention',
  description: "Ping a role (Slack: a user group) with a subscription's posts, optionally only when they match a rule",
  permission: 'manage',
  options: [
    { name: 'subscription', description: 'The subscription (its id from /feed list)', type: 'string', required: true, autocomplete: 'subscription' },
    { name: 'role', description: 'Who to ping; leave it out (or say none) to stop pinging', type: 'role' },
    { name: 'when', description: 'Ping only for items that also match this rule, such as title:release', type: 'string', maxLength: 1000, freeText: true, keyword: 'when' },
  ],
  run: setMention,
};

async function setMention(context: CommandContext, options: OptionValues): Promise<Reply> {
  const id = stringOption(options, 'subscription') ?? '';
  const role = roleOption(options, 'role');
  const when = stringOption(options, 'when')?.trim() ?? '';
  const { subscriptions } = context.services;
  if (role === undefined || (role.id === undefined && NO_ROLE.test(role.name))) {
    if (when !== '') {
      throw new HeraldError('mention-rule-without-role', 'a when rule without a role', { userMessage: 'A `when` rule needs a role to ping: `/feed mention <subscription> <role> when <rule>`.' });
    }
    const before = await subscriptions.find(context, id);
    const updated = await subscriptions.setMention(context, id, undefined);
    context.log.info('subscription mention removed', { subscription: updated.id, by: context.userId });
    return reply([
      before.mention === undefined
        ? [{ code: updated.id }, ' pinged nobody; nothing changed.']
        : ['🔕 ', { code: updated.id }, ` no longer pings @${before.mention.roleName}.`],
    ]);
  }
  if (when !== '') validateRule(when);
  await subscriptions.find(context, id);
  const found = await findRole(context, role);
  const updated = await subscriptions.setMention(context, id, { roleId: found.id, roleName: found.name, ...(when === '' ? {} : { rule: when }) });
  context.log.info('subscription mention set', { subscription: updated.id, role: found.id, rule: when, by: context.userId });
  return reply([
    [
      '🔔 ', { code: updated.id }, ` now pings @${found.name} in `, { channel: updated.channelId },
      ...(when === '' ? [' with every item it posts.'] : [' for the items it posts that also match ', { code: ruleReading(when) }, '.']),
    ],
    ['Nothing else in a post can ping anyone.'],
  ]);
}

/** The role as it exists now in this workspace, by its id or by its name (handle); refused with why otherwise. */
async function findRole(context: CommandContext, role: RoleRef): Promise<{ id: string; name: string }> {
  const kind = context.platform === 'slack' ? 'user group' : 'role';
  const place = `this ${workspaceWord(context.platform)}`;
  let roles;
  try {
    roles = await context.services.roles.list(context.workspaceId);
  } catch (error) {
    throw new HeraldError('roles-unavailable', `could not list the ${kind}s of ${context.workspaceId}: ${messageOf(error)}`, {
      userMessage: `Herald could not look up the ${kind}s of ${place} just now; try again in a moment.${context.platform === 'slack' ? ' (Herald needs the usergroups:read scope.)' : ''}`,
      cause: error,
    });
  }
  const typed = role.name.replace(/^@/u, '').toLowerCase();
  const found = role.id === undefined ? roles.find((candidate) => candidate.name.toLowerCase() === typed) : roles.find((candidate) => candidate.id === role.id);
  if (found === undefined) {
    throw new HeraldError('role-not-found', `no ${kind} ${role.id ?? role.name} in ${context.workspaceId}`, {
      userMessage: `There is no ${kind} @${role.name.replace(/^@/u, '')} in ${place} (it may have been deleted). Pick one from the list as you type it.`,
    });
  }
  if (context.platform === 'discord' && found.id === context.workspaceId) {
    throw new HeraldError('role-everyone', 'asked to mention @everyone', { userMessage: 'Herald never pings @everyone. Pick a role people chose to join.' });
  }
  return found;
}
