/**
 * A rule as a rule index evaluates it: words, prefixes and phrases answered by the item's scan (item-scan.ts), only
 * literals (`c++`) and regular expressions looked for in the item's text, and regular expressions only when the
 * scan's trigrams say the item may hold their required literals. Children are ordered cheapest first, which changes
 * no verdict; the verdicts are evaluateRule's.
 *
 * Every node is one class with the same fields, whatever its kind, so that evaluation, which visits hundreds of
 * rules per item, reads them all the same way (objects of many shapes make every property read a slow lookup).
 * Words and prefixes, found or absent, and the ANDs, ORs and NOTs of them that are an AND of ORs (`kafka OR
 * flink -sponsored -title:jobs`), are one CLAUSES node read from one typed array, not a node each.
 */
import type { RuleNode, TermNode } from './ast.ts';
import { fieldMask, fieldsOfTerm } from './fields.ts';
import type { ItemScan } from './item-scan.ts';
import { trigramsOf } from './item-scan.ts';
import type { ItemText } from './item-text.ts';
import { findTerm } from './match-term.ts';

/** An AND of ORs of words and prefixes found or absent: see `keys`. */
const CLAUSES = 0;
const SEQUENCE = 1;
const TEXT = 2;
const REGEX = 3;
const AND = 4;
const OR = 5;
const NOT = 6;

const NO_KEYS = new Int32Array(0);
const NO_CHILDREN: readonly ScanRule[] = [];
const NO_LITERALS: ReadonlyArray<readonly Int32Array[]> = [];

export class ScanRule {
  private constructor(
    readonly kind: number,
    /** The fields a SEQUENCE or REGEX looks in, as bits. */
    readonly fields: number,
    /**
     * SEQUENCE: the keys of a phrase's words, in order. CLAUSES: for each clause (all must hold), how many lookups it
     * has (one must hold), then each lookup's key, fields, and 1 if it must be found (0: absent).
     */
    readonly keys: Int32Array,
    /** AND, OR: the children; NOT: the one child. */
    readonly children: readonly ScanRule[],
    /** TEXT, REGEX: the term, searched for in the text. */
    readonly term: TermNode | null,
    /** REGEX: for each list of required literals, each literal's trigrams. */
    readonly literals: ReadonlyArray<readonly Int32Array[]>,
  ) {}

  /** Builds a rule's tree against `scan`, registering the words and prefixes it looks for there. */
  static of(node: RuleNode, scan: ItemScan): ScanRule {
    switch (node.kind) {
      case 'term':
        return ScanRule.ofTerm(node, scan);
      case 'scope':
        return ScanRule.of(node.child, scan);
      case 'not': {
        const child = ScanRule.of(node.child, scan);
        // NOT of one OR of lookups is the AND of their opposites.
        if (isOneClause(child)) return ScanRule.clauses(opposites(child.keys));
        return new ScanRule(NOT, 0, NO_KEYS, [child], null, NO_LITERALS);
      }
      case 'and':
      case 'or': {
        const and = node.kind === 'and';
        const lookups: Int32Array[] = [];
        const others: ScanRule[] = [];
        for (const child of node.children) {
          const built = ScanRule.of(child, scan);
          // An AND takes in every child's clauses; an OR, those of the children that are one clause.
          if (and ? built.kind === CLAUSES : isOneClause(built)) lookups.push(built.keys);
          else others.push(built);
        }
        if (lookups.length === 0) return ScanRule.combined(and, others);
        const grouped = ScanRule.clauses(lookups.length === 1 ? lookups[0]! : and ? concatenated(lookups) : oneClause(lookups));
        if (others.length === 0) return grouped;
        others.push(grouped);
        return ScanRule.combined(and, others);
      }
    }
  }

  private static combined(and: boolean, children: ScanRule[]): ScanRule {
    if (children.length === 1) return children[0]!;
    return new ScanRule(and ? AND : OR, 0, NO_KEYS, cheapestFirst(children), null, NO_LITERALS);
  }

  private static clauses(keys: Int32Array): ScanRule {
    return new ScanRule(CLAUSES, 0, keys, NO_CHILDREN, null, NO_LITERALS);
  }

  /** A word or prefix (its key) found in some of `fields`: one clause of one lookup. */
  private static found(key: number, fields: number): ScanRule {
    return ScanRule.clauses(Int32Array.of(1, key, fields, 1));
  }

  private static ofTerm(term: TermNode, scan: ItemScan): ScanRule {
    const fields = fieldsOfTerm(term.field);
    const bits = fieldMask(fields);
    const { matcher } = term;
    switch (matcher.kind) {
      case 'word':
        return ScanRule.found(scan.wordKey(matcher.word, fields), bits);
      case 'prefix':
        return ScanRule.found(scan.prefixKey(matcher.prefix, fields), bits);
      case 'phrase': {
        if (matcher.words.length === 0) return ScanRule.text(term, bits);
        const keys = new Int32Array(matcher.words.length);
        for (const [index, word] of matcher.words.entries()) keys[index] = scan.wordKey(word, fields);
        return new ScanRule(SEQUENCE, bits, keys, NO_CHILDREN, null, NO_LITERALS);
      }
      case 'literal':
        return ScanRule.text(term, bits);
      case 'regex': {
        if (matcher.literals === null) return ScanRule.text(term, bits);
        scan.watchTrigrams(fields);
        return new ScanRule(REGEX, bits, NO_KEYS, NO_CHILDREN, term, matcher.literals.map((list) => list.map(trigramsOf)));
      }
    }
  }

  private static text(term: TermNode, fields: number): ScanRule {
    return new ScanRule(TEXT, fields, NO_KEYS, NO_CHILDREN, term, NO_LITERALS);
  }

  /** Whether the rule holds for the item `scan` last read, whose text is `text`. */
  holds(scan: ItemScan, text: ItemText): boolean {
    switch (this.kind) {
      case CLAUSES:
        return clausesHold(this.keys, 0, this.keys.length, scan);
      case SEQUENCE:
        return scan.hasSequence(this.keys, this.fields);
      case TEXT:
        return findTerm(this.term!, text) !== undefined;
      case REGEX:
        return this.mayHoldLiterals(scan) && findTerm(this.term!, text) !== undefined;
      case AND: {
        const children = this.children;
        for (let index = 0; index < children.length; index++) if (!children[index]!.holds(scan, text)) return false;
        return true;
      }
      case OR: {
        const children = this.children;
        for (let index = 0; index < children.length; index++) if (children[index]!.holds(scan, text)) return true;
        return false;
      }
      default:
        return !this.children[0]!.holds(scan, text);
    }
  }

  /** The clauses (see `keys`) when the whole rule is one CLAUSES node, else null. */
  get clauses(): Int32Array | null {
    return this.kind === CLAUSES ? this.keys : null;
  }

  /** Whether the item may hold one literal of each of the regular expression's lists. */
  private mayHoldLiterals(scan: ItemScan): boolean {
    for (const list of this.literals) {
      let some = false;
      for (let index = 0; index < list.length && !some; index++) some = scan.mayHoldAll(list[index]!, this.fields);
      if (!some) return false;
    }
    return true;
  }

  /** Roughly how much evaluating the node costs: the scan answers for words and phrases; the text is searched for the rest. */
  cost(): number {
    switch (this.kind) {
      case CLAUSES:
        return 0;
      case SEQUENCE:
        return 1;
      case TEXT:
      case REGEX:
        return 3;
      default:
        return Math.max(...this.children.map((child) => child.cost()));
    }
  }
}

/**
 * Whether every clause in `program` from `start` to `end` (laid out as CLAUSES' `keys`) holds for the item `scan`
 * last read. A rule index also keeps such clauses in its postings, where they are read with the posting.
 */
export function clausesHold(program: Int32Array, start: number, end: number, scan: ItemScan): boolean {
  let at = start;
  while (at < end) {
    const clauseEnd = at + 1 + 3 * program[at]!;
    let holds = false;
    for (at++; at < clauseEnd && !holds; at += 3) holds = ((scan.fieldsOf(program[at]!) & program[at + 1]!) !== 0 ? 1 : 0) === program[at + 2];
    if (!holds) return false;
    at = clauseEnd;
  }
  return true;
}

/** Whether a node is one clause: an OR of lookups (or one lookup). */
function isOneClause(node: ScanRule): boolean {
  return node.kind === CLAUSES && 1 + 3 * node.keys[0]! === node.keys.length;
}

/** The clauses of several CLAUSES nodes' `keys`, all together (their AND). */
function concatenated(parts: readonly Int32Array[]): Int32Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const keys = new Int32Array(length);
  let at = 0;
  for (const part of parts) {
    keys.set(part, at);
    at += part.length;
  }
  return keys;
}

/** One clause of the lookups of several one-clause `keys` (their OR). */
function oneClause(parts: readonly Int32Array[]): Int32Array {
  let lookups = 0;
  for (const part of parts) lookups += part[0]!;
  const keys = new Int32Array(1 + 3 * lookups);
  keys[0] = lookups;
  let at = 1;
  for (const part of parts) {
    keys.set(part.subarray(1), at);
    at += part.length - 1;
  }
  return keys;
}

/** The NOT of one clause's `keys` (an OR of lookups): the AND of their opposites, one clause each. */
function opposites(clause: Int32Array): Int32Array {
  const keys = new Int32Array(4 * clause[0]!);
  for (let at = 1, to = 0; at < clause.length; at += 3, to += 4) {
    keys[to] = 1;
    keys[to + 1] = clause[at]!;
    keys[to + 2] = clause[at + 1]!;
    keys[to + 3] = 1 - clause[at + 2]!;
  }
  return keys;
}

/** Orders children cheapest first, in place and keeping the order of equals: most have two or three (sort would copy). */
function cheapestFirst(children: ScanRule[]): ScanRule[] {
  const costs = children.map((child) => child.cost());
  for (let index = 1; index < children.length; index++) {
    const [child, cost] = [children[index]!, costs[index]!];
    let at = index;
    for (; at > 0 && costs[at - 1]! > cost; at--) {
      children[at] = children[at - 1]!;
      costs[at] = costs[at - 1]!;
    }
    children[at] = child;
    costs[at] = cost;
  }
  return children;
}
