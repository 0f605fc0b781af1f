/**
 * An index over many rules, so that an item is compared only with the rules it may match rather than with
 * every rule.
 *
 * Each rule gets keys: words (or word prefixes) at least one of which an item must contain for the rule to
 * match it. A word term is its word; a phrase, one of its words; `kube*`, the prefix; `c++` or `node.js`, a
 * whole word inside it. An AND needs only one child's keys (the child whose keys look rarest); an OR needs
 * keys for every branch, and has them all. NOT, regular expressions and the empty rule give none: a rule
 * without keys (`-sponsored`, `title:/k8s/i`, `rust OR -go`) is on the plain path and meets every item.
 * Keys ignore fields (`title:rust` is keyed by "rust" found anywhere); the rule itself, evaluated on the
 * candidates, decides. So `candidates` never leaves out a rule that matches: its verdicts are those of
 * evaluating every rule on every item.
 */
import type { RuleNode, TermMatcher, TermNode } from './ast.ts';
import type { CompiledRule } from './compile-rule.ts';
import { evaluateRule } from './evaluate-rule.ts';
import { FIELD_NAMES, UNSCOPED_FIELDS, type FieldName } from './fields.ts';
import type { ItemText } from './item-text.ts';
import { isStandaloneWordChar, wordSpans } from './words.ts';

export type IndexKey =
  | { readonly kind: 'word'; readonly word: string; readonly fields: readonly FieldName[] }
  | { readonly kind: 'prefix'; readonly prefix: string; readonly fields: readonly FieldName[] };

/** Rules are compiled once and indexed often (every routing of a feed's items): their keys are kept. */
const keysOfRule = new WeakMap<CompiledRule, readonly IndexKey[] | null>();

/** The keys an item must contain one of for `rule` to match it; null when it has none (the plain path). */
export function requiredKeys(rule: CompiledRule): readonly IndexKey[] | null {
  let keys = keysOfRule.get(rule);
  if (keys === undefined) {
    keys = rule.tree === null ? null : keysOfNode(rule.tree);
    keysOfRule.set(rule, keys);
  }
  return keys;
}

function keysOfNode(node: RuleNode): IndexKey[] | null {
  switch (node.kind) {
    case 'term':
      return keysOfTerm(node);
    case 'scope':
      return keysOfNode(node.child);
    case 'not':
      return null;
    case 'and': {
      let best: IndexKey[] | null = null;
      for (const child of node.children) {
        const keys = keysOfNode(child);
        if (keys !== null && (best === null || cost(keys) < cost(best))) best = keys;
      }
      return best;
    }
    case 'or': {
      const all: IndexKey[] = [];
      for (const child of node.children) {
        const keys = keysOfNode(child);
        if (keys === null) return null;
        all.push(...keys);
      }
      return all;
    }
  }
}

function keysOfTerm(term: TermNode): IndexKey[] | null {
  const fields = term.field === null ? UNSCOPED_FIELDS : [term.field];
  const word = keyWord(term.matcher);
  if (word === undefined) return null;
  return [term.matcher.kind === 'prefix' ? { kind: 'prefix', prefix: word, fields } : { kind: 'word', word, fields }];
}

/** A word every text containing the term has among its words (for a prefix: the prefix). */
function keyWord(matcher: TermMatcher): string | undefined {
  switch (matcher.kind) {
    case 'word':
      return matcher.word;
    case 'prefix':
      return matcher.prefix;
    case 'phrase':
      return longest(matcher.words);
    case 'literal':
      return longest(wholeWordsOf(matcher));
    case 'regex':
      return undefined;
  }
}

/**
 * The words of a literal that are whole words of any text containing it: those the literal's own punctuation
 * bounds, and at its ends those the literal's word boundaries bound (`c` in `c++`, `net` in `.net`; not `j`
 * in `node.j*`, which may go on in the text).
 */
function wholeWordsOf(literal: Extract<TermMatcher, { kind: 'literal' }>): string[] {
  const { text } = literal;
  const words: string[] = [];
  for (const { word, start } of wordSpans(text)) {
    const end = start + word.length;
    const standalone = isStandaloneWordChar(word);
    const boundedBefore = start > 0 || literal.wordStart || standalone;
    const boundedAfter = end < text.length || literal.wordEnd || standalone;
    if (boundedBefore && boundedAfter) words.push(word);
  }
  return words;
}

function longest(words: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const word of words) if (best === undefined || word.length > best.length) best = word;
  return best;
}

/** How many items a set of keys may let through, roughly: short words and prefixes are found more often. */
function cost(keys: readonly IndexKey[]): number {
  let total = 0;
  for (const key of keys) {
    const length = key.kind === 'word' ? key.word.length : key.prefix.length;
    total += (key.kind === 'prefix' ? 2 : 1) * (1 + 4 / length);
  }
  return total;
}

export class RuleIndex<T> {
  private readonly values: T[] = [];
  private readonly rules: CompiledRule[] = [];
  private readonly byWord = new Map<string, number[]>();
  private readonly byPrefix = new Map<string, number[]>();
  private prefixLengths: number[] = [];
  private readonly plain: number[] = [];
  /** The fields some key is looked for in: only their words are looked up. */
  private readonly keyFields = new Set<FieldName>();
  private stamps = new Uint32Array(16);
  private generation = 0;

  /** Rules on the plain path, compared with every item. */
  get plainCount(): number {
    return this.plain.length;
  }

  get size(): number {
    return this.values.length;
  }

  add(value: T, rule: CompiledRule): void {
    const position = this.values.length;
    this.values.push(value);
    this.rules.push(rule);
    const keys = requiredKeys(rule);
    if (keys === null) {
      this.plain.push(position);
      return;
    }
    for (const key of keys) {
      for (const field of key.fields) this.keyFields.add(field);
      if (key.kind === 'word') {
        listOf(this.byWord, key.word).push(position);
      } else {
        listOf(this.byPrefix, key.prefix).push(position);
        if (!this.prefixLengths.includes(key.prefix.length)) this.prefixLengths = [...this.prefixLengths, key.prefix.length].sort((a, b) => a - b);
      }
    }
  }

  /**
   * The values of the rules `text` may match, in the order they were added: those on the plain path and those
   * whose keys it contains. It matches none of the others.
   */
  candidates(text: ItemText): T[] {
    return this.candidatePositions(text).map((position) => this.values[position]!);
  }

  /** The values whose rule matches `text`, in the order they were added. */
  matching(text: ItemText): T[] {
    const matched: T[] = [];
    for (const position of this.candidatePositions(text)) {
      if (evaluateRule(this.rules[position]!, text).matches) matched.push(this.values[position]!);
    }
    return matched;
  }

  private candidatePositions(text: ItemText): number[] {
    if (this.stamps.length < this.values.length) this.stamps = new Uint32Array(this.values.length * 2);
    const generation = this.nextGeneration();
    const found: number[] = [...this.plain];
    const take = (positions: readonly number[] | undefined): void => {
      if (positions === undefined) return;
      for (const position of positions) {
        if (this.stamps[position] === generation) continue;
        this.stamps[position] = generation;
        found.push(position);
      }
    };
    const lengths = this.prefixLengths;
    for (const field of FIELD_NAMES) {
      if (!this.keyFields.has(field)) continue;
      for (const unit of text.unitsOf(field)) {
        for (const word of unit.wordSet) {
          take(this.byWord.get(word));
          for (const length of lengths) {
            if (length > word.length) break;
            take(this.byPrefix.get(length === word.length ? word : word.slice(0, length)));
          }
        }
      }
    }
    return found.sort((a, b) => a - b);
  }

  private nextGeneration(): number {
    this.generation = (this.generation + 1) >>> 0;
    if (this.generation === 0) {
      this.stamps.fill(0);
      this.generation = 1;
    }
    return this.generation;
  }
}

function listOf(map: Map<string, number[]>, key: string): number[] {
  let list = map.get(key);
  if (list === undefined) {
    list = [];
    map.set(key, list);
  }
  return list;
}
