/**
 * Rules benchmark: 10,000 subscriptions' rules against 1,000 items, two ways, with identical verdicts required:
 * - plain: every rule evaluated on every item (what routing did before the rule index);
 * - indexed: RuleIndex compares each item only with the rules it may match (src/rules/rule-index.ts).
 * Both prepare each item's text afresh, so neither profits from the other's folding. Times are taken on two
 * clocks: wall time, and CPU time (the machine is shared and often busy: waiting for a CPU is not counted);
 * the targets are judged on CPU time, and both are reported. Each path is warmed up first (V8 compiles what runs
 * often; a bot routes all day): the indexed one by builds and runs that are not counted, the plain one on the
 * first hundred items; then the median run of each is taken.
 *
 * The items and rules come from the seed feeds' vocabulary (../shared/fixtures/seeds): items take their titles,
 * categories and authors from the seeds' items and their summaries and content from windows of the seeds' text;
 * rules are the shapes people write (a topic word, topics ORed, a phrase, a prefix, a field, exclusions, a few
 * regexes and empty rules) over the seeds' topic words, chosen with a Zipf-like bias towards common topics.
 *
 * Regular expressions: re2js (what Herald uses) against V8's own backtracking RegExp, on the benchmark's regex
 * rules over the items, and on patterns that make backtracking take exponential time; and V8's experimental
 * linear-time engine (`--enable-experimental-regexp-engine`, a process-wide flag) in a child process.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { RE2JS } from 're2js';
import { parseFeed } from '../src/feeds/parse.ts';
import type { Item } from '../src/feeds/item.ts';
import { compileRule, prepareRuleItem, ruleMatches, RuleIndex } from '../src/rules/index.ts';
import type { CompiledRule, RuleItem } from '../src/rules/index.ts';
import { foldForMatching, splitWords } from '../src/rules/words.ts';
import { htmlToText } from '../src/text/html-to-text.ts';
import { median, round, runBench, target } from './report.ts';
import { seededRandom } from '../test/support/seeded-random.ts';

const SEEDS = new URL('../../shared/fixtures/seeds/', import.meta.url);
const SUBSCRIPTIONS = 10_000;
const ITEMS = 1_000;
/** Routing runs all day: both paths are timed once V8 has compiled them, after runs that are not counted. */
const WARM_UP_RUNS = 3;
const WARM_UP_PLAIN_ITEMS = 100;
const INDEXED_RUNS = 7;
const PLAIN_RUNS = 2;
/** A word found in more of the seeds' documents than this is common language, not a topic anyone follows. */
const TOPIC_DOCUMENTS = 3;
const TOPIC_WORDS = 2_000;

const random = seededRandom(20261121);
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
/** Rank-biased: index r is picked with weight about 1 / (r + 20). */
const pickZipf = <T>(list: readonly T[]): T => list[Math.min(list.length - 1, Math.floor(20 * ((list.length / 20 + 1) ** random() - 1)))]!;

interface Seeds {
  readonly items: readonly Item[];
  readonly texts: readonly string[][];
  readonly feedTitles: readonly string[];
}

function readSeeds(): Seeds {
  const items: Item[] = [];
  const feedTitles: string[] = [];
  for (const name of ['forem-feed.rss', 'techwasti-feed.rss']) {
    const feed = parseFeed(readFileSync(new URL(name, SEEDS), 'utf8'), `https://seed.example/${name}`);
    items.push(...feed.items);
    feedTitles.push(feed.title);
  }
  const pages = ['dzone-data-engineering-page.txt', 'feed-reader-view.txt'].map((name) => readFileSync(new URL(name, SEEDS), 'utf8'));
  const texts = [...items.map((item) => `${item.summary} ${item.contentHtml === undefined ? '' : htmlToText(item.contentHtml)}`), ...pages]
    .map((text) => text.split(/\s+/).filter((word) => word !== ''))
    .filter((words) => words.length > 50);
  return { items, texts, feedTitles };
}

function window(words: readonly string[], length: number): string {
  const start = Math.floor(random() * Math.max(1, words.length - length));
  return words.slice(start, start + length).join(' ');
}

function makeItems(seeds: Seeds): RuleItem[] {
  const categories = [...new Set(seeds.items.flatMap((item) => item.categories))];
  const authors = [...new Set(seeds.items.flatMap((item) => (item.author === undefined ? [] : [item.author])))];
  return Array.from({ length: ITEMS }, (_, i) => {
    const seed = pick(seeds.items);
    // Half the titles are the seeds' own; the others a line's worth of the seeds' text.
    const title = random() < 0.5 ? seed.title : window(pick(seeds.texts), 5 + Math.floor(random() * 8));
    return {
      title,
      summary: window(pick(seeds.texts), 25 + Math.floor(random() * 40)),
      contentHtml: `<p>${window(pick(seeds.texts), 150 + Math.floor(random() * 300))}</p><p>${window(pick(seeds.texts), 50)}</p>`,
      categories: Array.from({ length: 1 + Math.floor(random() * 4) }, () => pick(categories)),
      author: pick(authors),
      link: `${seed.link ?? 'https://seed.example/post'}?v=${i}`,
      feedTitle: pick(seeds.feedTitles),
    };
  });
}

interface Vocabulary {
  readonly topics: readonly string[];
  readonly phrases: readonly string[];
  readonly categories: readonly string[];
  readonly authors: readonly string[];
}

function vocabularyOf(seeds: Seeds): Vocabulary {
  const counts = new Map<string, number>();
  const documents = new Map<string, number>();
  const pairs = new Map<string, number>();
  for (const words of seeds.texts) {
    const folded = splitWords(foldForMatching(words.join(' ')));
    for (const word of new Set(folded)) documents.set(word, (documents.get(word) ?? 0) + 1);
    for (const [i, word] of folded.entries()) {
      counts.set(word, (counts.get(word) ?? 0) + 1);
      const next = folded[i + 1];
      if (next !== undefined) pairs.set(`${word} ${next}`, (pairs.get(`${word} ${next}`) ?? 0) + 1);
    }
  }
  // Topics are what some documents are about and most are not: words frequent where they occur, in few documents.
  const ranked = [...counts]
    .filter(([word, count]) => word.length >= 3 && !/^\d+$/.test(word) && count >= 2 && (documents.get(word) ?? 0) <= TOPIC_DOCUMENTS)
    .sort((a, b) => b[1] - a[1])
    .map(([word]) => word);
  const common = new Set([...counts].filter(([word]) => (documents.get(word) ?? 0) > TOPIC_DOCUMENTS).map(([word]) => word));
  const topics = ranked.slice(0, TOPIC_WORDS);
  const topicSet = new Set(topics);
  const phrases = [...pairs]
    .filter(([pair, count]) => count >= 2 && pair.split(' ').every((word) => topicSet.has(word) || !common.has(word)) && pair.split(' ').some((word) => topicSet.has(word)))
    .sort((a, b) => b[1] - a[1])
    .map(([pair]) => pair)
    .slice(0, 1000);
  const categories = [...new Set(seeds.items.flatMap((item) => item.categories.map((category) => splitWords(foldForMatching(category))[0] ?? '')))].filter((word) => word !== '');
  const authors = [...new Set(seeds.items.flatMap((item) => (item.author === undefined ? [] : [splitWords(foldForMatching(item.author)).at(-1) ?? ''])))].filter((word) => word !== '');
  return { topics, phrases, categories, authors };
}

/** The shapes of rules people write, with how often each is written. */
function makeRules(vocabulary: Vocabulary): string[] {
  const topic = (): string => pickZipf(vocabulary.topics);
  const phrase = (): string => `"${pickZipf(vocabulary.phrases)}"`;
  const exclusion = (): string => pick(['-sponsored', '-title:sponsored', '-category:jobs', `-${topic()}`, '-"job offer"', `-author:${pick(vocabulary.authors)}`]);
  const shapes: Array<readonly [number, () => string]> = [
    [25, () => topic()],
    [15, () => `${topic()} OR ${topic()}${random() < 0.4 ? ` OR ${topic()}` : ''}`],
    [12, () => `${topic()} ${exclusion()}`],
    [8, () => phrase()],
    [6, () => `${phrase()} OR ${topic()}`],
    [8, () => `title:${topic()}${random() < 0.5 ? ` ${exclusion()}` : ''}`],
    [4, () => `${topic().slice(0, 5)}*`],
    [4, () => `category:${pick(vocabulary.categories)} ${random() < 0.5 ? topic() : exclusion()}`],
    [5, () => `${topic()} OR ${topic()} ${exclusion()} ${exclusion()}`],
    [3, () => `(${topic()} OR ${phrase()}) (${topic()} OR ${topic()}) -title:sponsored`],
    [2, () => `title:(${topic()} OR ${topic()}) -category:jobs`],
    [1, () => `author:${pick(vocabulary.authors)}`],
    [1, () => `-sponsored -category:jobs`],
    [0.7, () => `title:/\\b(${topic()}|${topic()})s?\\b/i`],
    [0.3, () => `/${topic()}.{0,20}${topic()}/i ${exclusion()}`],
    [4, () => ''],
  ];
  const total = shapes.reduce((sum, [weight]) => sum + weight, 0);
  return Array.from({ length: SUBSCRIPTIONS }, () => {
    let roll = random() * total;
    for (const [weight, make] of shapes) {
      roll -= weight;
      if (roll < 0) return make();
    }
    return '';
  });
}

/** Wall time, and CPU time (user + system of this process), which waiting for a busy machine's CPUs does not count. */
function timed<T>(run: () => T): { result: T; ms: number; cpuMs: number } {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = run();
  const used = process.cpuUsage(cpu);
  return { result, ms: performance.now() - started, cpuMs: (used.user + used.system) / 1000 };
}

function plainPath(rules: readonly CompiledRule[], items: readonly RuleItem[]): number[][] {
  return items.map((item) => {
    const text = prepareRuleItem(item);
    const matched: number[] = [];
    for (const [position, rule] of rules.entries()) if (ruleMatches(rule, text)) matched.push(position);
    return matched;
  });
}

function indexedPath(index: RuleIndex<number>, items: readonly RuleItem[]): number[][] {
  return items.map((item) => index.matching(prepareRuleItem(item)));
}

function buildIndex(rules: readonly CompiledRule[]): RuleIndex<number> {
  const index = new RuleIndex<number>();
  for (const [position, rule] of rules.entries()) index.add(position, rule);
  return index;
}

/** re2js and V8's RegExp on the same patterns and texts: the benchmark's regex rules, then patterns that make backtracking explode. */
function compareRegexEngines(sources: readonly string[], items: readonly RuleItem[]) {
  const patterns = sources.flatMap((source) => [...source.matchAll(/\/((?:\\.|[^/])+)\/([a-z]*)/g)].map((match) => ({ pattern: match[1]!, flags: match[2]! })));
  const texts = items.flatMap((item) => [item.title, item.summary]);
  const engines = {
    re2js: patterns.map(({ pattern, flags }) => RE2JS.compile(RE2JS.translateRegExp(pattern), flags.includes('i') ? RE2JS.CASE_INSENSITIVE : 0)),
    'V8 RegExp (backtracking)': patterns.map(({ pattern, flags }) => new RegExp(pattern, flags)),
  };
  const throughput: Record<string, unknown> = {};
  for (const [engine, compiled] of Object.entries(engines)) {
    const runs = Array.from({ length: 3 }, () => timed(() => compiled.reduce((hits, regex) => hits + texts.filter((text) => regex.test(text)).length, 0)));
    throughput[engine] = { hits: runs[0]!.result, ms: round(median(runs.map((run) => run.ms))), testsPerMs: round((compiled.length * texts.length) / median(runs.map((run) => run.ms))) };
  }
  // (a+)+$ on "aaa…!": backtracking tries every way to split the a's.
  const catastrophic: Array<Record<string, number>> = [];
  const nested = RE2JS.compile('(a+)+$');
  const nestedNative = /(a+)+$/;
  for (const length of [16, 20, 22, 24]) {
    const text = `${'a'.repeat(length)}!`;
    catastrophic.push({ length, re2jsMs: round(timed(() => nested.test(text)).ms, 2), v8RegExpMs: round(timed(() => nestedNative.test(text)).ms, 1) });
  }
  const long = `${'a'.repeat(100_000)}!`;
  return {
    patterns: patterns.length,
    texts: texts.length,
    throughput,
    '(a+)+$ on a…a!': catastrophic,
    're2js (a+)+$ on 100,000 a and !': { ms: round(timed(() => nested.test(long)).ms, 1) },
    'V8 experimental linear engine': v8LinearEngine(patterns),
  };
}

/** V8's linear engine needs a process-wide flag and the `l` flag, and refuses case-insensitive patterns. */
function v8LinearEngine(patterns: ReadonlyArray<{ pattern: string; flags: string }>): unknown {
  const script = `
    const patterns = ${JSON.stringify(patterns)};
    const refused = patterns.filter(({ pattern, flags }) => { try { new RegExp(pattern, flags + 'l'); return false; } catch { return true; } }).length;
    const text = 'a'.repeat(100000) + '!';
    const started = performance.now();
    new RegExp('(a+)+$', 'l').test(text);
    console.log(JSON.stringify({ refusedOfBenchmarkPatterns: refused + ' of ' + patterns.length, nestedOn100000Ms: Math.round((performance.now() - started) * 10) / 10 }));`;
  const child = spawnSync(process.execPath, ['--enable-experimental-regexp-engine', '-e', script], { encoding: 'utf8' });
  if (child.status !== 0) return { unavailable: child.stderr.trim().split('\n').at(-1) };
  return { ...(JSON.parse(child.stdout) as object), note: 'needs --enable-experimental-regexp-engine for the whole process; refuses the i flag' };
}

await runBench('rules', async (progress) => {
  const seeds = readSeeds();
  const items = makeItems(seeds);
  const vocabulary = vocabularyOf(seeds);
  const sources = makeRules(vocabulary);
  const compiled = timed(() => sources.map((source) => compileRule(source)));
  const rules = compiled.result;
  progress(`${rules.length} rules (${vocabulary.topics.length} topic words, ${vocabulary.phrases.length} phrases) compiled in ${round(compiled.ms)} ms; ${items.length} items`);

  for (let run = 0; run < WARM_UP_RUNS; run++) indexedPath(buildIndex(rules), items);
  plainPath(rules, items.slice(0, WARM_UP_PLAIN_ITEMS));
  progress(`warmed up: ${WARM_UP_RUNS} indexed runs, the plain path on ${WARM_UP_PLAIN_ITEMS} items`);
  const indexed: Array<{ ms: number; cpuMs: number }> = [];
  let indexedVerdicts: number[][] = [];
  let index = buildIndex(rules);
  const builds: Array<{ ms: number; cpuMs: number }> = [];
  for (let run = 0; run < INDEXED_RUNS; run++) {
    const build = timed(() => buildIndex(rules));
    builds.push(build);
    index = build.result;
    const match = timed(() => indexedPath(index, items));
    indexed.push(match);
    indexedVerdicts = match.result;
    progress(`indexed run ${run + 1}: ${round(match.ms)} ms wall, ${round(match.cpuMs)} ms CPU (index built in ${round(build.cpuMs, 1)} ms CPU)`);
  }
  const plain: Array<{ ms: number; cpuMs: number }> = [];
  let plainVerdicts: number[][] = [];
  for (let run = 0; run < PLAIN_RUNS; run++) {
    const match = timed(() => plainPath(rules, items));
    plain.push(match);
    plainVerdicts = match.result;
    progress(`plain run ${run + 1}: ${round(match.ms)} ms wall, ${round(match.cpuMs)} ms CPU`);
  }

  const differing = items.filter((_, i) => JSON.stringify(indexedVerdicts[i]) !== JSON.stringify(plainVerdicts[i])).length;
  const matches = plainVerdicts.reduce((sum, matched) => sum + matched.length, 0);
  let evaluated = 0;
  let decidedByLookup = 0;
  for (const item of items) {
    const decision = index.decide(prepareRuleItem(item));
    evaluated += decision.evaluated;
    decidedByLookup += decision.decidedByLookup;
  }
  const clock = (runs: ReadonlyArray<{ ms: number; cpuMs: number }>) => ({ wallMs: round(median(runs.map((run) => run.ms))), cpuMs: round(median(runs.map((run) => run.cpuMs))) });
  const plainTime = clock(plain);
  const indexedTime = clock(indexed);
  const buildTime = clock(builds);
  const indexedTotal = indexedTime.cpuMs + buildTime.cpuMs;
  const ratio = plainTime.cpuMs / indexedTotal;
  const wallRatio = plainTime.wallMs / (indexedTime.wallMs + buildTime.wallMs);
  progress('regular expression engines');
  const regexEngines = compareRegexEngines(sources, items);
  return {
    subscriptions: rules.length,
    items: items.length,
    rulesOnPlainPath: index.plainCount,
    emptyRules: sources.filter((source) => source === '').length,
    verdicts: rules.length * items.length,
    matches,
    perItem: { evaluated: round(evaluated / items.length), decidedByLookup: round(decidedByLookup / items.length), matched: round(matches / items.length) },
    verdictsIdentical: differing === 0,
    itemsWithDifferentVerdicts: differing,
    plain: plainTime,
    indexed: indexedTime,
    indexBuild: buildTime,
    speedup: { cpu: round(ratio, 1), wall: round(wallRatio, 1) },
    cpuMsOfEachRun: { plain: plain.map((run) => round(run.cpuMs)), indexed: indexed.map((run) => round(run.cpuMs)), indexBuild: builds.map((run) => round(run.cpuMs)) },
    // The least disturbed run of each: the machine's speed moves by half within a minute, and the targets are judged on the medians.
    fastestCpuMs: { plain: round(Math.min(...plain.map((run) => run.cpuMs))), indexed: round(Math.min(...indexed.map((run) => run.cpuMs))), indexBuild: round(Math.min(...builds.map((run) => run.cpuMs))) },
    sampleRules: sources.filter((source) => source !== '').slice(0, 12),
    regexEngines,
    targets: {
      verdictsIdentical: target('indexed verdicts identical to evaluating every rule', differing === 0 ? 'identical' : `${differing} items differ`, differing === 0),
      speedup: target('indexed (build + match) >= 20x faster than plain, CPU time', round(ratio, 1), ratio >= 20),
      indexedTotal: target('indexed < 250 ms CPU for 10,000 rules x 1,000 items (build + match)', round(indexedTotal), indexedTotal < 250),
    },
  };
});
