/**
 * Hostile feeds: what they cost, and whether the bot stays responsive while it reads them. Three generated feeds
 * (a 0.9 MB and a 9 MB RSS document of repeated internal-entity references, each declared 1,000 characters long,
 * and a 5 MB title), served from loopback.
 *
 * 1. Per feed, the CPU time and peak RSS of one parse in a fresh process (`--child`), from this tree and, with
 *    BENCH_BASELINE_REF=<git ref>, from that ref's src/ (extracted with git archive) beside it: before/after.
 * 2. The event-loop delay (perf_hooks.monitorEventLoopDelay, 10 ms resolution) while, round after round, each
 *    hostile feed is polled (loadFeed) and previewed by three people at once (SubscriptionService.preview, the
 *    /feed preview path), once with parsing in the worker pool and once with it inline on the main thread, in
 *    the same run, taking turns. Target: p99 under 100 ms with the pool.
 *    The delay of an idle loop over 5 s is measured beside them: on a shared machine it is not zero.
 *    Each preview is by a different person, so the global preview limit (4 at once) refuses some: "refused".
 * 3. The pool's overhead against inline parsing on an ordinary feed, which is what the pool's inline threshold
 *    is chosen by.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { RuleCache } from '../src/delivery/rule-cache.ts';
import { readFeedBody } from '../src/feeds/feed-body.ts';
import { loadFeed, type LoadFeedOptions } from '../src/feeds/load-feed.ts';
import { ParsePool } from '../src/feeds/parse-pool.ts';
import { createSilentLogger } from '../src/log.ts';
import { SubscriptionService } from '../src/services/subscription-service.ts';
import { openCache } from '../src/store/cache.ts';
import type { Store } from '../src/store/store.ts';
import { median, round, runBench, target } from './report.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ROUNDS = 4;
const PREVIEWERS = 3;

function entityBomb(bytes: number): string {
  const head = `<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY a "${'x'.repeat(1_000)}">]>\n<rss version="2.0"><channel><title>Bomb</title><item><title>i</title><link>http://example.com/1</link><description>`;
  const tail = '</description></item></channel></rss>';
  return head + '&a;'.repeat(Math.floor((bytes - head.length - tail.length) / 3)) + tail;
}

const HOSTILE: Record<string, () => string> = {
  'entity bomb 0.9 MB': () => entityBomb(900_000),
  'entity bomb 9 MB': () => entityBomb(9_000_000),
  'title 5 MB': () => `<rss version="2.0"><channel><title>t</title><item><title>${'word '.repeat(1_000_000)}</title><link>http://example.com/1</link></item></channel></rss>`,
};

function ordinaryFeed(items: number): string {
  const entries = Array.from({ length: items }, (_, index) =>
    `<item><title>Item ${index}</title><link>https://example.com/${index}</link><description>&lt;p&gt;${'Some words of a summary. '.repeat(20)}&lt;/p&gt;</description><pubDate>Tue, 01 Dec 2026 10:00:00 GMT</pubDate></item>`);
  return `<rss version="2.0"><channel><title>Ordinary</title>${entries.join('')}</channel></rss>`;
}

// ---- 1. one parse in a fresh process ----

if (process.argv[2] === '--child') {
  const [, , , sourceRoot = ROOT, file = ''] = process.argv;
  const { parseFeed } = (await import(pathToFileURL(path.join(sourceRoot, 'src/feeds/parse.ts')).href)) as typeof import('../src/feeds/parse.ts');
  const { decodeFeedBytes } = (await import(pathToFileURL(path.join(sourceRoot, 'src/feeds/decode.ts')).href)) as typeof import('../src/feeds/decode.ts');
  const bytes = readFileSync(file);
  const before = process.cpuUsage();
  const rssBefore = process.resourceUsage().maxRSS;
  let outcome: string;
  try {
    const feed = parseFeed(decodeFeedBytes(bytes), 'http://example.com/feed');
    // Read what a poll and a message read: titles and summaries.
    outcome = `${feed.items.length} items, title ${feed.items[0]?.title.length ?? 0} chars, summary ${feed.items[0]?.summary.length ?? 0} chars`;
  } catch (error) {
    outcome = `refused: ${(error as Error).message.slice(0, 120)}`;
  }
  const cpu = process.cpuUsage(before);
  process.stdout.write(JSON.stringify({ cpuMs: round((cpu.user + cpu.system) / 1000, 1), maxRssMb: round(process.resourceUsage().maxRSS / 1024, 1), rssAtStartMb: round(rssBefore / 1024, 1), outcome }));
  process.exit(0);
}

function parseInFreshProcess(sourceRoot: string, file: string): unknown {
  const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', sourceRoot, file], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  if (child.status !== 0) return { failed: child.stderr.slice(-400) };
  return JSON.parse(child.stdout) as unknown;
}

/** The src/ of a git ref, extracted beside a node_modules link, for the "before" figures. */
function extractBaseline(ref: string): string {
  const directory = mkdtempSync(path.join(tmpdir(), 'herald-baseline-'));
  const archive = execFileSync('git', ['archive', ref, 'src', 'package.json'], { cwd: ROOT, maxBuffer: 256 * 1024 * 1024 });
  writeFileSync(path.join(directory, 'src.tar'), archive);
  execFileSync('tar', ['-xf', 'src.tar'], { cwd: directory });
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(directory, 'node_modules'));
  return directory;
}

// ---- 2. the event loop while hostile feeds are polled and previewed ----

type Parser = NonNullable<LoadFeedOptions['parser']>;

async function eventLoopUnderLoad(baseUrl: string, names: readonly string[], parser: Parser): Promise<{ p50: number; p99: number; max: number; seconds: number; refused: number }> {
  const load: typeof loadFeed = (url, options) => loadFeed(url, { ...options, parser });
  const service = new SubscriptionService({
    store: {} as Store, cache: openCache(undefined, createSilentLogger()), load, rules: new RuleCache(), allowPrivateUrls: true, pollIntervalSeconds: 600, clock: () => new Date(),
  });
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  const started = performance.now();
  let refused = 0;
  for (let round_ = 0; round_ < ROUNDS; round_ += 1) {
    await Promise.all(names.flatMap((name, index) => {
      const url = `${baseUrl}/${index}.xml`;
      const poll = load(url, { allowPrivate: true }).catch(() => (refused += 1));
      const previews = Array.from({ length: PREVIEWERS }, (_, person) =>
        service.preview(url, 'word OR x', 10, { platform: 'discord', workspaceId: 'w', userId: `u${index}-${person}` }).catch(() => (refused += 1)));
      return [poll, ...previews];
    }));
  }
  histogram.disable();
  const ms = (nanoseconds: number) => round(nanoseconds / 1e6, 1);
  return { p50: ms(histogram.percentile(50)), p99: ms(histogram.percentile(99)), max: ms(histogram.max), seconds: round((performance.now() - started) / 1000, 1), refused };
}

/** The delay of an event loop with nothing to do, over `seconds`: what the machine's load alone costs. */
async function idleEventLoop(seconds: number): Promise<{ p50: number; p99: number; max: number }> {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  histogram.disable();
  const ms = (nanoseconds: number) => round(nanoseconds / 1e6, 1);
  return { p50: ms(histogram.percentile(50)), p99: ms(histogram.percentile(99)), max: ms(histogram.max) };
}

// ---- 3. what the pool costs on an ordinary feed ----

async function poolOverhead(pool: ParsePool, text: string): Promise<{ bytes: number; inlineMs: number; poolMs: number }> {
  const bytes = Buffer.from(text);
  const job = { bytes, finalUrl: 'http://example.com/feed', discover: false };
  const inline: number[] = [];
  const pooled: number[] = [];
  await pool.read(job); // the worker started and warm
  for (let run = 0; run < 15; run += 1) {
    let start = performance.now();
    readFeedBody(job);
    inline.push(performance.now() - start);
    start = performance.now();
    await pool.read(job);
    pooled.push(performance.now() - start);
  }
  return { bytes: bytes.length, inlineMs: round(median(inline), 2), poolMs: round(median(pooled), 2) };
}

await runBench('hostile', async (progress) => {
  const names = Object.keys(HOSTILE);
  const documents = names.map((name) => Buffer.from((HOSTILE[name] as () => string)()));
  const scratch = mkdtempSync(path.join(tmpdir(), 'herald-hostile-'));
  const files = documents.map((document, index) => {
    const file = path.join(scratch, `${index}.xml`);
    writeFileSync(file, document);
    return file;
  });
  const baselineRef = process.env.BENCH_BASELINE_REF;
  const baseline = baselineRef === undefined ? undefined : extractBaseline(baselineRef);
  const perFeed: Record<string, unknown> = {};
  try {
    for (const [index, name] of names.entries()) {
      progress(`one parse of ${name} in a fresh process`);
      perFeed[name] = {
        bytes: documents[index]?.length,
        after: parseInFreshProcess(ROOT, files[index] as string),
        ...(baseline !== undefined && { [`before (${baselineRef})`]: parseInFreshProcess(baseline, files[index] as string) }),
      };
    }
  } finally {
    if (baseline !== undefined) rmSync(baseline, { recursive: true, force: true });
  }

  const server = createServer((request, response) => {
    const index = Number(/^\/(\d+)\.xml$/.exec(request.url ?? '')?.[1] ?? Number.NaN);
    const document = documents[index];
    if (document === undefined) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/rss+xml' }).end(document);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const pool = new ParsePool();
  const inline: Parser = { read: async (job) => readFeedBody(job) };
  await pool.read({ bytes: documents[0] as Buffer, finalUrl: baseUrl, discover: false }); // workers started
  const eventLoop: Record<string, unknown[]> = { 'worker pool': [], 'inline (main thread)': [], 'idle (no work: the machine\'s load alone)': [] };
  for (let turn = 0; turn < 2; turn += 1) {
    progress(`turn ${turn + 1}: ${ROUNDS} rounds of a poll and ${PREVIEWERS} previews of each hostile feed, pool then inline`);
    eventLoop['worker pool']?.push(await eventLoopUnderLoad(baseUrl, names, pool));
    eventLoop['inline (main thread)']?.push(await eventLoopUnderLoad(baseUrl, names, inline));
    eventLoop["idle (no work: the machine's load alone)"]?.push(await idleEventLoop(5));
  }
  progress('pool overhead on ordinary feeds');
  const overhead = [await poolOverhead(pool, ordinaryFeed(5)), await poolOverhead(pool, ordinaryFeed(50)), await poolOverhead(pool, ordinaryFeed(500))];
  await pool.close();
  server.close();
  rmSync(scratch, { recursive: true, force: true });

  const worst = (runs: unknown[] | undefined) => Math.max(...(runs ?? []).map((run) => (run as { p99: number }).p99));
  const poolP99 = worst(eventLoop['worker pool']);
  return {
    perFeed,
    eventLoopDelayMs: eventLoop,
    poolOverhead: overhead,
    targets: {
      eventLoopP99: target('event-loop delay p99 < 100 ms while hostile feeds are polled and previewed (worker pool, worst turn)', poolP99, poolP99 < 100),
    },
  };
});
