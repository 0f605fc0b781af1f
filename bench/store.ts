/**
 * Store benchmark: Herald's store (src/store/, through `openStore` and the Store interface) at a large
 * community's size, 100,000 subscriptions over 10,000 feeds, on its two engines side by side: SQLite (a file in a
 * temporary folder) and PostgreSQL (127.0.0.1:5432, database test, in a fresh schema dropped afterwards; both made by
 * test/support/temporary-store.ts, HERALD_TEST_POSTGRES naming another server).
 *
 * Measures, phase by phase, each phase on one engine and then the other:
 * - adding the subscriptions (subscriptions/s): in transactions of 1,000, and a sample of single puts on their own;
 * - reading one feed's subscriptions (listByFeed), as each poll does: latency over 1,000 random feeds;
 * - writing 10,000 deliveries, as polls do (one add of 10, a feed's subscriptions, per poll): total seconds;
 * - claiming due work with leases (claimDueFeeds limit 32, claimDueChannels limit 64), 500 claims each, every
 *   claim released again before the next so that the whole table stays due (the releases are timed as a batch).
 * Target: each per-poll read and claim under 5 ms at p95.
 */
import type { Delivery, Subscription } from '../src/store/records.ts';
import type { Store } from '../src/store/store.ts';
import { openTemporaryStore } from '../test/support/temporary-store.ts';
import type { TemporaryStore } from '../test/support/temporary-store.ts';
import { elapsedMs, latencies, median, round, runBench, target } from './report.ts';
import type { Latencies, Target } from './report.ts';

const FEEDS = 10_000;
const SUBSCRIPTIONS = 100_000;
const SUBSCRIPTIONS_PER_CHANNEL = 20;
const PUTS_PER_TRANSACTION = 1_000;
const SINGLE_PUTS = 1_000;
const READS = 1_000;
const DELIVERIES = 10_000;
const DELIVERIES_PER_POLL = 10;
const CLAIMS = 500;
const FEED_CLAIM_LIMIT = 32;
const CHANNEL_CLAIM_LIMIT = 64;
const LEASE_MS = 30_000;
const TARGET_P95_MS = 5;
const OWNER = 'bench-store';

/** A phase of the benchmark; `perPoll` ones are what each poll or claim costs, with the p95 target. */
interface Phase {
  readonly name: string;
  readonly perPoll: boolean;
  run(store: Store): Promise<{ readonly p95?: number }>;
}

await runBench('store', async (progress) => {
  const subscriptions = Array.from({ length: SUBSCRIPTIONS + SINGLE_PUTS }, (_, index) => subscriptionOf(index));
  const phases: Phase[] = [
    { name: 'add', perPoll: false, run: (store) => addSubscriptions(store, subscriptions.slice(0, SUBSCRIPTIONS), subscriptions.slice(SUBSCRIPTIONS)) },
    { name: 'listByFeed', perPoll: true, run: readFeeds },
    { name: 'addDeliveries', perPoll: false, run: (store) => writeDeliveries(store, subscriptions.slice(0, SUBSCRIPTIONS)) },
    { name: 'claimDueFeeds', perPoll: true, run: claimFeeds },
    { name: 'claimDueChannels', perPoll: true, run: claimChannels },
  ];
  const results: Record<string, Record<string, unknown>> = {};
  const targets: Record<string, Target> = {};
  const stores: TemporaryStore[] = [];
  try {
    stores.push(await openTemporaryStore('sqlite'), await openTemporaryStore('postgres'));
    for (const phase of phases) {
      for (const { store } of stores) {
        progress(`${store.engine}: ${phase.name}`);
        const figures = await phase.run(store);
        (results[store.engine] ??= {})[phase.name] = figures;
        if (phase.perPoll) {
          const p95 = figures.p95 ?? Number.NaN;
          targets[`${store.engine}: ${phase.name} p95`] = target(`p95 < ${TARGET_P95_MS} ms with ${SUBSCRIPTIONS} subscriptions over ${FEEDS} feeds`, p95, p95 < TARGET_P95_MS);
        }
      }
    }
  } finally {
    for (const { dispose } of stores) await dispose().catch((error: unknown) => progress(`cleanup failed: ${String(error)}`));
  }
  return {
    size: { feeds: FEEDS, subscriptions: SUBSCRIPTIONS, channels: SUBSCRIPTIONS / SUBSCRIPTIONS_PER_CHANNEL, deliveries: DELIVERIES },
    clock: 'wall time (performance.now) around each store call; the engines take turns phase by phase',
    engines: results,
    targets,
  };
});

async function addSubscriptions(store: Store, bulk: readonly Subscription[], singles: readonly Subscription[]): Promise<object> {
  const bulkStart = performance.now();
  for (let start = 0; start < bulk.length; start += PUTS_PER_TRANSACTION) {
    await store.transaction(async (session) => {
      for (const subscription of bulk.slice(start, start + PUTS_PER_TRANSACTION)) await session.subscriptions.put(subscription);
    });
  }
  const bulkSeconds = elapsedMs(bulkStart) / 1000;
  const singleStart = performance.now();
  for (const subscription of singles) await store.subscriptions.put(subscription);
  const singleSeconds = elapsedMs(singleStart) / 1000;
  const count = await store.subscriptions.count();
  if (count !== bulk.length + singles.length) throw new Error(`expected ${bulk.length + singles.length} subscriptions, the store counts ${count}`);
  return {
    inTransactionsOf1000: { subscriptions: bulk.length, seconds: round(bulkSeconds, 2), perSecond: Math.round(bulk.length / bulkSeconds) },
    singlePuts: { subscriptions: singles.length, seconds: round(singleSeconds, 2), perSecond: Math.round(singles.length / singleSeconds) },
  };
}

/** The same 1,000 feeds, drawn at random, on each engine. */
async function readFeeds(store: Store): Promise<Latencies> {
  const random = seededRandom(42);
  const times: number[] = [];
  for (let read = 0; read < READS; read += 1) {
    const feed = Math.floor(random() * FEEDS);
    const start = performance.now();
    const found = await store.subscriptions.listByFeed(feedUrlOf(feed));
    times.push(elapsedMs(start));
    if (found.length < SUBSCRIPTIONS / FEEDS) throw new Error(`listByFeed(${feedUrlOf(feed)}) found ${found.length} subscriptions`);
  }
  return latencies(times);
}

/** One add per "poll": a new item of one feed for each of its subscriptions. */
async function writeDeliveries(store: Store, subscriptions: readonly Subscription[]): Promise<object> {
  const byFeed = new Map<string, Subscription[]>();
  for (const subscription of subscriptions) {
    const list = byFeed.get(subscription.feedUrl) ?? [];
    if (list.length === 0) byFeed.set(subscription.feedUrl, list);
    list.push(subscription);
  }
  const feeds = [...byFeed.values()];
  const now = new Date();
  const times: number[] = [];
  const start = performance.now();
  for (let poll = 0, written = 0; written < DELIVERIES; poll += 1) {
    const batch = (feeds[poll % feeds.length] ?? []).slice(0, DELIVERIES_PER_POLL).map((subscription) => deliveryOf(subscription, `item-${poll}`, now));
    const addStart = performance.now();
    await store.deliveries.add(batch);
    times.push(elapsedMs(addStart));
    written += batch.length;
  }
  const seconds = elapsedMs(start) / 1000;
  const stats = await store.deliveries.stats(new Date());
  if (stats.pending !== DELIVERIES) throw new Error(`expected ${DELIVERIES} pending deliveries, the store has ${stats.pending}`);
  return { deliveries: DELIVERIES, perAdd: DELIVERIES_PER_POLL, seconds: round(seconds, 2), perSecond: Math.round(DELIVERIES / seconds), addLatencyMs: latencies(times) };
}

async function claimFeeds(store: Store): Promise<ClaimFigures> {
  return timeClaims(FEED_CLAIM_LIMIT, () => store.leases.claimDueFeeds(OWNER, new Date(), FEED_CLAIM_LIMIT, LEASE_MS), (url) => store.leases.releaseFeed(OWNER, url));
}

async function claimChannels(store: Store): Promise<ClaimFigures> {
  return timeClaims(
    CHANNEL_CLAIM_LIMIT,
    () => store.leases.claimDueChannels(OWNER, ['discord'], new Date(), CHANNEL_CLAIM_LIMIT, LEASE_MS),
    (channel) => store.leases.releaseChannel(OWNER, channel),
  );
}

type ClaimFigures = Latencies & {
  readonly limit: number;
  /** Median of the first and of the last 100 claims: a drift shows rows that each claim and release leave behind. */
  readonly p50FirstAndLast100: readonly [number, number];
  readonly releaseAllMs: Latencies;
};

/**
 * Runs CLAIMS claims, releasing what each leased before the next (all at once, as a worker's loops end; timed as a
 * batch). Each claim must have found a full batch (the table stays due), or the figure would flatter.
 */
async function timeClaims<T>(limit: number, claim: () => Promise<T[]>, release: (leased: T) => Promise<void>): Promise<ClaimFigures> {
  const claims: number[] = [];
  const releases: number[] = [];
  for (let run = 0; run < CLAIMS; run += 1) {
    const start = performance.now();
    const leased = await claim();
    claims.push(elapsedMs(start));
    if (leased.length !== limit) throw new Error(`claim ${run} leased ${leased.length}, expected ${limit}: the table did not stay due`);
    const releaseStart = performance.now();
    await Promise.all(leased.map(release));
    releases.push(elapsedMs(releaseStart));
  }
  const drift = [median(claims.slice(0, 100)), median(claims.slice(-100))].map((ms) => round(ms, 3)) as [number, number];
  return { limit, ...latencies(claims), p50FirstAndLast100: drift, releaseAllMs: latencies(releases) };
}

function feedUrlOf(feed: number): string {
  return `https://feeds.example.org/${feed % 97}/blog-${feed}/rss.xml`;
}

/**
 * Subscription `index` follows feed index % FEEDS from channel index / 20: 10 per feed, each in another channel,
 * and 20 feeds per channel.
 */
function subscriptionOf(index: number): Subscription {
  const channel = Math.floor(index / SUBSCRIPTIONS_PER_CHANNEL);
  return {
    id: `sub-${index.toString(36).padStart(5, '0')}`,
    platform: 'discord',
    workspaceId: `1${String(Math.floor(channel / 10)).padStart(17, '0')}`,
    channelId: `2${String(channel).padStart(17, '0')}`,
    channelName: `news-${channel}`,
    feedUrl: feedUrlOf(index % FEEDS),
    feedTitle: `Blog ${index % FEEDS}`,
    rule: index % 3 === 0 ? '' : 'kafka OR "event streaming" -sponsored',
    createdAt: new Date(Date.UTC(2025, 0, 1) + index * 1000).toISOString(),
    createdBy: '300000000000000001',
    paused: false,
  };
}

function deliveryOf(subscription: Subscription, itemId: string, now: Date): Delivery {
  return {
    id: `${subscription.id}:${itemId}`,
    subscriptionId: subscription.id,
    platform: subscription.platform,
    channelId: subscription.channelId,
    itemId,
    message: {
      title: `Streaming pipelines at scale, part ${itemId}`,
      url: `https://blog.example.org/posts/${itemId}`,
      summary: 'An item summary of the usual length: a few sentences about event streaming, Kafka and the rest. '.repeat(5),
      author: 'A. Writer',
      feedTitle: subscription.feedTitle,
      feedUrl: subscription.feedUrl,
      timestamp: now.toISOString(),
      categories: ['kafka', 'streaming'],
    },
    createdAt: now.toISOString(),
    attempts: 0,
    nextAttemptAt: now.toISOString(),
  };
}

/** A small deterministic generator (mulberry32), so every run reads the same feeds. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 2 ** 32;
  };
}

