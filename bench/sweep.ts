/**
 * Sweep benchmark: one full poll of 10,000 distinct 20-item RSS feeds served on loopback over 100 addresses
 * (127.0.0.1-127.0.0.100, test/emulators/feed-farm.ts), of which 90% answer 304 to If-None-Match and 10% have one or
 * two new items: the second sweep, after a first one recorded every feed's ETag (and, for Herald, its baseline).
 *
 * Three contenders, each in a process of its own (so that its peak RSS is its own), one after another, against
 * the same farm run by this process:
 * - herald: Herald's poller (PollPool, concurrency 32, 2 per host) running pollFeed (fetch, parse, newness, rules,
 *   one transaction per poll) over its store (SQLite, a temporary file) holding 20,000 subscriptions;
 * - bare: a bare loop, Node's fetch with If-None-Match at the same concurrency 32 and 2 per host, fast-xml-parser
 *   on the 200s, ETags kept in a Map (the alternative: the least a poller can do);
 * - rss-parser: rss-parser's parseURL on every feed (it has no conditional GET), at the same concurrency.
 * Reported per contender: the second sweep's wall time and requests/s, peak RSS (process.resourceUsage().maxRSS
 * over the child's whole life), and what the feeds answered.
 * Targets: herald at most 1.5x the bare loop, at most 400 MB peak RSS, at least 5x faster than rss-parser.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { XMLParser } from 'fast-xml-parser';
import RssParser from 'rss-parser';
import { combineListeners } from '../src/activity.ts';
import { RuleCache } from '../src/delivery/rule-cache.ts';
import { loadFeed } from '../src/feeds/load-feed.ts';
import { createSilentLogger } from '../src/log.ts';
import { hostOf } from '../src/net/http-url.ts';
import { pollFeed } from '../src/poller/poll-feed.ts';
import { PollPool } from '../src/poller/poll-pool.ts';
import type { Subscription } from '../src/store/records.ts';
import { openTemporaryStore } from '../test/support/temporary-store.ts';
import { round, runBench, target } from './report.ts';
import { feedUrls, newItemsOf, startFeedFarm } from '../test/emulators/feed-farm.ts';

const FEEDS = 10_000;
const HOSTS = 100;
const SUBSCRIPTIONS_PER_FEED = 2;
const CONCURRENCY = 32;
const PER_HOST = 2;
const POLL_INTERVAL_SECONDS = 600;
/** Herald's clock jumps this far between the sweeps, so that every feed is due again. */
const CLOCK_JUMP_MS = 2 * 24 * 60 * 60 * 1000;
const CONTENDERS = ['bare', 'herald', 'rss-parser'] as const;
/** A contender that has not finished by then is stopped (each takes well under a minute). */
const CONTENDER_TIMEOUT_MS = 150_000;
type Contender = (typeof CONTENDERS)[number];

/** What a contender's process tells this one: ready for the next generation, or its figures. */
type ChildMessage = { readonly type: 'advance' } | { readonly type: 'result'; readonly figures: SweepFigures };

/** One contender's second sweep (and what it says of its first). */
interface SweepRun {
  readonly firstSweepSeconds?: number;
  readonly firstSweepOutcomes?: Readonly<Record<string, number>>;
  readonly seconds: number;
  /** CPU time of the contender's process over the sweep (user + system): what other load on the machine skews less. */
  readonly cpuSeconds: number;
  readonly requests: number;
  readonly requestsPerSecond: number;
  readonly outcomes: Readonly<Record<string, number>>;
  readonly deliveriesQueued?: number;
}

interface SweepFigures extends SweepRun {
  readonly peakRssMB: number;
  /** The machine's 1-minute load average when the contender started (the others' work skews wall time). */
  readonly loadAtStart?: number;
}

type Sweep = (urls: readonly string[]) => Promise<SweepRun>;

const SWEEPS: Record<Contender, Sweep> = {
  herald: sweepWithHerald,
  bare: sweepWithBareLoop,
  'rss-parser': sweepWithRssParser,
};

const contender = process.argv[2] as Contender | undefined;
if (contender === undefined) {
  await runBench('sweep', async (progress) => {
    const farm = await startFeedFarm(FEEDS, HOSTS);
    const results: Partial<Record<Contender, SweepFigures>> = {};
    try {
      for (const name of CONTENDERS) {
        progress(`${name}: two sweeps of ${FEEDS} feeds on ${HOSTS} addresses`);
        farm.setGeneration(0);
        const loadAtStart = round(loadavg()[0] ?? 0, 2);
        results[name] = { ...(await runContender(name, farm.port, () => farm.setGeneration(1))), loadAtStart };
        progress(`${name}: second sweep ${results[name]?.seconds} s, peak RSS ${results[name]?.peakRssMB} MB`);
      }
    } finally {
      await farm.close();
    }
    const herald = results.herald?.seconds ?? Number.NaN;
    const bare = results.bare?.seconds ?? Number.NaN;
    const rssParser = results['rss-parser']?.seconds ?? Number.NaN;
    const rss = results.herald?.peakRssMB ?? Number.NaN;
    return {
      farm: { feeds: FEEDS, hosts: HOSTS, itemsPerFeed: 20, notModified: '90%', withNewItems: '10% (one or two)', subscriptions: FEEDS * SUBSCRIPTIONS_PER_FEED },
      limits: { concurrency: CONCURRENCY, perHost: PER_HOST },
      clock: 'wall time of the second sweep; peak RSS of each contender process over both sweeps',
      contenders: results,
      heraldToBare: round(herald / bare, 2),
      rssParserToHerald: round(rssParser / herald, 2),
      targets: {
        'herald vs bare loop': target('at most 1.5 x the bare loop (second sweep)', round(herald / bare, 2), herald <= 1.5 * bare),
        'herald peak RSS': target('at most 400 MB', rss, rss <= 400),
        'herald vs rss-parser': target('at least 5 x faster than rss-parser', round(rssParser / herald, 2), rssParser >= 5 * herald),
      },
    };
  });
} else {
  const urls = feedUrls(FEEDS, HOSTS, Number(process.argv[3]));
  const figures = await SWEEPS[contender](urls);
  process.send?.({ type: 'result', figures: { ...figures, peakRssMB: round(process.resourceUsage().maxRSS / 1024) } } satisfies ChildMessage);
  process.disconnect?.();
}

/** Runs one contender in a child process; `advance` moves the farm to generation 1 when the child asks. */
function runContender(name: Contender, port: number, advance: () => void): Promise<SweepFigures> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = fork(fileURLToPath(import.meta.url), [name, String(port)], {
      execArgv: ['--import', 'tsx'],
      // Its stdout goes to our stderr: our stdout carries the one JSON result.
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    });
    child.stdout?.pipe(process.stderr);
    const timer = setTimeout(() => child.kill('SIGKILL'), CONTENDER_TIMEOUT_MS);
    let figures: SweepFigures | undefined;
    child.on('message', (message: ChildMessage) => {
      if (message.type === 'advance') {
        advance();
        child.send('advanced');
      } else figures = message.figures;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (figures !== undefined) resolve(figures);
      else reject(new Error(`the ${name} sweep ended (${signal ?? `exit code ${code}`}) with no result`));
    });
  });
}

/** Asks the farm (through the parent) for generation 1, and waits until it is there. */
function nextGeneration(): Promise<void> {
  return new Promise((resolve) => {
    process.once('message', () => resolve());
    process.send?.({ type: 'advance' } satisfies ChildMessage);
  });
}

/** The alternative: conditional GETs with Node's fetch, fast-xml-parser on what changed, the ETags in a Map. */
async function sweepWithBareLoop(urls: readonly string[]): Promise<SweepRun> {
  const etags = new Map<string, string>();
  const parser = new XMLParser();
  const sweep = () =>
    timedSweep(urls, async (url) => {
      const etag = etags.get(url);
      const response = await fetch(url, { headers: etag === undefined ? {} : { 'If-None-Match': etag } });
      const text = await response.text();
      if (response.status === 200) {
        const items = (parser.parse(text) as { rss?: { channel?: { item?: unknown[] } } }).rss?.channel?.item;
        if (!Array.isArray(items) || items.length !== 20) throw new Error(`${url}: expected 20 items`);
        etags.set(url, response.headers.get('etag') ?? '');
      }
      return String(response.status);
    });
  const first = await sweep();
  await nextGeneration();
  const second = await sweep();
  return { firstSweepSeconds: first.seconds, ...second };
}

/** rss-parser fetches and parses every feed every time: it has no conditional GET. */
async function sweepWithRssParser(urls: readonly string[]): Promise<SweepRun> {
  const parser = new RssParser();
  // Nothing carries over from a first sweep, so only the one that counts is run.
  await nextGeneration();
  return timedSweep(urls, async (url) => {
    const feed = await parser.parseURL(url);
    if (feed.items.length !== 20) throw new Error(`${url}: expected 20 items`);
    return '200 (parsed)';
  });
}

/** Herald: its poller and store, as `herald start` wires them, with a clock that moves a day on between sweeps. */
async function sweepWithHerald(urls: readonly string[]): Promise<SweepRun> {
  const { store, dispose } = await openTemporaryStore('sqlite');
  try {
    process.stderr.write(`[sweep herald] adding ${urls.length * SUBSCRIPTIONS_PER_FEED} subscriptions\n`);
    await store.transaction(async (session) => {
      for (const subscription of subscriptionsOf(urls)) await session.subscriptions.put(subscription);
    });
    let offsetMs = 0;
    const clock = () => new Date(Date.now() + offsetMs);
    const outcomes: Record<string, number> = {};
    const log = createSilentLogger();
    const activity = combineListeners([
      {
        pollFinished: ({ result }) => {
          outcomes[result] = (outcomes[result] ?? 0) + 1;
        },
      },
    ]);
    const deps = { store, load: loadFeed, rules: new RuleCache(), log, activity, clock, allowPrivateUrls: true, pollIntervalSeconds: POLL_INTERVAL_SECONDS, maxItemAgeDays: 7 };
    const owner = 'bench-sweep';
    const pool = new PollPool({ store, owner, clock, log, activity, concurrency: CONCURRENCY, perHost: PER_HOST, poll: (url) => pollFeed(url, deps, owner) });
    const sweep = async () => {
      for (const key of Object.keys(outcomes)) delete outcomes[key];
      const time = await timed(() => pool.runUntilIdle());
      return { ...time, outcomes: { ...outcomes } };
    };
    const first = await sweep();
    offsetMs = CLOCK_JUMP_MS;
    await nextGeneration();
    const second = await sweep();
    const requests = Object.values(second.outcomes).reduce((sum, count) => sum + count, 0);
    const expectedDeliveries = urls.reduce((sum, _url, feed) => sum + newItemsOf(feed, 1) * SUBSCRIPTIONS_PER_FEED, 0);
    const { pending } = await store.deliveries.stats(clock());
    if (pending !== expectedDeliveries) throw new Error(`the second sweep queued ${pending} deliveries, expected ${expectedDeliveries}`);
    return {
      firstSweepSeconds: round(first.seconds, 2),
      firstSweepOutcomes: first.outcomes,
      seconds: round(second.seconds, 2),
      cpuSeconds: round(second.cpuSeconds, 2),
      requests,
      requestsPerSecond: Math.round(requests / second.seconds),
      outcomes: second.outcomes,
      deliveriesQueued: pending,
    };
  } finally {
    await dispose();
  }
}

/** Two subscriptions per feed, each in a channel of its own; one takes every item, one a rule that matches them. */
function subscriptionsOf(urls: readonly string[]): Subscription[] {
  const createdAt = new Date(Date.now() - 24 * 60 * 60 * 1000).toISOString();
  return urls.flatMap((feedUrl, feed) =>
    Array.from({ length: SUBSCRIPTIONS_PER_FEED }, (_, copy): Subscription => {
      const index = feed * SUBSCRIPTIONS_PER_FEED + copy;
      return {
        id: `sub-${index}`,
        platform: 'discord',
        workspaceId: `1${String(Math.floor(index / 100)).padStart(17, '0')}`,
        channelId: `2${String(index).padStart(17, '0')}`,
        feedUrl,
        feedTitle: `Engineering blog ${feed}`,
        rule: copy === 0 ? '' : 'kafka OR "event streaming"',
        createdAt,
        createdBy: 'config file',
        paused: false,
      };
    }),
  );
}

/** Runs `task` on every URL (see forEachPolitely) and counts what each returned, timed. */
async function timedSweep(urls: readonly string[], task: (url: string) => Promise<string>): Promise<SweepRun> {
  const outcomes: Record<string, number> = {};
  const { seconds, cpuSeconds } = await timed(() =>
    forEachPolitely(urls, async (url) => {
      const outcome = await task(url);
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    }),
  );
  return { seconds: round(seconds, 2), cpuSeconds: round(cpuSeconds, 2), requests: urls.length, requestsPerSecond: Math.round(urls.length / seconds), outcomes };
}

/** Runs `task` on every URL, at most CONCURRENCY at once and PER_HOST per host; a URL whose host is busy waits. */
function forEachPolitely(urls: readonly string[], task: (url: string) => Promise<void>): Promise<void> {
  const waiting = [...urls];
  const hostLoad = new Map<string, number>();
  let inFlight = 0;
  return new Promise((resolve, reject) => {
    const fill = () => {
      for (let index = 0; index < waiting.length && inFlight < CONCURRENCY; ) {
        const url = waiting[index] ?? '';
        const host = hostOf(url);
        if ((hostLoad.get(host) ?? 0) >= PER_HOST) {
          index += 1;
          continue;
        }
        waiting.splice(index, 1);
        inFlight += 1;
        hostLoad.set(host, (hostLoad.get(host) ?? 0) + 1);
        task(url).then(() => {
          inFlight -= 1;
          hostLoad.set(host, (hostLoad.get(host) ?? 1) - 1);
          if (waiting.length === 0 && inFlight === 0) resolve();
          else fill();
        }, reject);
      }
    };
    fill();
  });
}

/** Wall and CPU seconds (this process, user + system) of `work`. */
async function timed(work: () => Promise<void>): Promise<{ seconds: number; cpuSeconds: number }> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  await work();
  const used = process.cpuUsage(cpu);
  return { seconds: (performance.now() - start) / 1000, cpuSeconds: (used.user + used.system) / 1e6 };
}
