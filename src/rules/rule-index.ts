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
import { compileScanProgram, programHolds } from './scan-program.ts';
import { isStandaloneWordChar, wordSpans } from './words.ts';

export type IndexKey =
  | { readonly kind: 'word'; readonly word: string; readonly fields: readonly FieldName[] }
  | { readonly kind: 'prefix'; readonly prefix: string; readonly fields: readonly FieldName[] };

/** How the index holds a rule: the keys one of which it needs, or else those whose absence makes it true, and whether its lookup decides it. */
interface IndexPlan {
  readonly required: readonly IndexKey[] | null;
  readonly excluded: readonly IndexKey[] | null;
  readonly exact: boolean;
}

/** Rules are compiled once and indexed often (whenever a channel's rules change): their plans are kept. */
const planOfRule = new WeakMap<CompiledRule, IndexPlan>();

function planOf(rule: CompiledRule): IndexPlan {
  let plan = planOfRule.get(rule);
  if (plan === undefined) {
    const required = rule.tree === null ? null : keysOfNode(rule.tree, 'present');
    const excluded = rule.tree === null || required !== null ? null : keysOfNode(rule.tree, 'absent');
    plan = { required, excluded, exact: rule.tree !== null && required !== null && isExact(rule.tree) };
    planOfRule.set(rule, plan);
  }
  return plan;
}

/** The keys an item must contain one of for `rule` to match it; null when it has none (the plain path). */
export function requiredKeys(rule: CompiledRule): readonly IndexKey[] | null {
  return planOf(rule).required;
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
 * A posting: a rule's position, whether the rule is decided by its lookup alone (exact), and the fields its key
 * counts in, as one number: position << 8 | exact << 7 | field bits. A rule that is not exact is evaluated from its
 * posting: its program (scan-program.ts) follows the posting, so deciding it reads on in the same array.
 */
const FIELD_BITS = 7;
const EXACT_BIT = 1 << FIELD_BITS;
const POSITION_SHIFT = FIELD_BITS + 1;
const MAX_RULES = 2 ** (31 - POSITION_SHIFT);
const NO_POSTINGS = new Int32Array(0);

export class RuleIndex<T> {
  private readonly values: T[] = [];
  /** The terms the programs search the text for, by their number in the programs. */
  private readonly terms: TermNode[] = [];
  private readonly scan = new ItemScan();
  /** By key: the postings of the rules it keys, as added; `postings` holds them packed for reading. */
  private readonly growingPostings: number[][] = [];
  private postings: Int32Array[] = [];
  private postingsStale = false;
  /** Evaluated on every item. */
  private readonly plain: number[] = [];
  /** Their programs, in the same order (the other rules' programs are in their postings). */
  private readonly plainPrograms: Int32Array[] = [];
  /** Empty rules: they match every item. */
  private readonly always: number[] = [];
  /** Rules of exclusions: they match every item in which none of their keys is found. */
  private readonly unless: number[] = [];
  /** The rules met by the item being decided. */
  private readonly met = new GenerationStamps();
  /** The rules matching the item being decided, one bit each: read in order, they need no sorting. */
  private matchedBits = new Uint32Array(1);

  /** Rules evaluated on every item: neither keyed, nor empty, nor exclusions only. */
  get plainCount(): number {
    return this.plain.length;
  }

  get size(): number {
    return this.values.length;
  }

  add(value: T, rule: CompiledRule): void {
    const position = this.values.length;
    if (position >= MAX_RULES) throw new RangeError(`a rule index holds at most ${MAX_RULES.toLocaleString('en')} rules`);
    this.values.push(value);
    const { required, excluded, exact: decidedByLookup } = planOf(rule);
    // A rule its lookup decides is never evaluated: it needs no program.
    const program = rule.tree === null || decidedByLookup ? null : compileScanProgram(rule.tree, this.scan, this.terms);
    if (rule.tree === null) {
      this.always.push(position);
      return;
    }
    if (required === null && excluded === null) {
      this.plain.push(position);
      this.plainPrograms.push(program!);
      return;
    }
    if (excluded !== null) this.unless.push(position);
    // Rules that match exactly the items holding one of their keys in its fields (`kafka OR kube*`) are never evaluated.
    const exact = decidedByLookup ? EXACT_BIT : 0;
    for (const key of required ?? excluded ?? []) {
      const id = key.kind === 'word' ? this.scan.wordKey(key.word, key.fields) : this.scan.prefixKey(key.prefix, key.fields);
      while (this.growingPostings.length <= id) this.growingPostings.push([]);
      const list = this.growingPostings[id]!;
      list.push((position << POSITION_SHIFT) | exact | fieldMask(key.fields));
      if (program !== null) for (let at = 0; at < program.length; at++) list.push(program[at]!);
    }
    this.postingsStale = true;
  }

  /** The values whose rule matches `text`, in the order they were added. */
  matching(text: ItemText): T[] {
    return this.decide(text).matched as T[];
  }

  decide(text: ItemText): IndexDecision<T> {
    const postings = this.readablePostings();
    const met = this.met;
    met.clear(this.values.length);
    const bits = this.clearedMatchedBits();
    const scan = this.scan;
    scan.scan(text);
    let evaluated = 0;
    let decidedByLookup = this.always.length;
    // Each rule is marked at most once (the postings' through `met`), so the marks can be counted as they are made.
    let matches = this.always.length;
    for (const position of this.always) bits[position >>> 5]! |= 1 << (position & 31);
    const terms = this.terms;
    for (let index = 0; index < this.plain.length; index++) {
      evaluated++;
      if (!programHolds(this.plainPrograms[index]!, 0, scan, text, terms)) continue;
      const position = this.plain[index]!;
      bits[position >>> 5]! |= 1 << (position & 31);
      matches++;
    }
    // A key counts only where it is found in one of its fields: `title:rust` is not keyed by a "rust" in the content.
    const found = scan.found();
    for (let index = 0; index < found.length; index++) {
      const key = found[index]!;
      const list = postings[key] ?? NO_POSTINGS;
      const fields = scan.fieldsOf(key);
      for (let at = 0; at < list.length; ) {
        const posting = list[at++]!;
        const program = at;
        // A program's first node is the whole program: its size is the program's.
        if ((posting & EXACT_BIT) === 0) at += list[at + 1]!;
        if ((posting & fields) === 0) continue;
        const position = posting >>> POSITION_SHIFT;
        if (!met.mark(position)) continue;
        if ((posting & EXACT_BIT) !== 0) decidedByLookup++;
        else {
          evaluated++;
          if (!programHolds(list, program, scan, text, terms)) continue;
        }
        bits[position >>> 5]! |= 1 << (position & 31);
        matches++;
      }
    }
    // A rule of exclusions whose key was found has been evaluated; the others surely match.
    for (const position of this.unless) {
      if (met.has(position)) continue;
      decidedByLookup++;
      bits[position >>> 5]! |= 1 << (position & 31);
      matches++;
    }
    return { matched: this.valuesOf(bits, matches), evaluated, decidedByLookup };
  }

  private readablePostings(): readonly Int32Array[] {
    if (this.postingsStale) {
      this.postings = this.growingPostings.map((list) => new Int32Array(list));
      this.postingsStale = false;
    }
    return this.postings;
  }

  private clearedMatchedBits(): Uint32Array {
    const words = (this.values.length + 31) >>> 5;
    if (this.matchedBits.length < words) this.matchedBits = new Uint32Array(words);
    else this.matchedBits.fill(0);
    return this.matchedBits;
  }

  /** The values of the `count` rules marked in `bits`, in order (an array made at its size: it is most of what routing allocates). */
  private valuesOf(bits: Uint32Array, count: number): T[] {
    const values = new Array<T>(count);
    let next = 0;
    for (let word = 0; word < bits.length; word++) {
      let set = bits[word]!;
      while (set !== 0) {
        const bit = 31 - Math.clz32(set & -set);
        values[next++] = this.values[(word << 5) + bit]!;
        set &= set - 1;
      }
    }
    return values;
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
