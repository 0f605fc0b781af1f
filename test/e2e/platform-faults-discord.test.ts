/**
 * Discord under platform faults, as an operator would meet them: the real `herald start` (real discord.js inside)
 * posts 100 matching items to each of 10 channels while the emulator answers, on a schedule, 429s of every scope,
 * 5xx, a request held past the client's timeout after the message was made, dropped connections before and after
 * the message was made, and a channel deleted mid-run (restored and resumed). Each item must arrive exactly once,
 * in order, in every channel.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDiscordEmulator } from '../emulators/discord/server.ts';
import type { DiscordEmulator } from '../emulators/discord/server.ts';
import type { FaultRule } from '../emulators/discord/faults.ts';
import { startFeedServer } from '../emulators/feed-server.ts';
import type { FeedServer } from '../emulators/feed-server.ts';
import { waitUntil } from '../support/wait-until.ts';
import { deliveryReport, FAULT_FEED_PATH, FILTER, MATCHING_ITEMS, publishBaseline, publishItems } from './fault-items.ts';
import { makeWorkDirectory, startHeraldProcess } from './herald-process.ts';
import type { HeraldProcess } from './herald-process.ts';

const GUILD = '100000000000000077';
const CHANNELS = Array.from({ length: 10 }, (_, index) => `2200000000000000${String(index).padStart(2, '0')}`);
const ADMIN = { id: '320000000000000001', name: 'admin' };
const MANAGE_GUILD = 1n << 5n;
const LOST = CHANNELS[8]!;

let feeds: FeedServer;
let discord: DiscordEmulator;
let work: ReturnType<typeof makeWorkDirectory>;
let herald: HeraldProcess;
const subscriptionIds = new Map<string, string>();

const posts = (channelId: string) => `POST /channels/${channelId}/messages`;

/** Faults in every channel but one, each where that channel's posts are under way. */
const SCHEDULE: FaultRule[] = [
  { match: posts(CHANNELS[0]!), from: 3, to: 7, fault: { kind: 'rate-limit', scope: 'user', retryAfter: 0.3 } },
  { match: posts(CHANNELS[1]!), from: 5, to: 6, fault: { kind: 'rate-limit', scope: 'shared', retryAfter: 0.5, code: 40062 } },
  { match: posts(CHANNELS[2]!), from: 10, fault: { kind: 'rate-limit', scope: 'global', retryAfter: 0.3 } },
  { match: posts(CHANNELS[3]!), from: 4, to: 5, fault: { kind: 'server-error', status: 502 } },
  // More 5xx in a row than discord.js retries by itself: Herald's outbox retries it.
  { match: posts(CHANNELS[4]!), from: 20, to: 23, fault: { kind: 'server-error', status: 500 } },
  { match: posts(CHANNELS[5]!), from: 8, fault: { kind: 'hang', ms: 20_000, afterAccept: true } },
  { match: posts(CHANNELS[6]!), from: 12, fault: { kind: 'drop' } },
  { match: posts(CHANNELS[7]!), from: 15, to: 16, fault: { kind: 'drop', afterAccept: true } },
  { match: posts(LOST), from: 30, fault: { kind: 'lose-channel' } },
  { match: posts(CHANNELS[9]!), from: 40, fault: { kind: 'server-error', status: 503 } },
];

function command(channelId: string, subcommand: string, options: Record<string, string>) {
  return discord.runCommand({ guildId: GUILD, channelId, user: ADMIN, permissions: MANAGE_GUILD, name: 'feed', subcommand, options, timeoutMs: 30_000 });
}

beforeAll(async () => {
  feeds = await startFeedServer();
  discord = await startDiscordEmulator();
  discord.addGuild({ id: GUILD, name: 'Faults', channels: CHANNELS.map((id, index) => ({ id, name: `faults-${index}` })) });
  publishBaseline(feeds);
  work = makeWorkDirectory({ 'herald.yaml': 'subscriptions: []\n' });
  herald = await startHeraldProcess({
    cwd: work.cwd,
    env: {
      DISCORD_TOKEN: discord.token, DISCORD_API_URL: discord.apiBase, DISCORD_GUILD_ID: GUILD,
      HERALD_POLL_INTERVAL: '1', HERALD_ALLOW_PRIVATE_URLS: 'true', HERALD_MAX_POSTS_PER_POLL: '500', LOG_LEVEL: 'info',
    },
    readyTimeoutMs: 60_000,
  });
  for (const channelId of CHANNELS) {
    const answer = await command(channelId, 'add', { url: feeds.url(FAULT_FEED_PATH), filter: FILTER });
    expect(answer.content).toMatch(/is now subscribed/);
    subscriptionIds.set(channelId, /`(\w+)`/.exec(answer.content)?.[1] ?? '');
  }
}, 180_000);

afterAll(async () => {
  await herald?.stop();
  await discord?.close();
  await feeds?.close();
  work?.remove();
});

describe('Discord: 100 items to 10 channels under 429s, 5xx, timeouts, dropped connections and a lost channel', () => {
  it('posts each matching item exactly once, in order, in every channel', async () => {
    discord.faults.schedule(...SCHEDULE);
    const expected = publishItems(feeds);

    await herald.waitForLine(/subscription paused/, { timeoutMs: 120_000 });
    discord.setChannelAccess(LOST, 'ok');
    expect((await command(LOST, 'resume', { subscription: subscriptionIds.get(LOST)! })).content).toMatch(/Resumed/);

    const arrived = () => new Map(CHANNELS.map((channelId) => [channelId, discord.messages(channelId).map((message) => String(message.embeds[0]?.title))]));
    await waitUntil(() => [...arrived().values()].every((titles) => titles.length >= MATCHING_ITEMS), `${MATCHING_ITEMS} posts in each of ${CHANNELS.length} channels`, 150_000);
    // A few more polls and retries, so that a late double would show.
    const polls = feeds.requestsTo(FAULT_FEED_PATH);
    await waitUntil(() => feeds.requestsTo(FAULT_FEED_PATH) >= polls + 3, 'three more polls');

    const report = deliveryReport(arrived(), expected);
    console.log(JSON.stringify({ platform: 'discord', faultsInjected: discord.faults.counts(), faultsTotal: discord.faults.injected.length, ...report }));
    expect(discord.faults.injected.length).toBeGreaterThanOrEqual(SCHEDULE.length);
    expect(report).toEqual({ channels: 10, itemsPerChannel: MATCHING_ITEMS, lost: 0, doubled: 0, outOfOrder: 0, unwanted: 0 });
    for (const titles of arrived().values()) expect(titles).toEqual(expected);
  }, 300_000);
});
