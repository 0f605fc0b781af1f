/**
 * /feed: subscribe channels to feeds, list, remove, pause and resume subscriptions, preview a rule on a feed, and
 * say why an item was or was not posted.
 * Platform-neutral: handlers call the subscription service and answer with a Reply.
 */
import { channelOption, stringOption } from '../src/commands/definition.ts';
import type { CommandContext, CommandGroupDefinition, OptionValues } from '../src/commands/definition.ts';
import { reply } from '../src/commands/reply.ts';
import type { Line, Reply } from '../src/commands/reply.ts';
import { ruleReading } from '../src/services/subscription-service.ts';
import { feedWhy } from './feed-why.ts';
import { feedExport } from './feed-export.ts';
import type { Subscription } from '../src/store/records.ts';
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
      run: (context, options) => setPaused(context, options, true),
    },
    {
      name: 'resume',
      description: 'Post a paused subscription again',
      permission: 'manage',
      options: [{ name: 'subscription', description: 'The subscription (its id from /feed list)', type: 'string', required: true, autocomplete: 'subscription' }],
      run: (context, options) => setPaused(context, options, false),
    },
    feedWhy,
    feedExport,
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
  if (subscriptions.length === 0) {
    return reply([channel === undefined ? ['No subscriptions here yet. Add one with /feed add.'] : ['No subscriptions in ', { channel: channel.id }, '.']]);
  }
  const heading: Line = [`${subscriptions.length} ${subscriptions.length === 1 ? 'subscription' : 'subscriptions'}`, ...(channel ? [' in ', { channel: channel.id }] : []), ':'];
  return reply([heading, ...subscriptions.map(describeSubscription)]);
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
    ...(subscription.paused ? [` ⏸ paused${subscription.pausedReason ? `: ${subscription.pausedReason}` : ''}`] : []),
    ...(subscription.source === 'config' ? [` 📄 from ${subscription.createdBy}`] : []),
  ];
}

async function removeSubscription(context: CommandContext, options: OptionValues): Promise<Reply> {
  const removed = await context.services.subscriptions.remove(context, stringOption(options, 'subscription') ?? '');
  context.log.info('subscription removed', { subscription: removed.id, feed: removed.feedUrl, by: context.userId });
  return reply([['🗑️ Removed ', { code: removed.id }, ': ', { channel: removed.channelId }, ' no longer follows ', { link: removed.feedUrl, label: removed.feedTitle }, '.']]);
}

async function setPaused(context: CommandContext, options: OptionValues, paused: boolean): Promise<Reply> {
  const id = stringOption(options, 'subscription') ?? '';
  const updated = await context.services.subscriptions.setPaused(context, id, paused, paused ? "paused with /feed pause" : undefined);
  context.log.info(paused ? 'subscription paused' : 'subscription resumed', { subscription: updated.id, by: context.userId });
  return reply([
    paused
      ? ['⏸ Paused ', { code: updated.id }, ' (', { link: updated.feedUrl, label: updated.feedTitle }, '). Items that arrive while it is paused are not posted later.']
      : ['▶️ Resumed ', { code: updated.id }, ': new items from ', { link: updated.feedUrl, label: updated.feedTitle }, ' will be posted in ', { channel: updated.channelId }, ' again.'],
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
