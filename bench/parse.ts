/**
 * Parser benchmark: Herald's parser against rss-parser and feedsmith on the two seed feeds
 * (../shared/fixtures/seeds). Prints one JSON object: Node's version, the CPU, and per feed and parser the
 * throughput (median MB/s of several timed runs after warm-up) and the peak heap delta of one parse.
 *
 * Heap: the script re-runs itself with --expose-gc and a young generation large enough that no collection
 * happens inside one parse; the heap then only grows, so its growth over a parse (after a forced GC) is that
 * parse's peak. Every parser is timed on the same decoded string; Herald is also timed from the bytes
 * (charset decoding included), as the poller uses it.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseFeed as parseWithFeedsmith } from 'feedsmith';
import RssParser from 'rss-parser';
import { decodeFeedBytes } from '../src/feeds/decode.ts';
import { parseFeed } from '../src/feeds/parse.ts';

const SEEDS = ['forem-feed.rss', 'techwasti-feed.rss'];
const WARM_UP_RUNS = 10;
const TIMED_RUNS = 21;
const HEAP_RUNS = 3;
const FEED_URL = 'https://example.com/feed';

type Parse = (text: string, bytes: Uint8Array) => unknown;

const rssParser = new RssParser();
const PARSERS: Record<string, Parse> = {
  herald: (text) => parseFeed(text, FEED_URL),
  'herald (from bytes)': (_text, bytes) => parseFeed(decodeFeedBytes(bytes), FEED_URL),
  'rss-parser': (text) => rssParser.parseString(text),
  feedsmith: (text) => parseWithFeedsmith(text),
};

const gc = (globalThis as { gc?: () => void }).gc;

if (gc === undefined) {
  // Re-run with the flags the heap measurement needs; the child prints the result.
  const child = spawnSync(
    process.execPath,
    ['--expose-gc', '--max-semi-space-size=256', '--import', 'tsx', fileURLToPath(import.meta.url)],
    { stdio: 'inherit' },
  );
  process.exit(child.status ?? 1);
} else {
  const feeds: Record<string, unknown> = {};
  for (const seed of SEEDS) {
    const bytes = readFileSync(fileURLToPath(new URL(`../../shared/fixtures/seeds/${seed}`, import.meta.url)));
    const text = decodeFeedBytes(bytes);
    const speeds = await timeInterleaved(text, bytes);
    const results: Record<string, unknown> = {};
    for (const [name, parse] of Object.entries(PARSERS)) {
      results[name] = { mbPerSecond: round(median(speeds[name] ?? [])), peakHeapDeltaMB: round((await peakHeapDelta(parse, text, bytes, gc)) / 1e6) };
    }
    feeds[seed] = { bytes: bytes.byteLength, parsers: results };
  }
  const result = {
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    // Other work on the machine skews absolute figures; the interleaved runs keep the comparison fair.
    loadAverage: round(loadavg()[0] ?? 0),
    runs: { warmUp: WARM_UP_RUNS, timed: TIMED_RUNS },
    feeds,
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

/**
 * MB/s of every timed run, per parser. The parsers take turns run by run, so that whatever else loads the
 * machine meanwhile weighs on all of them alike.
 */
async function timeInterleaved(text: string, bytes: Uint8Array): Promise<Record<string, number[]>> {
  const speeds: Record<string, number[]> = {};
  for (const parse of Object.values(PARSERS)) for (let run = 0; run < WARM_UP_RUNS; run += 1) await parse(text, bytes);
  for (let run = 0; run < TIMED_RUNS; run += 1) {
    for (const [name, parse] of Object.entries(PARSERS)) {
      const start = process.hrtime.bigint();
      await parse(text, bytes);
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      (speeds[name] ??= []).push(bytes.byteLength / 1e6 / seconds);
    }
  }
  return speeds;
}

/** The largest heap growth over one parse, from a collected heap, with no collection during the parse. */
async function peakHeapDelta(parse: Parse, text: string, bytes: Uint8Array, collect: () => void): Promise<number> {
  let peak = 0;
  for (let run = 0; run < HEAP_RUNS; run += 1) {
    collect();
    const before = process.memoryUsage().heapUsed;
    const result = await parse(text, bytes);
    peak = Math.max(peak, process.memoryUsage().heapUsed - before);
    if (result === undefined) throw new Error('parser returned nothing');
  }
  return peak;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
