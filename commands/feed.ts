/**
 * /feed: subscribe channels to feeds, list, remove, pause and resume subscriptions, preview a rule on a feed, and
 * say why an item was or was not posted.
 * Platform-neutral: handlers call the subscription service and answer with a Reply.
 */
import { channelOption, stringOption } from '../src/commands/definition.ts';
import type { CommandContext, CommandGroupDefinition, OptionValues } from '../src/commands/definition.ts';
import { reply } from '../src/commands/reply.ts';
import type { Line, Reply } from '../src/commands/reply.ts';
import { feedStatusSubcommand } from './feed-status.ts';
import { keptWhilePaused } from '../src/delivery/manager-notices.ts';
import { ruleReading } from '../src/services/subscription-service.ts';
import { feedWhy } from './feed-why.ts';
import { feedExport } from './feed-export.ts';
import { workspaceWord } from '../src/services/workspace-rules.ts';
import type { Subscription, WorkspaceRule } from '../src/store/records.ts';
import { feedFilterCommand } from './feed-filter.ts';
import { feedMentionCommand } from './feed-mention.ts';
import { feedRulesCommand } from './feed-rules.ts';
import { feedFormatCommand, TEMPLATE_OPTION_HELP } from './feed-format.ts';
import { TEMPLATE_MAX_LENGTH } from '../src/format/template.ts';

const RULE_HELP = 'words, "phrases", AND/OR/NOT, -exclude, (groups), title:/summary:/content:/author:/category: scopes';

export const feedCommand: CommandGroupDefinition = {
  name: 'feed',
  description: 'Follow RSS, Atom and JSON feeds in this channel',
  subcommands: [
    {
      name: 'add',
      description: 'Subscribe a channel to a feed; only new items that match the filter are posted',
      permission: 'manage',
      slow: true,
      options: [
        { name: 'url', description: 'The feed URL (or a web page that links to its feed)', type: 'string', required: true, maxLength: 2000 },
        { name: 'channel', description: 'Where to post (default: this channel)', type: 'channel' },
        { name: 'filter', description: `Which items to post: ${RULE_HELP}`, type: 'string', maxLength: 1000, freeText: true },
      ],
      run: addSubscription,
    },
    {
      name: 'list',
      description: "List the subscriptions here, or only one channel's",
      permission: 'member',
      options: [{ name: 'channel', description: 'Only this channel', type: 'channel' }],
      run: listSubscriptions,
    },
    {
      name: 'remove',
      description: 'Stop following a feed',
      permission: 'manage',
      options: [{ name: 'subscription', description: 'The subscription (its id from /feed list)', type: 'string', required: true, autocomplete: 'subscription' }],
      run: removeSubscription,
    },
    {
      name: 'preview',
      description: "Show a feed's latest 10 items and whether a filter would post each",
      permission: 'member',
      slow: true,
      options: [
        { name: 'url', description: 'The feed URL', type: 'string', required: true, maxLength: 2000 },
        { name: 'filter', description: `The filter to try: ${RULE_HELP}`, type: 'string', maxLength: 1000, freeText: true },
        { name: 'template', description: `A layout to try: ${TEMPLATE_OPTION_HELP}`, type: 'string', maxLength: TEMPLATE_MAX_LENGTH, freeText: true, keyword: 'template:' },
      ],
      run: previewFeed,
    },
    {
      name: 'pause',
      description: 'Stop posting a subscription for now (it stays listed)',
      permission: 'manage',
      options: [{ name: 'subscription', description: 'The subscription (its id from /feed list)', type: 'string', required: true, autocomplete: 'subscription' }],
      run: pauseSubscription,
    },
    {
      name: 'resume',
      description: 'Post a paused subscription again',
      permission: 'manage',
      options: [{ name: 'subscription', description: 'The subscription (its id from /feed list)', type: 'string', required: true, autocomplete: 'subscription' }],
      run: resumeSubscription,
    },
    feedWhy,
    feedExport,
    feedFilterCommand,
    feedRulesCommand,
    feedMentionCommand,
    feedStatusSubcommand,
    feedFormatCommand,
  ],
};

async function addSubscription(context: CommandContext, options: OptionValues): Promise<Reply> {
  const channel = channelOption(options, 'channel') ?? context.channel;
  const { subscription, itemCount } = await context.services.subscriptions.add({
    platform: context.platform,
    workspaceId: context.workspaceId,
    channelId: channel.id,
    channelName: channel.name,
    url: stringOption(options, 'url') ?? '',
    rule: stringOption(options, 'filter') ?? '',
    createdBy: context.userId,
  });
  context.log.info('subscription added', { subscription: subscription.id, feed: subscription.feedUrl, channel: channel.id, by: context.userId });
  return reply([
    ['✅ ', { channel: channel.id }, ' is now subscribed to ', { link: subscription.feedUrl, label: subscription.feedTitle }, ' (id ', { code: subscription.id }, ').'],
    subscription.rule === '' ? ['Filter: none, every new item is posted.'] : ['Filter: ', { code: ruleReading(subscription.rule) }],
    [`The feed has ${itemCount} ${itemCount === 1 ? 'item' : 'items'} now; ${itemCount === 1 ? 'it' : 'these'} will not be posted. New items that match will appear in `, { channel: channel.id }, '.'],
  ]);
}

async function listSubscriptions(context: CommandContext, options: OptionValues): Promise<Reply> {
  const channel = channelOption(options, 'channel');
  const subscriptions = await context.services.subscriptions.list(context, channel?.id);
  const layer = workspaceRuleLine(context, await context.services.workspaceRules.get(context.platform, context.workspaceId));
  if (subscriptions.length === 0) {
    return reply([channel === undefined ? ['No subscriptions here yet. Add one with /feed add.'] : ['No subscriptions in ', { channel: channel.id }, '.'], layer]);
  }
  const heading: Line = [`${subscriptions.length} ${subscriptions.length === 1 ? 'subscription' : 'subscriptions'}`, ...(channel ? [' in ', { channel: channel.id }] : []), ':'];
  return reply([layer, heading, ...subscriptions.map(describeSubscription)]);
}

/** The admin layer, shown above the subscriptions that obey it. */
function workspaceRuleLine(context: CommandContext, rule: WorkspaceRule | undefined): Line {
  const place = `This ${workspaceWord(context.platform)}'s rule`;
  return rule === undefined ? [`${place}: none (/feed rules set adds one).`] : [`${place}, which every subscription here obeys too: `, { code: ruleReading(rule.rule) }];
}

function describeSubscription(subscription: Subscription): Line {
  return [
    { code: subscription.id },
    ' ',
    { channel: subscription.channelId },
    ' ← ',
    { link: subscription.feedUrl, label: subscription.feedTitle },
    subscription.rule === '' ? ' (every item)' : ' filter ',
    ...(subscription.rule === '' ? [] : [{ code: ruleReading(subscription.rule) }]),
    ...(subscription.mention === undefined
      ? []
      : [` 🔔 @${subscription.mention.roleName}`, ...(subscription.mention.rule === undefined ? [] : [' when ', { code: ruleReading(subscription.mention.rule) }])]),
    ...(subscription.paused ? [` ⏸ paused${subscription.pausedReason ? `: ${subscription.pausedReason}` : ''}`] : []),
    ...(subscription.source === 'config' ? [` 📄 from ${subscription.createdBy}`] : []),
  ];
}

async function removeSubscription(context: CommandContext, options: OptionValues): Promise<Reply> {
  const removed = await context.services.subscriptions.remove(context, stringOption(options, 'subscription') ?? '');
  context.log.info('subscription removed', { subscription: removed.id, feed: removed.feedUrl, by: context.userId });
  return reply([['🗑️ Removed ', { code: removed.id }, ': ', { channel: removed.channelId }, ' no longer follows ', { link: removed.feedUrl, label: removed.feedTitle }, '.']]);
}

async function pauseSubscription(context: CommandContext, options: OptionValues): Promise<Reply> {
  const service = context.services.subscriptions;
  const updated = await service.setPaused(context, stringOption(options, 'subscription') ?? '', true, 'paused with /feed pause');
  context.log.info('subscription paused', { subscription: updated.id, by: context.userId });
  return reply([
    ['⏸ Paused ', { code: updated.id }, ' (', { link: updated.feedUrl, label: updated.feedTitle }, '). Nothing is posted in ', { channel: updated.channelId }, ' until it is resumed.'],
    [keptWhilePaused(service.maxParkedPerSubscription), ' ', { code: `/feed resume ${updated.id}` }, ' posts them, oldest first.'],
  ]);
}

async function resumeSubscription(context: CommandContext, options: OptionValues): Promise<Reply> {
  const { subscription, wasPaused, kept, dropped } = await context.services.subscriptions.resume(context, stringOption(options, 'subscription') ?? '');
  context.log.info('subscription resumed', { subscription: subscription.id, by: context.userId, kept, dropped });
  const channel = { channel: subscription.channelId };
  const feed = { link: subscription.feedUrl, label: subscription.feedTitle };
  if (!wasPaused) return reply([['▶️ ', { code: subscription.id }, ' was not paused: new items from ', feed, ' are posted in ', channel, ' as they come.']]);
  const backlog: Line =
    kept === 0
      ? ['No items arrived while it was paused.']
      : [`The ${kept} ${kept === 1 ? 'item' : 'items'} that arrived while it was paused ${kept === 1 ? 'is' : 'are'} being posted now, oldest first.`];
  return reply([
    ['▶️ Resumed ', { code: subscription.id }, ': new items from ', feed, ' will be posted in ', channel, ' again.'],
    backlog,
    ...(dropped === 0 ? [] : [[`${dropped} older ${dropped === 1 ? 'item was' : 'items were'} dropped: a paused subscription keeps only its latest ${context.services.subscriptions.maxParkedPerSubscription}.`] as Line]),
  ]);
}

async function previewFeed(context: CommandContext, options: OptionValues): Promise<Reply> {
  const preview = await context.services.subscriptions.preview(stringOption(options, 'url') ?? '', stringOption(options, 'filter') ?? '', 10, context, stringOption(options, 'template') ?? '');
  const posted = preview.items.filter((item) => item.matches).length;
  const lines: Line[] = [
    [{ link: preview.feedUrl, label: preview.feedTitle }, `: latest ${preview.items.length} of ${preview.itemCount} items, `, preview.rule === '' ? 'no filter' : { code: preview.rule }, ` → ${posted} would be posted`],
    ...(preview.template === undefined ? [] : [['Laid out as ', { code: preview.template }, ':'] satisfies Line]),
    ...preview.items.flatMap((entry): Line[] => [
      [entry.matches ? '✅ ' : '❌ ', entry.item.link ? { link: entry.item.link, label: entry.item.title } : { bold: entry.item.title }, ` — ${entry.reason}`],
      ...(preview.template === undefined ? [] : [[{ post: entry.message }]]),
    ]),
  ];
  return reply(lines);
}
