/**
 * Delivery benchmark: 1,000 posts to 50 Discord channels (20 each, in order) through the real discord.js REST
 * client and Herald's DiscordSender, against the project's Discord emulator set to Discord's limits: a bucket of
 * 5 posts per 5 s per channel (announced in X-RateLimit-* headers) and 50 requests per second globally.
 *
 * Two delivery paths on a fresh emulator each, taking turns (A B B A):
 * - herald: the outbox in the store (SQLite, a temporary file) served by Herald's DeliveryWorker.runUntilIdle();
 * - baseline: 50 concurrent channel loops calling DiscordSender.send in order, no store (the alternative).
 * Reports the total time beside the minimum those limits allow (the greedy schedule simulated for these exact
 * numbers, with zero latency), the ratio, and the 429s the emulator answered, overall and per bucket.
 * Targets: herald's slower run within 10% of the minimum; at most one 429 per bucket in any of herald's runs.
 */
import { REST } from 'discord.js';
import { combineListeners } from '../src/activity.ts';
import { DeliveryWorker } from '../src/delivery/delivery-worker.ts';
import { toStoredMessage } from '../src/delivery/stored-message.ts';
import type { Message } from '../src/format/message.ts';
import { createSilentLogger } from '../src/log.ts';
import { DiscordSender } from '../src/platforms/discord/discord-sender.ts';
import type { Delivery, Subscription } from '../src/store/records.ts';
import { startDiscordEmulator } from '../test/emulators/discord/server.ts';
import type { DiscordEmulator } from '../test/emulators/discord/server.ts';
import { openTemporaryStore } from '../test/support/temporary-store.ts';
import { elapsedMs, round, runBench, target } from './report.ts';
import type { Target } from './report.ts';

const CHANNELS = 50;
const POSTS_PER_CHANNEL = 20;
const ROUTE_LIMIT = { limit: 5, windowMs: 5000 };
const GLOBAL_PER_SECOND = 50;
const GUILD_ID = '100000000000000001';
const FEED_URL = 'https://blog.example.org/feed.xml';
const TARGET_RATIO = 1.1;

interface DeliveryContext {
  readonly sender: DiscordSender;
  readonly channelIds: readonly string[];
  /** Per channel, its posts in the order they must appear. */
  readonly posts: ReadonlyMap<string, readonly Message[]>;
}

/** A delivery path made ready (untimed): `deliver` sends every post and returns what the path itself reports. */
interface PreparedPath {
  deliver(): Promise<unknown>;
  dispose(): Promise<void>;
}

interface DeliveryPath {
  prepare(context: DeliveryContext): Promise<PreparedPath>;
}

const PATHS: Record<'herald' | 'baseline', DeliveryPath> = {
  herald: { prepare: prepareWorker },
  baseline: { prepare: prepareChannelLoops },
};

await runBench('deliver', async (progress) => {
  const minimum = minimumSchedule(Array.from({ length: CHANNELS }, () => POSTS_PER_CHANNEL));
  const runs: Record<keyof typeof PATHS, RunFigures[]> = { herald: [], baseline: [] };
  for (const name of ['herald', 'baseline', 'baseline', 'herald'] as const) {
    progress(`${name}: ${CHANNELS * POSTS_PER_CHANNEL} posts to ${CHANNELS} channels (at least ${minimum.seconds} s)`);
    const run = await measure(PATHS[name], minimum.seconds);
    progress(`${name}: ${run.seconds} s, ${run.status429.total} x 429`);
    runs[name].push(run);
  }
  const herald = runs.herald.reduce((worst, run) => (run.seconds > worst.seconds ? run : worst));
  const ratio = herald.ratioToMinimum;
  const worstBucket = Math.max(...runs.herald.map((run) => run.status429.worstBucket));
  const targets: Record<string, Target> = {
    'herald total vs minimum': target(`at most ${TARGET_RATIO} x the minimum the limits allow (${minimum.seconds} s), slower run`, ratio, ratio <= TARGET_RATIO),
    'herald 429s per bucket': target('at most one 429 per bucket (channel), worst bucket of any run', worstBucket, worstBucket <= 1),
  };
  return {
    posts: { channels: CHANNELS, perChannel: POSTS_PER_CHANNEL, total: CHANNELS * POSTS_PER_CHANNEL },
    limits: { perChannelBucket: ROUTE_LIMIT, globalPerSecond: GLOBAL_PER_SECOND },
    minimum,
    clock: 'wall time of the delivery path from its start (claiming, for the worker) to the last post accepted; setup excluded',
    runs,
    targets,
  };
});

interface RunFigures {
  seconds: number;
  ratioToMinimum: number;
  requests: number;
  status429: {
    total: number;
    worstBucket: number;
    bucketsWith429: number;
    /** What the 429s said they were (X-RateLimit-Scope as discord.js received it): 'global' or the bucket's 'user'. */
    byScope: Record<string, number>;
    perBucket: Record<string, number>;
  };
  pathReport: unknown;
}

async function measure(deliveryPath: DeliveryPath, minimumSeconds: number): Promise<RunFigures> {
  const emulator = await startDiscordEmulator({ routeLimit: ROUTE_LIMIT, globalLimitPerSecond: GLOBAL_PER_SECOND });
  try {
    const channelIds = Array.from({ length: CHANNELS }, (_, index) => `2${String(index).padStart(17, '0')}`);
    emulator.addGuild({ id: GUILD_ID, name: 'Bench', channels: channelIds.map((id, index) => ({ id, name: `news-${index}` })) });
    const posts = new Map(channelIds.map((id) => [id, Array.from({ length: POSTS_PER_CHANNEL }, (_, index) => messageOf(id, index))]));
    const rest = new REST({ api: emulator.apiBase }).setToken(emulator.token);
    const byScope: Record<string, number> = {};
    rest.on('response', (_request, response) => {
      const scope = response.headers.get('x-ratelimit-scope') ?? 'none';
      if (response.status === 429) byScope[scope] = (byScope[scope] ?? 0) + 1;
    });
    const sender = new DiscordSender(rest);
    const prepared = await deliveryPath.prepare({ sender, channelIds, posts });
    try {
      const start = performance.now();
      const pathReport = await prepared.deliver();
      const seconds = round(elapsedMs(start) / 1000, 2);
      checkPosted(emulator, posts);
      return { seconds, ratioToMinimum: round(seconds / minimumSeconds, 3), ...countRequests(emulator, byScope), pathReport };
    } finally {
      await prepared.dispose();
    }
  } finally {
    await emulator.close();
  }
}

/** Herald's path: the deliveries in the outbox, the worker serving every channel until none is left. */
async function prepareWorker({ sender, channelIds, posts }: DeliveryContext): Promise<PreparedPath> {
  const { store, dispose } = await openTemporaryStore('sqlite');
  const now = Date.now();
  const subscriptions = channelIds.map((channelId, index): Subscription => ({
    id: `sub-${index}`,
    platform: 'discord',
    workspaceId: GUILD_ID,
    channelId,
    feedUrl: FEED_URL,
    feedTitle: 'Bench blog',
    rule: '',
    createdAt: new Date(now - 60_000).toISOString(),
    createdBy: 'config file',
    paused: false,
  }));
  for (const subscription of subscriptions) await store.subscriptions.put(subscription);
  for (let index = 0; index < POSTS_PER_CHANNEL; index += 1) {
    // One poll per item: its deliveries to every channel, in the order the items came.
    const at = new Date(now - 30_000 + index).toISOString();
    await store.deliveries.add(
      subscriptions.map((subscription): Delivery => {
        const message = posts.get(subscription.channelId)?.[index];
        if (message === undefined) throw new Error(`no post ${index} for channel ${subscription.channelId}`);
        return {
          id: `${subscription.id}:item-${index}`,
          subscriptionId: subscription.id,
          platform: 'discord',
          channelId: subscription.channelId,
          itemId: `item-${index}`,
          message: toStoredMessage(message),
          createdAt: at,
          attempts: 0,
          nextAttemptAt: at,
        };
      }),
    );
  }
  const worker = new DeliveryWorker({
    store,
    senders: new Map([['discord', sender]]),
    log: createSilentLogger(),
    activity: combineListeners([]),
    clock: () => new Date(),
    owner: 'bench-deliver',
  });
  return {
    async deliver() {
      const report = await worker.runUntilIdle();
      if (report.sent !== CHANNELS * POSTS_PER_CHANNEL) throw new Error(`the worker sent ${report.sent} of ${CHANNELS * POSTS_PER_CHANNEL}: ${JSON.stringify(report)}`);
      return report;
    },
    async dispose() {
      await worker.stop();
      await dispose();
    },
  };
}

/** The alternative: one loop per channel sending its posts in order, all channels at once, nothing stored. */
async function prepareChannelLoops({ sender, channelIds, posts }: DeliveryContext): Promise<PreparedPath> {
  return {
    async deliver() {
      const outcomes = await Promise.all(
        channelIds.map(async (channelId) => {
          for (const [index, message] of (posts.get(channelId) ?? []).entries()) {
            const outcome = await sender.send(channelId, message, `${channelId}:${index}`);
            if (outcome.kind !== 'sent') throw new Error(`post ${index} to ${channelId}: ${JSON.stringify(outcome)}`);
          }
        }),
      );
      return { sent: outcomes.length * POSTS_PER_CHANNEL };
    },
    async dispose() {},
  };
}

function checkPosted(emulator: DiscordEmulator, posts: ReadonlyMap<string, readonly Message[]>): void {
  for (const [channelId, expected] of posts) {
    const titles = emulator.messages(channelId).map((message) => (message.embeds[0] as { title?: string } | undefined)?.title);
    if (titles.join('\n') !== expected.map((message) => message.title).join('\n')) {
      throw new Error(`channel ${channelId} shows ${titles.length} posts, not the ${expected.length} expected in order`);
    }
  }
}

function countRequests(emulator: DiscordEmulator, byScope: Record<string, number>): Pick<RunFigures, 'requests' | 'status429'> {
  const requests = emulator.requests;
  const perBucket: Record<string, number> = {};
  for (const request of requests) {
    // Create Message's bucket is per channel: the request's path names it.
    if (request.status === 429) perBucket[`${request.method} ${request.path}`] = (perBucket[`${request.method} ${request.path}`] ?? 0) + 1;
  }
  const counts = Object.values(perBucket);
  return {
    requests: requests.length,
    status429: {
      total: counts.reduce((sum, count) => sum + count, 0),
      worstBucket: Math.max(0, ...counts),
      bucketsWith429: counts.length,
      byScope,
      perBucket,
    },
  };
}

/**
 * The earliest the last post can go out under both limits as the emulator applies them (a window opens with the
 * first request after the previous one ended: the global one for 1 s, a channel's for its windowMs), sending at
 * every moment as many posts as both allow, channels with the most left first, with zero latency. Also the two
 * simple lower bounds, each limit on its own.
 */
function minimumSchedule(postsPerChannel: readonly number[]): { seconds: number; globalBoundSeconds: number; bucketBoundSeconds: number; how: string } {
  const remaining = [...postsPerChannel];
  const buckets = remaining.map(() => ({ count: 0, resetAt: 0 }));
  let global = { count: 0, resetAt: 0 };
  let now = 0;
  let lastSend = 0;
  while (remaining.some((left) => left > 0)) {
    if (now >= global.resetAt) global = { count: 0, resetAt: now + 1000 };
    const ready = remaining
      .map((left, channel) => ({ left, channel }))
      .filter(({ left, channel }) => left > 0 && (now >= (buckets[channel]?.resetAt ?? 0) || (buckets[channel]?.count ?? 0) < ROUTE_LIMIT.limit))
      .sort((a, b) => b.left - a.left);
    for (const { channel } of ready) {
      const bucket = buckets[channel];
      if (bucket === undefined || global.count >= GLOBAL_PER_SECOND) break;
      if (now >= bucket.resetAt) Object.assign(bucket, { count: 0, resetAt: now + ROUTE_LIMIT.windowMs });
      while (bucket.count < ROUTE_LIMIT.limit && global.count < GLOBAL_PER_SECOND && (remaining[channel] ?? 0) > 0) {
        bucket.count += 1;
        global.count += 1;
        remaining[channel] = (remaining[channel] ?? 0) - 1;
        lastSend = now;
      }
    }
    const waits = buckets.filter((_, channel) => (remaining[channel] ?? 0) > 0).map((bucket) => bucket.resetAt);
    now = Math.min(...[global.resetAt, ...waits].filter((at) => at > now));
  }
  const total = postsPerChannel.reduce((sum, count) => sum + count, 0);
  return {
    seconds: lastSend / 1000,
    globalBoundSeconds: Math.ceil(total / GLOBAL_PER_SECOND) - 1,
    bucketBoundSeconds: ((Math.ceil(Math.max(...postsPerChannel) / ROUTE_LIMIT.limit) - 1) * ROUTE_LIMIT.windowMs) / 1000,
    how: 'greedy schedule of these exact posts under both limits, zero latency: the time of the last send',
  };
}

function messageOf(channelId: string, index: number): Message {
  return {
    title: `Post ${index + 1} of ${POSTS_PER_CHANNEL} for channel ${channelId.slice(-2)}`,
    url: `https://blog.example.org/posts/${channelId}/${index}`,
    summary: 'Event streaming at scale: what changed in the latest release, and how to move a pipeline to it. '.repeat(3),
    author: 'A. Writer',
    feedTitle: 'Bench blog',
    feedUrl: FEED_URL,
    timestamp: new Date(Date.UTC(2025, 5, 1, 12, index)),
    categories: ['kafka'],
  };
}
