/**
 * Cluster benchmark: a Herald cluster of real `herald start` processes (test/e2e/herald-process.ts) on one
 * PostgreSQL, each measured run on a fresh schema.
 *
 * A. Sweep: 10,000 RSS feeds on 100 loopback addresses (test/emulators/feed-farm.ts; 90% answer 304 to their ETag,
 *    10% have one or two new items), 10,000 subscriptions (rule "kafka", which every new item matches), polled by
 *    one, two and three processes with HERALD_ROLES=poll and no platform token. The first pass (each feed's
 *    baseline, not measured: it is what takes longest) runs once, by three processes as they start, into a template
 *    schema; each N then gets a fresh schema holding a copy of it and N fresh processes. The farm moves to
 *    generation 1, every feed is made due at once (feeds.next_poll_at = null) and the figure is the wall time until
 *    every feed's last_polled_at is past that moment. Also per N: feeds/s, speedup vs one process, what the farm
 *    answered, the deliveries queued, the processes' CPU time and summed VmRSS, and how busy the whole machine was
 *    (/proc/stat): on 2 cores the processes, PostgreSQL and the farm share two CPUs, so little is to be gained beyond
 *    two processes.
 * B. Discord's 50 requests/s global limit: 600 deliveries to 60 channels (3 guilds) seeded in the store, sent by
 *    three HERALD_ROLES=deliver processes to the Discord emulator (global limit 50/s, per-channel buckets out of the
 *    way), straight (each process paces itself to 50/s) and through one Discord proxy (src/platforms/discord/
 *    discord-proxy.ts: one pace for the cluster), each on a fresh emulator. The deliveries are seeded not due; once
 *    all three processes are up their channels fall due one every 50 ms: a worker claims every due channel it has
 *    room for (64), so deliveries due at once would all go to whichever process looked first. The run ends when no
 *    delivery is pending. Reported: seconds from the release to the last post, requests/s, the emulator's busiest
 *    second, its 429s, the deliveries' final states (and why any was refused), how many channels each process
 *    served, and duplicate or out-of-order posts.
 * Targets: through the proxy no global 429 and at most 50 requests/s on average; every delivery posted, none twice;
 * no feed fetched twice in a sweep and every new item queued once.
 */
import { readFileSync, readlinkSync, realpathSync } from 'node:fs';
import pg from 'pg';
import { createSilentLogger } from '../src/log.ts';
import { startDiscordProxy } from '../src/platforms/discord/discord-proxy.ts';
import type { RunningDiscordProxy } from '../src/platforms/discord/discord-proxy.ts';
import type { Subscription } from '../src/store/records.ts';
import { startDiscordEmulator } from '../test/emulators/discord/server.ts';
import type { DiscordEmulator } from '../test/emulators/discord/server.ts';
import { newItemsOf, startFeedFarm } from '../test/emulators/feed-farm.ts';
import type { FeedFarm } from '../test/emulators/feed-farm.ts';
import { makeWorkDirectory, startHeraldProcess } from '../test/e2e/herald-process.ts';
import type { HeraldProcess } from '../test/e2e/herald-process.ts';
import { deliveryRecord, subscriptionRecord } from '../test/support/store-records.ts';
import { openTemporaryStore, POSTGRES_TEST_SERVER } from '../test/support/temporary-store.ts';
import type { TemporaryStore } from '../test/support/temporary-store.ts';
import { round, runBench, target } from './report.ts';
import type { Progress } from './report.ts';
import { processTree, treeMemory } from './support/process-tree.ts';

const FEEDS = 10_000;
const HOSTS = 100;
const SEED_BATCH = 2_500;
const CLUSTER_SIZES = [1, 2, 3] as const;
/** The first pass (baselines, not measured, the longest part) is run once, by this many processes. */
const BASELINE_PROCESSES = 3;
const POLL_ENV = {
  HERALD_ROLES: 'poll', HERALD_POLL_INTERVAL: '1h', HERALD_ALLOW_PRIVATE_URLS: 'true',
  // Info says "Herald started" (what startHeraldProcess waits for) and nothing per poll.
  LOG_LEVEL: 'info',
};
/** What a baseline leaves in the store (no deliveries, no leases): copied from the template into each N's schema. */
const BASELINE_TABLES = ['subscriptions', 'feeds', 'seen_items'] as const;

const DELIVERY_VARIANTS = ['straight', 'proxy'] as const;
type DeliveryVariant = (typeof DELIVERY_VARIANTS)[number];
const DELIVERY_PROCESSES = 3;
const GUILDS = 3;
const CHANNELS = 60;
const POSTS_PER_CHANNEL = 10;
const TOTAL_POSTS = CHANNELS * POSTS_PER_CHANNEL;
const GLOBAL_PER_SECOND = 50;
/** One channel falls due every this many ms after the release (see the header). */
const RELEASE_STEP_MS = 50;

const READY_TIMEOUT_MS = 90_000;
/** A wait fails when what is left has not shrunk for this long. */
const STALL_MS = 60_000;
const STOP_TIMEOUT_MS = 20_000;
/** The kernel's clock ticks per second in /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const CLOCK_TICKS = 100;

await runBench('cluster', async (progress) => {
  const { baseline, runs } = await measureSweeps(progress);
  const delivery: Partial<Record<DeliveryVariant, DeliveryFigures>> = {};
  for (const variant of DELIVERY_VARIANTS) delivery[variant] = await measureDelivery(variant, progress);

  const proxied = delivery.proxy;
  const variants = DELIVERY_VARIANTS.map((variant) => delivery[variant]);
  const extraFetches = Math.max(...runs.map((run) => run.extraFetches));
  const wrongDeliveries = Math.max(...runs.map((run) => Math.abs(run.deliveriesQueued - run.deliveriesExpected)));
  const duplicates = variants.reduce((sum, figures) => sum + (figures?.duplicates ?? Number.NaN), 0);
  const unposted = variants.map((figures) => TOTAL_POSTS - (figures?.posted ?? 0));
  return {
    sweep: {
      farm: { feeds: FEEDS, hosts: HOSTS, notModified: '90%', withNewItems: '10% (one or two)', subscriptions: FEEDS },
      processes: 'herald start, HERALD_ROLES=poll, no platform token, HERALD_POLL_INTERVAL=1h',
      baseline: { ...baseline, how: 'the first pass, once, into a template schema; each N gets a fresh schema holding a copy of it' },
      clock: 'second sweep: from making every feed due (next_poll_at = null) until every feed has last_polled_at after it',
      runs,
      note:
        'Every process, PostgreSQL and the feed farm share this machine\'s two cores (see machineBusy): a third process ' +
        'has no core of its own, so expect little or no gain beyond two processes here; the cluster scales with cores, not with processes.',
    },
    delivery: {
      posts: { channels: CHANNELS, guilds: GUILDS, perChannel: POSTS_PER_CHANNEL, total: TOTAL_POSTS },
      processes: `${DELIVERY_PROCESSES} x herald start, HERALD_ROLES=deliver, DISCORD_TOKEN set (no gateway)`,
      limits: { globalPerSecond: GLOBAL_PER_SECOND, perChannelBucket: 'out of the way (1000 per second)' },
      clock: `from the release (channels falling due one every ${RELEASE_STEP_MS} ms) to the last post; the global limit alone allows no less than ${TOTAL_POSTS / GLOBAL_PER_SECOND - 1} s`,
      variants: delivery,
      note:
        'Straight, each process keeps its own 50/s, so together they ask Discord for up to three times the limit and are ' +
        'refused with global 429s (retried); through the proxy one client paces the whole cluster.',
    },
    targets: {
      'proxy: no global 429': target('globalLimited = 0 through the proxy', proxied?.globalLimited ?? null, proxied?.globalLimited === 0),
      'proxy: average rate': target(`at most ${GLOBAL_PER_SECOND} requests/s through the proxy`, proxied?.requestsPerSecond ?? null, (proxied?.requestsPerSecond ?? Infinity) <= GLOBAL_PER_SECOND),
      'every delivery posted': target(`${TOTAL_POSTS} posts in each variant (${DELIVERY_VARIANTS.join(', ')}: how many missing)`, unposted.join(', '), unposted.every((missing) => missing === 0)),
      'no duplicate posts': target('0 posts beyond the deliveries, either variant', duplicates, duplicates === 0),
      'no duplicate fetches': target('each feed fetched once per sweep, any N (the most extra fetches of a run)', extraFetches, extraFetches === 0),
      'every new item queued once': target('deliveries queued = new matching items, any N (the largest difference)', wrongDeliveries, wrongDeliveries === 0),
    },
  };
});

// ---------------------------------------------------------------------------------------------------------------
// A. The sweep

/** The first pass, once: every feed's baseline, by BASELINE_PROCESSES processes, into the template schema. */
interface BaselineFigures {
  readonly processes: number;
  /** From spawning the processes until every feed had its baseline (start-up included). */
  readonly seconds: number;
  readonly exitCodes: ReadonlyArray<number | null>;
}

interface SweepFigures {
  readonly processes: number;
  readonly seconds: number;
  readonly feedsPerSecond: number;
  readonly speedup: number;
  /** The farm's answers during the second sweep, by status. */
  readonly answered: Readonly<Record<string, number>>;
  readonly extraFetches: number;
  readonly deliveriesQueued: number;
  readonly deliveriesExpected: number;
  /** CPU time of the Herald processes over the second sweep (user + system), and of this process (the farm). */
  readonly cpuSeconds: { readonly herald: number; readonly farm: number };
  /** Share of the machine's CPU time busy over the second sweep (all cores, every process on the machine). */
  readonly machineBusy: number;
  /** VmRSS summed over the Herald processes (with tsx's esbuild service, where one runs) after the second sweep. */
  readonly rssMB: number | null;
  readonly exitCodes: ReadonlyArray<number | null>;
}


async function measureSweeps(progress: Progress): Promise<{ baseline: BaselineFigures; runs: SweepFigures[] }> {
  const farm = await startFeedFarm(FEEDS, HOSTS);
  const template = await openTemporaryStore('postgres').catch(async (error: unknown) => {
    await farm.close();
    throw error;
  });
  const runs: SweepFigures[] = [];
  try {
    const baseline = await runBaseline(farm, template, progress);
    for (const processes of CLUSTER_SIZES) {
      const run = await measureSweep(farm, template, processes, progress);
      const base = runs[0]?.seconds ?? run.seconds;
      runs.push({ ...run, speedup: round(base / run.seconds, 2) });
      progress(`sweep, ${processes} process(es): ${run.seconds} s (${run.feedsPerSecond} feeds/s), machine ${Math.round(run.machineBusy * 100)}% busy`);
    }
    return { baseline, runs };
  } finally {
    await template.dispose();
    await farm.close();
  }
}

/** Seeds the template and has BASELINE_PROCESSES processes take every feed's baseline (generation 0). */
async function runBaseline(farm: FeedFarm, template: TemporaryStore, progress: Progress): Promise<BaselineFigures> {
  farm.setGeneration(0);
  progress(`baseline: seeding ${FEEDS} feeds and subscriptions`);
  await seedFeeds(template, farm.urls);
  const started = performance.now();
  let seconds = Number.NaN;
  const exitCodes = await withCluster(BASELINE_PROCESSES, { ...POLL_ENV, HERALD_STORE: template.uri }, async (cluster, sql) => {
    progress(`baseline: ${BASELINE_PROCESSES} processes started, first pass under way`);
    await waitForNone(sql, 'select count(*) from feeds where last_polled_at is null', [], 'feeds without a baseline', cluster, progress);
    seconds = round((performance.now() - started) / 1000, 1);
  });
  progress(`baseline: ${seconds} s`);
  return { processes: BASELINE_PROCESSES, seconds, exitCodes };
}

/** N fresh processes on a fresh copy of the template: generation 1, every feed due at once, timed until all are polled. */
async function measureSweep(farm: FeedFarm, template: TemporaryStore, processes: number, progress: Progress): Promise<SweepFigures> {
  const database = await openTemporaryStore('postgres');
  try {
    await copyBaseline(template.uri, database.uri);
    progress(`sweep, ${processes} process(es): baseline copied, starting`);
    let figures: Omit<SweepFigures, 'exitCodes'> | undefined;
    const exitCodes = await withCluster(processes, { ...POLL_ENV, HERALD_STORE: database.uri }, async (cluster, sql, pids) => {
      farm.setGeneration(1);
      const answeredBefore = { ...farm.answered };
      const cpuBefore = { herald: cpuSecondsOf(pids), farm: process.cpuUsage(), machine: machineTicks() };
      const dueAt = Date.now();
      const sweepStart = performance.now();
      await sql.query('update feeds set next_poll_at = null');
      await waitForNone(sql, 'select count(*) from feeds where last_polled_at is null or last_polled_at < $1', [dueAt], 'feeds not polled again', cluster, progress);
      const seconds = (performance.now() - sweepStart) / 1000;
      const farmCpu = process.cpuUsage(cpuBefore.farm);
      const machine = machineTicks();
      const answered = Object.fromEntries(Object.entries(farm.answered).map(([status, count]) => [status, count - (answeredBefore[Number(status)] ?? 0)]));
      const queued = await sql.query<{ count: string }>('select count(*) from deliveries');
      figures = {
        processes,
        seconds: round(seconds, 2),
        feedsPerSecond: Math.round(FEEDS / seconds),
        speedup: 1,
        answered,
        extraFetches: Object.values(answered).reduce((sum, count) => sum + count, 0) - FEEDS,
        deliveriesQueued: Number(queued.rows[0]?.count),
        deliveriesExpected: farm.urls.reduce((sum, _url, feed) => sum + newItemsOf(feed, 1), 0),
        cpuSeconds: { herald: round(cpuSecondsOf(pids) - cpuBefore.herald, 1), farm: round((farmCpu.user + farmCpu.system) / 1e6, 1) },
        machineBusy: round(1 - (machine.idle - cpuBefore.machine.idle) / (machine.total - cpuBefore.machine.total), 2),
        rssMB: pids.length === processes ? round(pids.reduce((sum, pid) => sum + treeMemory(pid).rssMB, 0)) : null,
      };
    });
    if (figures === undefined) throw new Error('the sweep ended with no figures');
    return { ...figures, exitCodes };
  } finally {
    await database.dispose();
  }
}

/** Copies the template's baseline rows into a freshly migrated schema (the same migrations made both). */
async function copyBaseline(fromUri: string, toUri: string): Promise<void> {
  const [from, to] = [schemaOf(fromUri), schemaOf(toUri)];
  const sql = new pg.Client({ connectionString: POSTGRES_TEST_SERVER });
  await sql.connect();
  try {
    await sql.query('begin');
    for (const table of BASELINE_TABLES) {
      await sql.query(`truncate "${to}"."${table}" cascade`);
      await sql.query(`insert into "${to}"."${table}" overriding system value select * from "${from}"."${table}"`);
    }
    await sql.query('commit');
  } finally {
    await sql.end();
  }
}

/** The schema a temporary store's uri names (its search_path option). */
function schemaOf(uri: string): string {
  const schema = /search_path=(\w+)/.exec(decodeURIComponent(new URL(uri).searchParams.get('options') ?? ''))?.[1];
  if (schema === undefined) throw new Error(`no search_path in ${uri}`);
  return schema;
}

/** A subscription per feed (a channel each, 100 feeds a guild) and the feed's row, in a few transactions. */
async function seedFeeds({ store }: TemporaryStore, urls: readonly string[]): Promise<void> {
  for (let first = 0; first < urls.length; first += SEED_BATCH) {
    await store.transaction(async (session) => {
      for (const [offset, feedUrl] of urls.slice(first, first + SEED_BATCH).entries()) {
        const feed = first + offset;
        const channelId = `2${String(feed).padStart(17, '0')}`;
        const workspaceId = `1${String(Math.floor(feed / 100)).padStart(17, '0')}`;
        await session.subscriptions.put(subscriptionRecord(`sub-${feed}`, { feedUrl, platform: 'discord', channelId, workspaceId, rule: 'kafka' }));
        await session.feeds.save({ url: feedUrl, consecutiveFailures: 0 });
      }
    });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// B. Discord's global limit

interface DeliveryFigures {
  readonly seconds: number;
  readonly requests: number;
  /** Requests over the whole seconds they fell in: (last post − release) + 1 s, the span a 1-second window counts. */
  readonly requestsPerSecond: number;
  readonly maxInAnySecond: number;
  readonly globalLimited: number;
  readonly status429: number;
  readonly posted: number;
  /** The deliveries' final states in the store (all 'sent' unless some were refused). */
  readonly states: Readonly<Record<string, number>>;
  /** Why refused deliveries were refused, and how many each. */
  readonly refusals: Readonly<Record<string, number>>;
  readonly duplicates: number;
  readonly outOfOrderChannels: number;
  /** How many channels each process served (the lease owners seen on the channel rows), most first. */
  readonly channelsPerProcess: readonly number[];
  readonly exitCodes: ReadonlyArray<number | null>;
}

async function measureDelivery(variant: DeliveryVariant, progress: Progress): Promise<DeliveryFigures> {
  const emulator = await startDiscordEmulator({ routeLimit: { limit: 1000, windowMs: 1000 }, globalLimitPerSecond: GLOBAL_PER_SECOND });
  let proxy: RunningDiscordProxy | undefined;
  let database: TemporaryStore | undefined;
  try {
    if (variant === 'proxy') proxy = await startDiscordProxy({ port: 0, upstream: emulator.apiBase, log: createSilentLogger() });
    database = await openTemporaryStore('postgres');
    const channels = addChannels(emulator);
    const expected = await seedDeliveries(database, channels);
    progress(`delivery, ${variant}: ${expected.size * POSTS_PER_CHANNEL} deliveries seeded, starting ${DELIVERY_PROCESSES} processes`);
    const env = {
      HERALD_STORE: database.uri, HERALD_ROLES: 'deliver', DISCORD_TOKEN: emulator.token, LOG_LEVEL: 'info',
      DISCORD_API_URL: proxy === undefined ? emulator.apiBase : `http://127.0.0.1:${proxy.port}/api`,
    };
    let figures: Omit<DeliveryFigures, 'exitCodes'> | undefined;
    const exitCodes = await withCluster(DELIVERY_PROCESSES, env, async (cluster, sql) => {
      const released = await release(sql, channels);
      const owners = await watchDelivery(sql, cluster, progress);
      const posted = emulator.messages();
      const seconds = (Math.max(...posted.map((message) => Date.parse(message.timestamp))) - released) / 1000;
      const rate = emulator.requestRate();
      const states = await sql.query<{ state: string; error: string | null; count: string }>('select state, last_error as error, count(*) from deliveries group by state, last_error');
      figures = {
        seconds: round(seconds, 2),
        requests: rate.total,
        requestsPerSecond: round(rate.total / (seconds + 1), 1),
        maxInAnySecond: rate.maxInAnySecond,
        globalLimited: rate.globalLimited,
        status429: emulator.requests.filter((request) => request.status === 429).length,
        posted: posted.length,
        states: tally(states.rows.map((row) => [row.state, Number(row.count)])),
        refusals: tally(states.rows.filter((row) => row.state !== 'sent').map((row) => [row.error ?? 'none', Number(row.count)])),
        ...checkPosts(emulator, expected),
        channelsPerProcess: [...owners.values()].sort((a, b) => b - a),
      };
    });
    if (figures === undefined) throw new Error('the delivery ended with no figures');
    progress(`delivery, ${variant}: ${figures.posted} posted in ${figures.seconds} s, ${figures.globalLimited} global 429s`);
    return { ...figures, exitCodes };
  } finally {
    await database?.dispose();
    await proxy?.close();
    await emulator.close();
  }
}

function tally(entries: ReadonlyArray<readonly [string, number]>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const [key, count] of entries) counts[key] = (counts[key] ?? 0) + count;
  return counts;
}

function addChannels(emulator: DiscordEmulator): Array<{ id: string; guildId: string }> {
  const channels = Array.from({ length: CHANNELS }, (_, index) => ({ id: `2${String(index).padStart(17, '0')}`, guildId: `1${String(index % GUILDS).padStart(17, '0')}` }));
  for (let guild = 0; guild < GUILDS; guild += 1) {
    const id = `1${String(guild).padStart(17, '0')}`;
    emulator.addGuild({ id, name: `Bench ${guild}`, channels: channels.filter((channel) => channel.guildId === id).map((channel) => ({ id: channel.id, name: `news-${channel.id.slice(-2)}` })) });
  }
  return channels;
}

/**
 * A subscription per channel and its deliveries, pending but not due for an hour (release() makes them due);
 * returns each channel's titles in the order they must appear.
 */
async function seedDeliveries({ store }: TemporaryStore, channels: ReadonlyArray<{ id: string; guildId: string }>): Promise<Map<string, string[]>> {
  const createdAt = new Date().toISOString();
  const notYet = new Date(Date.now() + 3_600_000).toISOString();
  const expected = new Map<string, string[]>();
  const subscriptions: Subscription[] = channels.map((channel, index) => subscriptionRecord(`sub-${index}`, { platform: 'discord', channelId: channel.id, workspaceId: channel.guildId, rule: '' }));
  await store.transaction(async (session) => {
    for (const subscription of subscriptions) await session.subscriptions.put(subscription);
  });
  const deliveries = subscriptions.flatMap((subscription) =>
    Array.from({ length: POSTS_PER_CHANNEL }, (_, post) => deliveryRecord(`${subscription.channelId}-${post}`, subscription, { createdAt, nextAttemptAt: notYet })),
  );
  await store.deliveries.add(deliveries);
  for (const delivery of deliveries) expected.set(delivery.channelId, [...(expected.get(delivery.channelId) ?? []), delivery.message.title]);
  return expected;
}

/** Makes channel n's deliveries due n × RELEASE_STEP_MS from now; returns now (epoch ms). */
async function release(sql: pg.Client, channels: ReadonlyArray<{ id: string }>): Promise<number> {
  const at = Date.now();
  await sql.query('begin');
  for (const [index, channel] of channels.entries()) {
    const due = at + index * RELEASE_STEP_MS;
    await sql.query('update deliveries set next_attempt_at = $1 where channel_id = $2', [due, channel.id]);
    await sql.query('update channels set next_due_at = $1 where channel_id = $2', [due, channel.id]);
  }
  await sql.query('commit');
  return at;
}

/** Waits until no delivery is pending (sent, or refused), noting who held each channel's lease meanwhile; returns channels per owner. */
async function watchDelivery(sql: pg.Client, cluster: readonly HeraldProcess[], progress: Progress): Promise<Map<string, number>> {
  const ownerOf = new Map<string, string>();
  await waitForNothingLeft('deliveries pending', cluster, progress, async () => {
    const held = await sql.query<{ channel_id: string; lease_owner: string }>('select channel_id, lease_owner from channels where lease_owner is not null');
    for (const row of held.rows) if (!ownerOf.has(row.channel_id)) ownerOf.set(row.channel_id, row.lease_owner);
    const { rows } = await sql.query<{ count: string }>("select count(*) from deliveries where state = 'pending'");
    return Number(rows[0]?.count);
  });
  const perOwner = new Map<string, number>();
  for (const owner of ownerOf.values()) perOwner.set(owner, (perOwner.get(owner) ?? 0) + 1);
  return perOwner;
}

/** Posts beyond each channel's deliveries (a title seen twice, or more posts than deliveries), and channels out of order. */
function checkPosts(emulator: DiscordEmulator, expected: ReadonlyMap<string, readonly string[]>): Pick<DeliveryFigures, 'duplicates' | 'outOfOrderChannels'> {
  let duplicates = 0;
  let outOfOrderChannels = 0;
  for (const [channelId, titles] of expected) {
    const posted = emulator.messages(channelId).map((message) => String(message.embeds[0]?.title ?? ''));
    duplicates += Math.max(posted.length - titles.length, posted.length - new Set(posted).size);
    if (posted.join('\n') !== titles.join('\n')) outOfOrderChannels += 1;
  }
  return { duplicates, outOfOrderChannels };
}

// ---------------------------------------------------------------------------------------------------------------
// The processes

/**
 * Runs `body` with `count` Herald processes started at once in a fresh working directory, and a connection to their
 * store (HERALD_STORE); stops them afterwards, whatever happened, and returns their exit codes.
 */
async function withCluster(
  count: number,
  env: Record<string, string> & { HERALD_STORE: string },
  body: (cluster: readonly HeraldProcess[], sql: pg.Client, pids: readonly number[]) => Promise<void>,
): Promise<Array<number | null>> {
  const work = makeWorkDirectory({ 'herald.yaml': 'subscriptions: []\n' });
  const sql = new pg.Client({ connectionString: env.HERALD_STORE });
  const cluster: HeraldProcess[] = [];
  let exitCodes: Array<number | null> = [];
  try {
    await sql.connect();
    cluster.push(...(await startCluster(count, work.cwd, env)));
    await body(cluster, sql, heraldPids(work.cwd));
  } finally {
    exitCodes = await stopCluster(cluster);
    await sql.end().catch(() => undefined);
    work.remove();
  }
  return exitCodes;
}

/** Starts `count` processes at once; if any fails to start, those that did are stopped and the error thrown. */
async function startCluster(count: number, cwd: string, env: Record<string, string>): Promise<HeraldProcess[]> {
  const outcomes = await Promise.allSettled(Array.from({ length: count }, () => startHeraldProcess({ cwd, env, readyTimeoutMs: READY_TIMEOUT_MS })));
  const started = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
  const failed = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failed === undefined) return started;
  await stopCluster(started);
  throw failed.reason;
}

/** SIGTERM to each, and their exit codes; one that has not stopped within STOP_TIMEOUT_MS is killed (null). */
async function stopCluster(cluster: readonly HeraldProcess[]): Promise<Array<number | null>> {
  return Promise.all(
    cluster.map(async (member) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS)));
      const code = await Promise.race([member.stop().catch(() => null), timeout]);
      clearTimeout(timer);
      if (code !== 'timeout') return code;
      await member.kill();
      return null;
    }),
  );
}

/**
 * This process's children that run in `cwd`: the Herald processes (herald-process.ts does not give their pids);
 * their own children (tsx's esbuild service) are left to treeMemory.
 */
function heraldPids(cwd: string): number[] {
  const directory = realpathSync(cwd);
  return processTree(process.pid).filter((pid) => {
    try {
      return Number(statFields(pid)[1]) === process.pid && readlinkSync(`/proc/${pid}/cwd`) === directory;
    } catch {
      return false;
    }
  });
}

/** User + system CPU seconds of the processes so far (those that have exited count 0). */
function cpuSecondsOf(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const fields = statFields(pid);
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // exited
    }
  }
  return ticks / CLOCK_TICKS;
}

/** /proc/<pid>/stat after "pid (comm) ": [0] state, [1] ppid, ..., [11] utime, [12] stime (fields 3, 4, 14, 15). */
function statFields(pid: number): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** The machine's CPU time so far, all cores (/proc/stat): idle (idle + iowait) and total, in ticks. */
function machineTicks(): { idle: number; total: number } {
  const [, ...values] = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/);
  const ticks = values.slice(0, 8).map(Number);
  return { idle: (ticks[3] ?? 0) + (ticks[4] ?? 0), total: ticks.reduce((sum, value) => sum + value, 0) };
}

/** Waits until `query` (a count) answers 0. */
async function waitForNone(sql: pg.Client, query: string, values: unknown[], what: string, cluster: readonly HeraldProcess[], progress: Progress): Promise<void> {
  await waitForNothingLeft(what, cluster, progress, async () => Number((await sql.query<{ count: string }>(query, values)).rows[0]?.count));
}

/**
 * Asks `left` every 100 ms until it answers 0, telling progress every 5 s. It fails only when nothing moved for
 * STALL_MS (the machine is shared: a slow pass is no failure, a stuck one is), naming what was left and the
 * processes' last words.
 */
async function waitForNothingLeft(what: string, cluster: readonly HeraldProcess[], progress: Progress, left: () => Promise<number>): Promise<void> {
  let reported = Date.now();
  let moved = Date.now();
  let previous = Number.NaN;
  for (;;) {
    const now = await left();
    if (now === 0) return;
    if (now !== previous) moved = Date.now();
    previous = now;
    if (Date.now() - moved > STALL_MS) throw new Error(`${now} ${what}, none fewer for ${STALL_MS / 1000} s${stderrTails(cluster)}`);
    if (Date.now() - reported > 5_000) {
      progress(`  ${now} ${what}`);
      reported = Date.now();
    }
    await sleep(100);
  }
}

function stderrTails(cluster: readonly HeraldProcess[]): string {
  return cluster.map((member, index) => `\n--- process ${index + 1} stderr (end)\n${member.stderr().slice(-1500)}`).join('');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
