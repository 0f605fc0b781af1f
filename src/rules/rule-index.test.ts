import { describe, expect, it } from 'vitest';
import { compileRule } from './compile-rule.ts';
import { evaluateRule } from './evaluate-rule.ts';
import { prepareRuleItem, type RuleItem } from './item-text.ts';
import { exclusionKeys, requiredKeys, RuleIndex } from './rule-index.ts';
import { RuleSyntaxError } from './rule-syntax-error.ts';
import { seededRandom } from '../../test/support/seeded-random.ts';

function keysOf(rule: string): string[] | null {
  const keys = requiredKeys(compileRule(rule));
  return keys === null ? null : keys.map((key) => (key.kind === 'word' ? key.word : `${key.prefix}*`));
}

describe('requiredKeys', () => {
  it.each([
    ['kafka', ['kafka']],
    ['KAFKA', ['kafka']],
    ['title:kafka', ['kafka']],
    ['"event streaming"', ['streaming']],
    ['kube*', ['kube*']],
    ['c++', ['c']],
    ['.net', ['net']],
    ['node.js', ['node']],
    ['node.j*', ['node']],
    ['kafka OR "event streaming"', ['kafka', 'streaming']],
    // An AND needs one child's keys: the rarest-looking ones.
    ['go kubernetes', ['kubernetes']],
    ['rust -sponsored', ['rust']],
    ['(kafka OR pulsar) -title:sponsored', ['kafka', 'pulsar']],
    ['(kafka OR pulsar) streams', ['streams']],
    ['title:(rust OR go) release', ['release']],
    // No keys: the plain path.
    ['', null],
    ['-sponsored', null],
    ['-sponsored -category:jobs', null],
    ['title:/k8s/i', null],
    ['rust OR -go', null],
    ['kafka OR title:/k8s/', null],
    ['!', null],
  ])('keys %j by %j', (rule, keys) => {
    expect(keysOf(rule)).toStrictEqual(keys);
  });

  it('keys a regex beside a word by the word', () => {
    expect(keysOf('title:/k8s/i kubernetes')).toStrictEqual(['kubernetes']);
  });
});

describe('exclusionKeys', () => {
  it.each([
    ['-sponsored', ['sponsored']],
    ['-sponsored -category:jobs', ['sponsored', 'jobs']],
    ['NOT (sponsored OR "job offer")', ['sponsored', 'offer']],
    ['rust OR -go', ['go']],
    ['-title:(a b)', ['a']],
    ['kafka', null],
    ['-title:/k8s/', null],
    ['-sponsored title:/k8s/', null],
    ['', null],
  ])('lets %j match for sure without %j', (rule, keys) => {
    const found = exclusionKeys(compileRule(rule));
    expect(found === null ? null : found.map((key) => (key.kind === 'word' ? key.word : `${key.prefix}*`))).toStrictEqual(keys);
  });
});

const WORDS = ['kafka', 'rust', 'go', 'belt', 'kube', 'cafe', 'node', 'js', 'c', 'net', '東', '京', 'streaming', 'event', 'sponsored'];
const PIECES = [...WORDS, 'kube*', 'c++', '.net', 'node.js', 'node.j*', '"event streaming"', '"rust belt"', '東京', 'ＫＡＦＫＡ', 'Café',
  'AND', 'OR', 'OR', 'NOT', '-', '(', ')', 'title:', 'category:', 'author:', 'link:', 'feed:', 'content:', '/k8s|rust/i', '/^a/m', ' ', ' ',
  '/kafka.{0,9}streaming/i', '/Rust/', '/ev[e]nt|belts?/', '/node\\.js/i'];
/** Words of items beyond WORDS: capitals, and letters whose lower case or NFKC form is ASCII (the Kelvin sign, İ, ﬁ). */
const ITEM_WORDS = ['Kafka', 'RUST', 'Event', 'STREAMING', '\u212Aafka', 'İstanbul', 'ﬁle', 'ΟΔΟΣ', 'Ｒust', 'don’t', '“Kafka”', 'café—rust', 'event\u00a0streaming', 'rust…'];

function randomItem(random: () => number): RuleItem {
  const text = (count: number): string => Array.from({ length: count }, () => pick(random, [...WORDS, ...ITEM_WORDS, 'x', 'C++', '.NET', 'Node.js', 'nodejs', 'kubernetes', 'K8S', 'ＫＡＦＫＡ', 'Café', '東京'])).join(pick(random, [' ', ', ', '-', '.']));
  return {
    title: text(1 + Math.floor(random() * 6)),
    summary: text(Math.floor(random() * 10)),
    ...(random() < 0.5 ? { contentHtml: `<p>${text(Math.floor(random() * 12))}</p>` } : {}),
    categories: Array.from({ length: Math.floor(random() * 3) }, () => pick(random, WORDS)),
    ...(random() < 0.5 ? { author: text(2) } : {}),
    ...(random() < 0.5 ? { link: `https://blog.test/${text(2).replace(/\s/g, '-')}` } : {}),
    ...(random() < 0.5 ? { feedTitle: text(2) } : {}),
  };
}

function pick<T>(random: () => number, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)]!;
}

describe('RuleIndex', () => {
  it('gives the verdicts of evaluating every rule on every item, on random rules and items', () => {
    const random = seededRandom(97);
    const index = new RuleIndex<number>();
    const rules = [];
    while (rules.length < 2000) {
      const source = Array.from({ length: 1 + Math.floor(random() * 7) }, () => pick(random, PIECES)).join(random() < 0.7 ? ' ' : '');
      try {
        const rule = compileRule(source);
        index.add(rules.length, rule);
        rules.push(rule);
      } catch (error) {
        if (!(error instanceof RuleSyntaxError)) throw error;
      }
    }
    // Both paths are exercised.
    expect(index.plainCount).toBeGreaterThan(20);
    expect(index.plainCount).toBeLessThan(rules.length - 1000);
    let candidates = 0;
    for (let i = 0; i < 150; i++) {
      const item = randomItem(random);
      const text = prepareRuleItem(item);
      // Its own copy of the item's text, so the index's lookups cannot have prepared anything for it.
      const fresh = prepareRuleItem(item);
      const everyRule = rules.flatMap((rule, position) => (evaluateRule(rule, fresh).matches ? [position] : []));
      const decision = index.decide(text);
      expect(decision.matched, JSON.stringify(item)).toStrictEqual(everyRule);
      candidates += decision.evaluated + decision.decidedByLookup;
    }
    // And the index leaves most rules out.
    expect(candidates / 150).toBeLessThan(rules.length / 2);
  });

  it('finds prefixes of any length, and rules added after items were looked up', () => {
    const index = new RuleIndex<string>();
    index.add('k', compileRule('k*'));
    index.add('kube', compileRule('title:kube*'));
    const text = prepareRuleItem({ title: 'Kubernetes', summary: '', categories: [] });
    expect(index.matching(text)).toStrictEqual(['k', 'kube']);
    index.add('kubernetes', compileRule('kubernetes*'));
    index.add('none', compileRule('kubernetesx*'));
    expect(index.matching(prepareRuleItem({ title: 'Kubernetes', summary: '', categories: [] }))).toStrictEqual(['k', 'kube', 'kubernetes']);
  });

  it('counts a key only in its fields, and decides ORs of words and prefixes by the lookup alone', () => {
    const index = new RuleIndex<string>();
    index.add('title rust', compileRule('title:rust'));
    index.add('rust or kube', compileRule('rust OR kube*'));
    index.add('rust release', compileRule('rust release'));
    const inContent = prepareRuleItem({ title: 'Weekly notes', summary: '', content: 'Rust and Kubernetes', categories: [] });
    // "rust" in the content does not key title:rust, and "rust release" is keyed by "release": neither is met.
    expect(index.decide(inContent)).toStrictEqual({ matched: ['rust or kube'], evaluated: 0, decidedByLookup: 1 });
    const inTitle = prepareRuleItem({ title: 'Rust 1.90 release', summary: '', categories: [] });
    expect(index.decide(inTitle)).toStrictEqual({ matched: ['title rust', 'rust or kube', 'rust release'], evaluated: 1, decidedByLookup: 2 });
  });

  it('finds phrases word after word within one field, and words beyond ASCII', () => {
    const index = new RuleIndex<string>();
    index.add('phrase', compileRule('"event streaming" -sponsored'));
    index.add('title phrase', compileRule('title:"event streaming"'));
    index.add('cafe', compileRule('café*'));
    index.add('kafka', compileRule('kafka -東京'));
    const split = prepareRuleItem({ title: 'Event', summary: 'streaming', categories: [] });
    expect(index.matching(split)).toStrictEqual([]);
    const apart = prepareRuleItem({ title: 'Event-driven streaming', summary: '', categories: [] });
    expect(index.matching(apart)).toStrictEqual([]);
    const inSummary = prepareRuleItem({ title: 'ＫＡＦＫＡ news', summary: 'Event, streaming! At the CAFÉTÉRIA', categories: [] });
    expect(index.matching(inSummary)).toStrictEqual(['phrase', 'cafe', 'kafka']);
    const excluded = prepareRuleItem({ title: 'Kafka in 東京', summary: '', categories: ['event streaming', 'sponsored'] });
    expect(index.matching(excluded)).toStrictEqual([]);
  });
});
