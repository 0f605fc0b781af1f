/**
 * Parser benchmark: Herald's parser against rss-parser and feedsmith on the two seed feeds
 * (../shared/fixtures/seeds), with two references on the same bytes: a streaming tokenizer that builds no tree
 * (saxes with no-op handlers: the practical ceiling) and fast-xml-parser alone with the options Herald gives it
 * (the part of Herald's time that is the XML library's). Per feed and parser: throughput (median MB/s of several
 * timed runs after warm-up), Herald's ratio to the tokenizer, and the peak heap delta of one parse.
 *
 * Time is taken on two clocks, CPU time (process.cpuUsage, user + system, every thread of the process: waiting for
 * the CPU while other processes run is not counted, GC helper threads are) and wall time; per feed the headline MB/s
 * comes from whichever varied less from run to run, and the JSON says which. Both are reported.
 *
 * Heap: the script re-runs itself with --expose-gc and a young generation large enough that no collection
 * happens inside one parse; the heap then only grows, so its growth over a parse (after a forced GC) is that
 * parse's peak. Every parser is timed on the same decoded string; Herald is also timed from the bytes
 * (charset decoding included), as the poller uses it.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { XMLParser } from 'fast-xml-parser';
import { parseFeed as parseWithFeedsmith } from 'feedsmith';
import RssParser from 'rss-parser';
import { SaxesParser } from 'saxes';
import { decodeFeedBytes } from '../src/feeds/decode.ts';
import { parseFeed } from '../src/feeds/parse.ts';
import { median, quantile, round, runBench, target } from './report.ts';
import type { Target } from './report.ts';
import { FAST_PARSER_OPTIONS } from '../src/feeds/xml.ts';

const SEEDS = ['forem-feed.rss', 'techwasti-feed.rss'];
const WARM_UP_RUNS = 10;
const TIMED_RUNS = 21;
const BATCH_MS = 25;
const HEAP_RUNS = 3;
const FEED_URL = 'https://example.com/feed';
const TOKENIZER = 'saxes (tokenizer, no tree)';
const FAST_XML_PARSER = 'fast-xml-parser (Herald options)';


type Parse = (text: string, bytes: Uint8Array) => unknown;

const rssParser = new RssParser();
const xmlParser = new XMLParser(FAST_PARSER_OPTIONS);
const PARSERS: Record<string, Parse> = {
  herald: (text) => parseFeed(text, FEED_URL),
  'herald (from bytes)': (_text, bytes) => parseFeed(decodeFeedBytes(bytes), FEED_URL),
  'rss-parser': (text) => rssParser.parseString(text),
  feedsmith: (text) => parseWithFeedsmith(text),
  [FAST_XML_PARSER]: (text) => xmlParser.parse(text),
  [TOKENIZER]: (text) => tokenize(text),
};

interface Samples {
  cpu: number[];
  wall: number[];
}

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
  await runBench('parse', async (progress) => {
    const feeds: Record<string, unknown> = {};
    const targets: Record<string, Target> = {};
    const speedsByParser: Record<string, number[]> = {};
    for (const seed of SEEDS) {
      const bytes = readFileSync(fileURLToPath(new URL(`../../shared/fixtures/seeds/${seed}`, import.meta.url)));
      const text = decodeFeedBytes(bytes);
      progress(`${seed}: ${WARM_UP_RUNS} warm-up and ${TIMED_RUNS} timed runs of ${Object.keys(PARSERS).length} parsers`);
      const samples = await timeInterleaved(text, bytes);
      const clock = steadierClock(Object.values(samples));
      const parsers: Record<string, unknown> = {};
      const speed: Record<string, number> = {};
      for (const [name, parse] of Object.entries(PARSERS)) {
        const { cpu = [], wall = [] } = samples[name] ?? {};
        speed[name] = throughput(bytes.byteLength, median(clock === 'cpu' ? cpu : wall));
        (speedsByParser[name] ??= []).push(speed[name]);
        parsers[name] = {
          mbPerSecond: round(speed[name]),
          cpuMbPerSecond: round(throughput(bytes.byteLength, median(cpu))),
          wallMbPerSecond: round(throughput(bytes.byteLength, median(wall))),
          spread: { cpu: relativeSpread(cpu), wall: relativeSpread(wall) },
          peakHeapDeltaMB: round((await peakHeapDelta(parse, text, bytes, gc)) / 1e6),
        };
      }
      const herald = speed.herald ?? Number.NaN;
      const ratio = herald / (speed[TOKENIZER] ?? Number.NaN);
      feeds[seed] = {
        bytes: bytes.byteLength,
        clock,
        parsers,
        heraldToTokenizer: round(ratio, 2),
        heraldToFastXmlParser: round(herald / (speed[FAST_XML_PARSER] ?? Number.NaN), 2),
      };
      targets[`${seed}: herald vs tokenizer`] = target(
        "herald >= 0.5 x the tokenizer's MB/s (what ../shared/corpus/SOURCES.md measured for a layer over fast-xml-parser)",
        round(ratio, 2),
        ratio >= 0.5,
      );
      targets[`${seed}: herald vs rss-parser`] = target(
        "herald's MB/s at least rss-parser's",
        round(herald),
        herald >= (speed['rss-parser'] ?? Number.POSITIVE_INFINITY),
      );
    }
    const medians = Object.fromEntries(Object.entries(speedsByParser).map(([name, speeds]) => [name, round(median(speeds))]));
    return {
      clock:
        "per feed, mbPerSecond is from the steadier clock (smaller median spread over the parsers): 'cpu' = process.cpuUsage() " +
        "user+system of the whole process, GC helper threads included; 'wall' = process.hrtime. Both are reported.",
      runs: { warmUp: WARM_UP_RUNS, timed: TIMED_RUNS, msPerRun: BATCH_MS, order: 'interleaved: every parser once per round' },
      spread: '(p75 - p25) / median of the per-run times, per clock: the smaller, the steadier',
      feeds,
      medianMbPerSecondOverFeeds: medians,
      heraldToTokenizerMedian: round((medians.herald ?? Number.NaN) / (medians[TOKENIZER] ?? Number.NaN), 2),
      targets,
    };
  });
}

/** 'cpu' unless wall time varied less from run to run (median over the parsers of each clock's relative spread). */
function steadierClock(samples: readonly Samples[]): 'cpu' | 'wall' {
  const cpu = median(samples.map((entry) => relativeSpread(entry.cpu)));
  const wall = median(samples.map((entry) => relativeSpread(entry.wall)));
  return wall < cpu ? 'wall' : 'cpu';
}

/**
 * Reads the whole document with every content event handled by a no-op: tokenizing alone, no tree. (Only these
 * four: each handler saxes is given becomes a property set on the parser after construction, and with a few more
 * V8 turns the parser into a slow dictionary object, which costs it 3-10x. Without an error handler saxes throws.)
 */
function tokenize(text: string): number {
  const parser = new SaxesParser();
  let elements = 0;
  parser.on('opentag', () => {
    elements += 1;
  });
  for (const event of ['text', 'cdata', 'closetag'] as const) parser.on(event, () => undefined);
  parser.write(text).close();
  return elements;
}

/**
 * Seconds per parse of every timed run, per parser, in CPU and in wall time. A run parses the document as many times
 * as make about BATCH_MS (the clocks' and the collector's granularity then weigh little). The parsers take turns run
 * by run, so that whatever else loads the machine meanwhile weighs on all of them alike.
 */
async function timeInterleaved(text: string, bytes: Uint8Array): Promise<Record<string, Samples>> {
  const batches: Record<string, number> = {};
  for (const [name, parse] of Object.entries(PARSERS)) {
    const start = performance.now();
    for (let run = 0; run < WARM_UP_RUNS; run += 1) await parse(text, bytes);
    batches[name] = Math.max(1, Math.round(BATCH_MS / ((performance.now() - start) / WARM_UP_RUNS)));
  }
  const samples: Record<string, Samples> = {};
  for (let run = 0; run < TIMED_RUNS; run += 1) {
    for (const [name, parse] of Object.entries(PARSERS)) {
      const batch = batches[name] ?? 1;
      const cpuBefore = process.cpuUsage();
      const wallBefore = process.hrtime.bigint();
      for (let repeat = 0; repeat < batch; repeat += 1) await parse(text, bytes);
      const wall = Number(process.hrtime.bigint() - wallBefore) / 1e9;
      const cpu = process.cpuUsage(cpuBefore);
      const entry = (samples[name] ??= { cpu: [], wall: [] });
      entry.cpu.push((cpu.user + cpu.system) / 1e6 / batch);
      entry.wall.push(wall / batch);
    }
  }
  return samples;
}

function throughput(byteCount: number, seconds: number): number {
  return byteCount / 1e6 / seconds;
}

function relativeSpread(seconds: readonly number[]): number {
  return round((quantile(seconds, 0.75) - quantile(seconds, 0.25)) / median(seconds), 3);
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
