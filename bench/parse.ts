/**
 * Parser benchmark: Herald's parser against rss-parser and feedsmith on 22 feeds (test/fixtures/parse-golden/feeds.json:
 * the two seed feeds of ../shared/fixtures/seeds and the 20 largest real-world captures of ../shared/corpus, read
 * from there), with two references on the same bytes: a streaming tokenizer that builds no tree (saxes with no-op
 * handlers: the practical ceiling) and fast-xml-parser alone with the options Herald gives it (the part of Herald's
 * time that is the XML library's). Per feed and parser: throughput (MB/s from the median CPU time of several timed
 * runs after warm-up), Herald's ratio to the tokenizer, to rss-parser and to feedsmith, and the peak heap delta of
 * one parse; then the medians over the feeds. An item's plain-text summary is worked out when first read (a poll
 * reads it only for new items), so Herald is also timed reading every item's summary, which pays all of them.
 *
 * Time is CPU time (process.cpuUsage, user + system, every thread of the process: waiting for the CPU while other
 * processes run is not counted, GC helper threads are); wall time is reported beside it. The parsers take turns
 * run by run, so that whatever else loads the machine weighs on all of them alike.
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
import type { ParsedFeed } from '../src/feeds/item.ts';
import { parseFeed } from '../src/feeds/parse.ts';
import { median, quantile, round, runBench, target } from './report.ts';
import type { Target } from './report.ts';
import { FAST_PARSER_OPTIONS } from '../src/feeds/xml.ts';

const FEED_LIST = new URL('../test/fixtures/parse-golden/feeds.json', import.meta.url);
const SHARED = new URL('../../shared/', import.meta.url);
const WARM_UP_RUNS = 5;
const TIMED_RUNS = 15;
const BATCH_MS = 20;
const HEAP_RUNS = 2;
const FEED_URL = 'https://example.com/feed';
const HERALD = 'herald';
const HERALD_READ = 'herald (every summary read)';
const TOKENIZER = 'saxes (tokenizer, no tree)';
const FAST_XML_PARSER = 'fast-xml-parser (Herald options)';
const RIVALS = ['rss-parser', 'feedsmith'] as const;
const MEDIAN_TARGET = 0.5;

type Parse = (text: string, bytes: Uint8Array) => unknown;

const rssParser = new RssParser();
const xmlParser = new XMLParser(FAST_PARSER_OPTIONS);
const PARSERS: Record<string, Parse> = {
  [HERALD]: (text) => parseFeed(text, FEED_URL),
  'herald (from bytes)': (_text, bytes) => parseFeed(decodeFeedBytes(bytes), FEED_URL),
  // The summary's HTML becomes text when it is first read (a poll reads it for new items only): this pays it for all.
  [HERALD_READ]: (text) => readEverySummary(parseFeed(text, FEED_URL)),
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
    const { feeds: paths } = JSON.parse(readFileSync(FEED_LIST, 'utf8')) as { feeds: string[] };
    const feeds: Record<string, unknown> = {};
    const speedsByParser: Record<string, number[]> = {};
    const ratios: number[] = [];
    const readRatios: number[] = [];
    const behind: Record<string, string[]> = Object.fromEntries(RIVALS.map((rival) => [rival, []]));
    for (const [index, path] of paths.entries()) {
      const name = path.slice(path.lastIndexOf('/') + 1);
      const bytes = readFileSync(new URL(path, SHARED));
      const text = decodeFeedBytes(bytes);
      progress(`${index + 1}/${paths.length} ${name} (${round(bytes.byteLength / 1e3)} kB): ${TIMED_RUNS} timed runs of ${Object.keys(PARSERS).length} parsers`);
      const parsers = await workingParsers(text, bytes);
      const samples = await timeInterleaved(parsers, text, bytes);
      const results: Record<string, unknown> = {};
      const speed: Record<string, number> = {};
      for (const [parser, parse] of Object.entries(PARSERS)) {
        const entry = samples[parser];
        if (entry === undefined) {
          results[parser] = { failed: parsers.failures[parser] };
          continue;
        }
        speed[parser] = throughput(bytes.byteLength, median(entry.cpu));
        (speedsByParser[parser] ??= []).push(speed[parser]);
        results[parser] = {
          mbPerSecond: round(speed[parser]),
          wallMbPerSecond: round(throughput(bytes.byteLength, median(entry.wall))),
          spread: { cpu: relativeSpread(entry.cpu), wall: relativeSpread(entry.wall) },
          peakHeapDeltaMB: round((await peakHeapDelta(parse, text, bytes, gc)) / 1e6),
        };
      }
      const herald = speed[HERALD] ?? Number.NaN;
      const ratio = herald / (speed[TOKENIZER] ?? Number.NaN);
      ratios.push(ratio);
      readRatios.push((speed[HERALD_READ] ?? Number.NaN) / (speed[TOKENIZER] ?? Number.NaN));
      const versus: Record<string, number> = {};
      for (const rival of RIVALS) {
        const theirs = speed[rival];
        // A parser that cannot read the feed at all is behind Herald on it.
        if (theirs === undefined) continue;
        versus[rival] = round(herald / theirs, 2);
        if (herald < theirs) behind[rival]?.push(name);
      }
      feeds[path] = {
        bytes: bytes.byteLength,
        parsers: results,
        heraldToTokenizer: round(ratio, 2),
        heraldEverySummaryReadToTokenizer: round(readRatios[readRatios.length - 1] ?? Number.NaN, 2),
        heraldToFastXmlParser: round(herald / (speed[FAST_XML_PARSER] ?? Number.NaN), 2),
        heraldTo: versus,
      };
    }
    const medians = Object.fromEntries(Object.entries(speedsByParser).map(([parser, speeds]) => [parser, round(median(speeds))]));
    const medianRatio = median(ratios);
    const targets: Record<string, Target> = {
      'herald vs tokenizer (median over the feeds)': target(
        `median over the ${paths.length} feeds of herald's MB/s / the tokenizer's >= ${MEDIAN_TARGET}`,
        round(medianRatio, 2),
        medianRatio >= MEDIAN_TARGET,
      ),
    };
    for (const rival of RIVALS) {
      const missed = behind[rival] ?? [];
      targets[`herald ahead of ${rival} on every feed`] = target(
        `herald's MB/s above ${rival}'s on each of the ${paths.length} feeds`,
        missed.length === 0 ? `${paths.length} of ${paths.length}` : `${paths.length - missed.length} of ${paths.length}; behind on ${missed.join(', ')}`,
        missed.length === 0,
      );
    }
    return {
      clock: 'mbPerSecond from the median CPU time per parse (process.cpuUsage() user+system of the whole process, GC helper threads included); wallMbPerSecond from process.hrtime',
      runs: { warmUp: WARM_UP_RUNS, timed: TIMED_RUNS, msPerRun: BATCH_MS, order: 'interleaved: every parser once per round' },
      spread: '(p75 - p25) / median of the per-run times, per clock: the smaller, the steadier',
      feeds,
      medianMbPerSecondOverFeeds: medians,
      heraldToTokenizer: {
        medianOverFeeds: round(medianRatio, 2),
        min: round(Math.min(...ratios), 2),
        max: round(Math.max(...ratios), 2),
        everySummaryRead: { medianOverFeeds: round(median(readRatios), 2), min: round(Math.min(...readRatios), 2), max: round(Math.max(...readRatios), 2) },
      },
      targets,
    };
  });
}

function readEverySummary(feed: ParsedFeed): number {
  let length = 0;
  for (const item of feed.items) length += item.summary.length;
  return length;
}

/** The parsers that read this feed (rss-parser throws on some), and why the others failed. */
async function workingParsers(text: string, bytes: Uint8Array): Promise<{ names: string[]; failures: Record<string, string> }> {
  const names: string[] = [];
  const failures: Record<string, string> = {};
  for (const [name, parse] of Object.entries(PARSERS)) {
    try {
      await parse(text, bytes);
      names.push(name);
    } catch (error) {
      failures[name] = String(error).slice(0, 200);
    }
  }
  return { names, failures };
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
  // saxes refuses anything before the XML declaration, and two of the feeds open with a blank line.
  parser.write(text.trimStart()).close();
  return elements;
}

/**
 * Seconds per parse of every timed run, per parser, in CPU and in wall time. A run parses the document as many times
 * as make about BATCH_MS (the clocks' and the collector's granularity then weigh little). The parsers take turns run
 * by run, so that whatever else loads the machine meanwhile weighs on all of them alike.
 */
async function timeInterleaved(parsers: { names: string[] }, text: string, bytes: Uint8Array): Promise<Record<string, Samples>> {
  const batches: Record<string, number> = {};
  for (const name of parsers.names) {
    const parse = PARSERS[name] as Parse;
    const start = performance.now();
    for (let run = 0; run < WARM_UP_RUNS; run += 1) await parse(text, bytes);
    batches[name] = Math.max(1, Math.round(BATCH_MS / ((performance.now() - start) / WARM_UP_RUNS)));
  }
  const samples: Record<string, Samples> = {};
  for (let run = 0; run < TIMED_RUNS; run += 1) {
    for (const name of parsers.names) {
      const parse = PARSERS[name] as Parse;
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
