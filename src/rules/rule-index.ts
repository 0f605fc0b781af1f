/**
 * An index over many rules, so that an item is compared only with the rules it may match rather than with
 * every rule.
 *
 * Each rule gets keys: words (or word prefixes) at least one of which an item must contain for the rule to
 * match it. A word term is its word; a phrase, one of its words; `kube*`, the prefix; `c++` or `node.js`, a
 * whole word inside it. An AND needs only one child's keys (the child whose keys look rarest); an OR needs
 * keys for every branch, and has them all. NOT, regular expressions and the empty rule give none: a rule
 * without keys (`title:/k8s/i`, `rust OR title:/k8s/`) is on the plain path and meets every item.
 * A key counts only in its fields (`title:rust` is keyed by "rust" in the title); the rule itself, evaluated
 * on the candidates, decides. So `candidates` never leaves out a rule that matches: its verdicts are those of
 * evaluating every rule on every item. A rule of words and prefixes ORed (`kafka OR kube*`) is decided by its
 * lookup alone: it matches exactly when one of its keys is found.
 *
 * Two kinds of rules on the plain path need no evaluation on most items: the empty rule matches every item,
 * and a rule of exclusions (`-sponsored -category:jobs`) matches every item that holds none of the words its
 * exclusions are keyed by; it is evaluated only on the items that hold one.
 */
import type { RuleNode, TermMatcher, TermNode } from './ast.ts';
import type { CompiledRule } from './compile-rule.ts';
import { ruleMatches } from './evaluate-rule.ts';
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
    keys = rule.tree === null ? null : keysOfNode(rule.tree, 'present');
    keysOfRule.set(rule, keys);
  }
  return keys;
}

/** Keys such that a rule surely matches an item holding none of them; null when there are none. */
export function exclusionKeys(rule: CompiledRule): readonly IndexKey[] | null {
  return rule.tree === null ? null : keysOfNode(rule.tree, 'absent');
}

/**
 * `present`: keys one of which an item holds when `node` is true. `absent`: keys without which `node` is
 * surely true. They mirror each other: NOT turns one into the other, and AND and OR swap roles: one child's
 * keys suffice where the node needs that child (AND present, OR absent), every child's are needed where the
 * node holds through any one child (OR present, AND absent).
 */
function keysOfNode(node: RuleNode, when: 'present' | 'absent'): IndexKey[] | null {
  switch (node.kind) {
    case 'term':
      return when === 'present' ? keysOfTerm(node) : null;
    case 'scope':
      return keysOfNode(node.child, when);
    case 'not':
      return when === 'absent' ? keysOfNode(node.child, 'present') : null;
    case 'and':
    case 'or':
      return (node.kind === 'and') === (when === 'present') ? cheapestChild(node.children, when) : everyChild(node.children, when);
  }
}

function cheapestChild(children: readonly RuleNode[], when: 'present' | 'absent'): IndexKey[] | null {
  let best: IndexKey[] | null = null;
  for (const child of children) {
    const keys = keysOfNode(child, when);
    if (keys !== null && (best === null || cost(keys) < cost(best))) best = keys;
  }
  return best;
}

function everyChild(children: readonly RuleNode[], when: 'present' | 'absent'): IndexKey[] | null {
  const all: IndexKey[] = [];
  for (const child of children) {
    const keys = keysOfNode(child, when);
    if (keys === null) return null;
    all.push(...keys);
  }
  return all;
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

/** What an item means for the indexed rules: those to evaluate, those that surely match; none of the others match. */
export interface IndexDecision<T> {
  readonly evaluate: readonly T[];
  readonly sure: readonly T[];
}

/**
 * A posting: a rule's position and the fields its key counts in, as one number (position * 128 + field bits),
 * so a word's postings are one flat array.
 */
const FIELD_BITS = 7;
const fieldBit = (field: FieldName): number => 1 << FIELD_NAMES.indexOf(field);
const maskOf = (fields: readonly FieldName[]): number => fields.reduce((mask, field) => mask | fieldBit(field), 0);

export class RuleIndex<T> {
  private readonly values: T[] = [];
  private readonly rules: CompiledRule[] = [];
  private readonly byWord = new Map<string, number[]>();
  private readonly byPrefix = new Map<string, number[]>();
  private prefixLengths: number[] = [];
  /** Every prefix key cut to the shortest one's length: a word whose start is not among them has no prefix key. */
  private prefixStarts = new Set<string>();
  /** Evaluated on every item. */
  private readonly plain: number[] = [];
  /** Empty rules: they match every item. */
  private readonly always: number[] = [];
  /** Rules of exclusions: they match every item in which none of their keys is found. */
  private readonly unless: number[] = [];
  /** Rules that match exactly the items holding one of their keys in its fields (`kafka OR kube*`): never evaluated. */
  private exact: Uint8Array = new Uint8Array(16);
  /** The fields some key is looked for in: only their words are looked up. */
  private readonly keyFields = new Set<FieldName>();
  private stamps = new Uint32Array(16);
  private generation = 0;

  /** Rules evaluated on every item: neither keyed, nor empty, nor exclusions only. */
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
    if (rule.tree === null) {
      this.always.push(position);
      return;
    }
    const required = requiredKeys(rule);
    const excluded = required === null ? exclusionKeys(rule) : null;
    if (required === null && excluded === null) {
      this.plain.push(position);
      return;
    }
    if (excluded !== null) this.unless.push(position);
    if (required !== null && isExact(rule.tree)) {
      if (this.exact.length <= position) this.exact = grown(this.exact, position);
      this.exact[position] = 1;
    }
    for (const key of required ?? excluded ?? []) {
      for (const field of key.fields) this.keyFields.add(field);
      const posting = position * 2 ** FIELD_BITS + maskOf(key.fields);
      if (key.kind === 'word') {
        listOf(this.byWord, key.word).push(posting);
      } else {
        listOf(this.byPrefix, key.prefix).push(posting);
        if (!this.prefixLengths.includes(key.prefix.length)) {
          this.prefixLengths = [...this.prefixLengths, key.prefix.length].sort((a, b) => a - b);
          const shortest = this.prefixLengths[0]!;
          this.prefixStarts = new Set([...this.byPrefix.keys()].map((prefix) => prefix.slice(0, shortest)));
        } else {
          this.prefixStarts.add(key.prefix.slice(0, this.prefixLengths[0]));
        }
      }
    }
  }

  /**
   * The values of the rules `text` may match, in the order they were added. It matches none of the others.
   */
  candidates(text: ItemText): T[] {
    const { evaluate, sure } = this.decidePositions(text);
    return this.valuesAt([...evaluate, ...sure].sort((a, b) => a - b));
  }

  /** The rules to evaluate on `text` and those that surely match it, each in the order they were added. */
  decide(text: ItemText): IndexDecision<T> {
    const { evaluate, sure } = this.decidePositions(text);
    return { evaluate: this.valuesAt(evaluate), sure: this.valuesAt(sure) };
  }

  /** The values whose rule matches `text`, in the order they were added. */
  matching(text: ItemText): T[] {
    const { evaluate, sure } = this.decidePositions(text);
    const matched = evaluate.filter((position) => ruleMatches(this.rules[position]!, text));
    return this.valuesAt([...matched, ...sure].sort((a, b) => a - b));
  }

  private valuesAt(positions: readonly number[]): T[] {
    return positions.map((position) => this.values[position]!);
  }

  private decidePositions(text: ItemText): { evaluate: number[]; sure: number[] } {
    if (this.stamps.length < this.values.length) this.stamps = new Uint32Array(this.values.length * 2);
    const generation = this.nextGeneration();
    const stamps = this.stamps;
    const exact = this.exact;
    const found: number[] = [...this.plain];
    const sure: number[] = [...this.always];
    // A key counts only where it is found in one of its fields: `title:rust` is not keyed by a "rust" in the content.
    const take = (postings: readonly number[] | undefined, bit: number): void => {
      if (postings === undefined) return;
      for (const posting of postings) {
        if ((posting & bit) === 0) continue;
        const position = Math.floor(posting / 2 ** FIELD_BITS);
        if (stamps[position] === generation) continue;
        stamps[position] = generation;
        if (exact[position] === 1) sure.push(position);
        else found.push(position);
      }
    };
    const lengths = this.prefixLengths;
    const shortest = lengths[0] ?? Infinity;
    const starts = this.prefixStarts;
    for (const field of FIELD_NAMES) {
      if (!this.keyFields.has(field)) continue;
      const bit = fieldBit(field);
      for (const unit of text.unitsOf(field)) {
        for (const word of unit.wordSet) {
          take(this.byWord.get(word), bit);
          if (word.length < shortest || !starts.has(word.length === shortest ? word : word.slice(0, shortest))) continue;
          for (const length of lengths) {
            if (length > word.length) break;
            take(this.byPrefix.get(length === word.length ? word : word.slice(0, length)), bit);
          }
        }
      }
    }
    // A rule of exclusions whose key was found is evaluated (it is among `found`); the others surely match.
    for (const position of this.unless) if (stamps[position] !== generation) sure.push(position);
    return { evaluate: found.sort((a, b) => a - b), sure: sure.sort((a, b) => a - b) };
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

/**
 * Whether a rule is true exactly when one of its keys is found in the key's fields: words and prefixes, and ORs
 * and field scopes of them. Such a rule's verdict is its index lookup.
 */
function isExact(node: RuleNode): boolean {
  switch (node.kind) {
    case 'term':
      return node.matcher.kind === 'word' || node.matcher.kind === 'prefix';
    case 'scope':
      return isExact(node.child);
    case 'or':
      return node.children.every(isExact);
    case 'and':
    case 'not':
      return false;
  }
}

function grown(flags: Uint8Array, position: number): Uint8Array {
  const larger = new Uint8Array(Math.max(16, (position + 1) * 2));
  larger.set(flags);
  return larger;
}

function listOf(map: Map<string, number[]>, key: string): number[] {
  let list = map.get(key);
  if (list === undefined) {
    list = [];
    map.set(key, list);
  }
  return list;
}
