/**
 * /feed status: how each subscription of this channel (or one named, or the whole server/workspace with `all`)
 * is doing: the last successful poll, the last error and since when, the next poll, items delivered in the last
 * day, deliveries waiting, parked or dead-lettered, and why its feed is polled less often than asked.
 */
import { channelOption, stringOption } from '../src/commands/definition.ts';
import type { CommandContext, OptionValues, SubcommandDefinition } from '../src/commands/definition.ts';
import { errorReply, reply } from '../src/commands/reply.ts';
import type { Line, Reply } from '../src/commands/reply.ts';
import { spell } from '../src/services/subscription-service.ts';
import type { SubscriptionStatus } from '../src/services/subscription-service.ts';

/** Discord's 2000 characters fit about this many subscriptions; the rest are named by count. */
const MAX_SHOWN = 8;

export const feedStatusSubcommand: SubcommandDefinition = {
  name: 'status',
  description: "How this channel's subscriptions are doing: polls, errors, deliveries",
  permission: 'member',
  options: [
    { name: 'channel', description: 'Another channel (default: this one)', type: 'channel' },
    { name: 'scope', description: '"all" for every subscription of this server or workspace', type: 'string', maxLength: 20 },
  ],
  run: showStatus,
};

async function showStatus(context: CommandContext, options: OptionValues): Promise<Reply> {
  const scope = stringOption(options, 'scope')?.trim().toLowerCase();
  if (scope !== undefined && scope !== '' && scope !== 'all') return errorReply(`\`${scope}\` is not a scope: leave it out for one channel, or say \`all\` for every channel here.`);
  const everywhere = scope === 'all';
  const channel = channelOption(options, 'channel') ?? context.channel;
  const statuses = await context.services.subscriptions.status(context, everywhere ? undefined : channel.id);
  if (statuses.length === 0) {
    return reply([everywhere ? ['No subscriptions here yet. Add one with /feed add.'] : ['No subscriptions in ', { channel: channel.id }, '. ', { code: '/feed status all' }, ' shows every channel.']]);
  }
  const now = Date.now();
  const lines: Line[] = statuses.slice(0, MAX_SHOWN).flatMap((status) => describe(status, now));
  if (statuses.length > MAX_SHOWN) lines.push([`…and ${statuses.length - MAX_SHOWN} more: ask for one channel at a time.`]);
  return reply(lines);
}

function describe({ subscription, feed, deliveries, slowerBecause }: SubscriptionStatus, now: number): Line[] {
  const heading: Line = [
    { code: subscription.id }, ' ', { channel: subscription.channelId }, ' ← ', { link: subscription.feedUrl, label: subscription.feedTitle },
    ...(subscription.paused ? [` ⏸ paused${subscription.pausedReason ? `: ${subscription.pausedReason}` : ''}`] : []),
  ];
  const polls = [
    `last successful poll: ${feed?.lastPolledAt === undefined ? 'none yet' : when(feed.lastPolledAt, now)}`,
    `next poll: ${feed?.nextPollAt === undefined ? 'now' : when(feed.nextPollAt, now)}`,
  ];
  const error: Line = feed?.lastError === undefined ? [] : [`last error: ${feed.lastError}${feed.failingSince === undefined ? '' : `, failing since ${when(feed.failingSince, now)}`}`];
  const dropped = subscription.parkedDropped ?? 0;
  const outbox = [
    `delivered in the last day: ${deliveries.sentSince}`,
    `waiting: ${deliveries.pending}`,
    `parked: ${deliveries.parked}${dropped > 0 ? ` (${dropped} older dropped)` : ''}`,
    `dead-lettered: ${deliveries.dead}`,
  ];
  return [
    heading,
    [`   ${polls.join(' · ')}`],
    ...(error.length > 0 ? [[`   ${String(error[0])}`]] : []),
    [`   ${outbox.join(' · ')}`],
    ...(slowerBecause === undefined ? [] : [[`   polled less often than asked: ${slowerBecause}`]]),
  ];
}

/** "2026-12-02 04:41 UTC (3 min ago)" */
function when(iso: string, now: number): string {
  const at = Date.parse(iso);
  const seconds = Math.round((now - at) / 1000);
  const relative = Math.abs(seconds) < 5 ? 'now' : seconds > 0 ? `${spell(seconds)} ago` : `in ${spell(-seconds)}`;
  return `${iso.slice(0, 16).replace('T', ' ')} UTC (${relative})`;
}
