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
 * on the rules an item meets, decides. So no rule that matches is left out: the verdicts are those of
 * evaluating every rule on every item. A rule of words and prefixes ORed (`kafka OR kube*`) is decided by its
 * lookup alone: it matches exactly when one of its keys is found. Evaluation reads the item's scan
 * (item-scan.ts) for words, prefixes and phrases, and its text only for regular expressions and literals.
 *
 * Two kinds of rules on the plain path need no evaluation on most items: the empty rule matches every item,
 * and a rule of exclusions (`-sponsored -category:jobs`) matches every item that holds none of the words its
 * exclusions are keyed by; it is evaluated only on the items that hold one.
 */
import type { RuleNode, TermMatcher, TermNode } from './ast.ts';
import type { CompiledRule } from './compile-rule.ts';
import { fieldMask, fieldsOfTerm, type FieldName } from './fields.ts';
import type { ItemText } from './item-text.ts';
import { GenerationStamps } from './generation-stamps.ts';
import { ItemScan } from './item-scan.ts';
import { findTerm } from './match-term.ts';
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
  const fields = fieldsOfTerm(term.field);
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

/** What an item means for the indexed rules: those that match it, and how many rules it met at all. */
export interface IndexDecision<T> {
  /** The values whose rule matches, in the order they were added. */
  readonly matched: readonly T[];
  /** Rules whose tree was evaluated on the item. */
  readonly evaluated: number;
  /** Rules decided by the lookup alone: empty, exclusions not found, or ORs of words found. */
  readonly decidedByLookup: number;
}

/**
 * A rule as the index evaluates it: words, prefixes and phrases answered by the item's scan (item-scan.ts),
 * only regular expressions and literals (`c++`) looked for in the item's text. Children are ordered cheapest
 * first, which changes no verdict.
 */
type ScanNode =
  | { readonly kind: 'key'; readonly key: number; readonly fields: number }
  | { readonly kind: 'sequence'; readonly keys: Int32Array; readonly fields: number }
  | { readonly kind: 'text'; readonly term: TermNode }
  | { readonly kind: 'and' | 'or'; readonly children: readonly ScanNode[] }
  | { readonly kind: 'not'; readonly child: ScanNode };

/** A posting: a rule's position and the fields its key counts in, as one number (position * 128 + field bits). */
const FIELD_BITS = 7;

export class RuleIndex<T> {
  private readonly values: T[] = [];
  private readonly trees: Array<ScanNode | null> = [];
  private readonly scan = new ItemScan();
  /** By key: the postings of the rules it keys. */
  private readonly postings: number[][] = [];
  /** Evaluated on every item. */
  private readonly plain: number[] = [];
  /** Empty rules: they match every item. */
  private readonly always: number[] = [];
  /** Rules of exclusions: they match every item in which none of their keys is found. */
  private readonly unless: number[] = [];
  /** Rules that match exactly the items holding one of their keys in its fields (`kafka OR kube*`): never evaluated. */
  private exact: Uint8Array = new Uint8Array(16);
  /** The rules met by the item being decided. */
  private readonly met = new GenerationStamps();

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
    this.trees.push(rule.tree === null ? null : this.scanNode(rule.tree));
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
      const id = key.kind === 'word' ? this.scan.wordKey(key.word, key.fields) : this.scan.prefixKey(key.prefix, key.fields);
      while (this.postings.length <= id) this.postings.push([]);
      this.postings[id]!.push(position * 2 ** FIELD_BITS + fieldMask(key.fields));
    }
  }

  /** The values whose rule matches `text`, in the order they were added. */
  matching(text: ItemText): T[] {
    return this.decide(text).matched as T[];
  }

  decide(text: ItemText): IndexDecision<T> {
    const met = this.met;
    met.clear(this.values.length);
    const scan = this.scan;
    scan.scan(text);
    const matched: number[] = [...this.always];
    let evaluated = 0;
    let decidedByLookup = this.always.length;
    for (const position of this.plain) {
      evaluated++;
      if (holds(this.trees[position]!, scan, text)) matched.push(position);
    }
    // A key counts only where it is found in one of its fields: `title:rust` is not keyed by a "rust" in the content.
    for (const key of scan.found()) {
      const postings = this.postings[key];
      if (postings === undefined) continue;
      const fields = scan.fieldsOf(key);
      for (const posting of postings) {
        if ((posting & fields) === 0) continue;
        const position = Math.floor(posting / 2 ** FIELD_BITS);
        if (!met.mark(position)) continue;
        if (this.exact[position] === 1) {
          decidedByLookup++;
          matched.push(position);
        } else {
          evaluated++;
          if (holds(this.trees[position]!, scan, text)) matched.push(position);
        }
      }
    }
    // A rule of exclusions whose key was found has been evaluated; the others surely match.
    for (const position of this.unless) {
      if (met.has(position)) continue;
      decidedByLookup++;
      matched.push(position);
    }
    matched.sort((a, b) => a - b);
    return { matched: matched.map((position) => this.values[position]!), evaluated, decidedByLookup };
  }

  private scanNode(node: RuleNode): ScanNode {
    switch (node.kind) {
      case 'term':
        return this.scanTerm(node);
      case 'scope':
        return this.scanNode(node.child);
      case 'not':
        return { kind: 'not', child: this.scanNode(node.child) };
      case 'and':
      case 'or': {
        const children = node.children.map((child) => this.scanNode(child));
        return { kind: node.kind, children: children.sort((a, b) => costOf(a) - costOf(b)) };
      }
    }
  }

  private scanTerm(term: TermNode): ScanNode {
    const fields = fieldsOfTerm(term.field);
    const bits = fieldMask(fields);
    const { matcher } = term;
    switch (matcher.kind) {
      case 'word':
        return { kind: 'key', key: this.scan.wordKey(matcher.word, fields), fields: bits };
      case 'prefix':
        return { kind: 'key', key: this.scan.prefixKey(matcher.prefix, fields), fields: bits };
      case 'phrase':
        if (matcher.words.length === 0) return { kind: 'text', term };
        return { kind: 'sequence', keys: Int32Array.from(matcher.words, (word) => this.scan.wordKey(word, fields)), fields: bits };
      case 'literal':
      case 'regex':
        return { kind: 'text', term };
    }
  }
}

function holds(node: ScanNode, scan: ItemScan, text: ItemText): boolean {
  switch (node.kind) {
    case 'key':
      return (scan.fieldsOf(node.key) & node.fields) !== 0;
    case 'sequence':
      return scan.hasSequence(node.keys, node.fields);
    case 'text':
      return findTerm(node.term, text) !== undefined;
    case 'and':
      for (const child of node.children) if (!holds(child, scan, text)) return false;
      return true;
    case 'or':
      for (const child of node.children) if (holds(child, scan, text)) return true;
      return false;
    case 'not':
      return !holds(node.child, scan, text);
  }
}

/** Roughly how much evaluating a node costs: the scan answers for words and phrases; the item's text is searched for the rest. */
function costOf(node: ScanNode): number {
  switch (node.kind) {
    case 'key':
      return 0;
    case 'sequence':
      return 1;
    case 'text':
      return 3;
    case 'and':
    case 'or':
      return Math.max(...node.children.map(costOf));
    case 'not':
      return costOf(node.child);
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
