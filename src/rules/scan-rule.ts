/**
 * A rule as a rule index evaluates it: words, prefixes and phrases answered by the item's scan (item-scan.ts), only
 * literals (`c++`) and regular expressions looked for in the item's text, and regular expressions only when the
 * scan's trigrams say the item may hold their required literals. Children are ordered cheapest first, which changes
 * no verdict; the verdicts are evaluateRule's.
 *
 * Every node is one class with the same fields, whatever its kind, so that evaluation, which visits hundreds of
 * rules per item, reads them all the same way (objects of many shapes make every property read a slow lookup).
 */
import type { RuleNode, TermNode } from './ast.ts';
import { fieldMask, fieldsOfTerm } from './fields.ts';
import type { ItemScan } from './item-scan.ts';
import { trigramsOf } from './item-scan.ts';
import type { ItemText } from './item-text.ts';
import { findTerm } from './match-term.ts';

const KEY = 0;
const SEQUENCE = 1;
const TEXT = 2;
const REGEX = 3;
const AND = 4;
const OR = 5;
const NOT = 6;
/** NOT of a KEY, the commonest exclusion (`-sponsored`), in one node. */
const ABSENT = 7;
/** The KEY and ABSENT children of an AND (ALL) or an OR (ANY), in one node: `kafka -sponsored -title:jobs`. */
const ALL = 8;
const ANY = 9;

const NO_KEYS = new Int32Array(0);
const NO_CHILDREN: readonly ScanRule[] = [];
const NO_LITERALS: ReadonlyArray<readonly Int32Array[]> = [];

export class ScanRule {
  private constructor(
    readonly kind: number,
    /** KEY, ABSENT: the key, found (or not) in `fields`. */
    readonly key: number,
    /** The fields a KEY, SEQUENCE or REGEX looks in, as bits. */
    readonly fields: number,
    /** SEQUENCE: the keys of a phrase's words, in order. ALL, ANY: key, fields, 1 if it must be found (0: absent), for each. */
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
        if (child.kind === KEY) return new ScanRule(ABSENT, child.key, child.fields, NO_KEYS, NO_CHILDREN, null, NO_LITERALS);
        return new ScanRule(NOT, -1, 0, NO_KEYS, [child], null, NO_LITERALS);
      }
      case 'and':
      case 'or': {
        const kind = node.kind === 'and' ? AND : OR;
        const children = node.children.map((child) => ScanRule.of(child, scan));
        const lookups = children.filter((child) => child.kind === KEY || child.kind === ABSENT);
        if (lookups.length < 2) return new ScanRule(kind, -1, 0, NO_KEYS, cheapestFirst(children), null, NO_LITERALS);
        const keys = new Int32Array(3 * lookups.length);
        for (const [index, child] of lookups.entries()) keys.set([child.key, child.fields, child.kind === KEY ? 1 : 0], 3 * index);
        const grouped = new ScanRule(kind === AND ? ALL : ANY, -1, 0, keys, NO_CHILDREN, null, NO_LITERALS);
        const others = children.filter((child) => !lookups.includes(child));
        if (others.length === 0) return grouped;
        return new ScanRule(kind, -1, 0, NO_KEYS, cheapestFirst([grouped, ...others]), null, NO_LITERALS);
      }
    }
  }

  private static ofTerm(term: TermNode, scan: ItemScan): ScanRule {
    const fields = fieldsOfTerm(term.field);
    const bits = fieldMask(fields);
    const { matcher } = term;
    switch (matcher.kind) {
      case 'word':
        return new ScanRule(KEY, scan.wordKey(matcher.word, fields), bits, NO_KEYS, NO_CHILDREN, null, NO_LITERALS);
      case 'prefix':
        return new ScanRule(KEY, scan.prefixKey(matcher.prefix, fields), bits, NO_KEYS, NO_CHILDREN, null, NO_LITERALS);
      case 'phrase': {
        if (matcher.words.length === 0) return ScanRule.text(term, bits);
        const keys = new Int32Array(matcher.words.length);
        for (const [index, word] of matcher.words.entries()) keys[index] = scan.wordKey(word, fields);
        return new ScanRule(SEQUENCE, -1, bits, keys, NO_CHILDREN, null, NO_LITERALS);
      }
      case 'literal':
        return ScanRule.text(term, bits);
      case 'regex': {
        if (matcher.literals === null) return ScanRule.text(term, bits);
        scan.watchTrigrams(fields);
        return new ScanRule(REGEX, -1, bits, NO_KEYS, NO_CHILDREN, term, matcher.literals.map((list) => list.map(trigramsOf)));
      }
    }
  }

  private static text(term: TermNode, fields: number): ScanRule {
    return new ScanRule(TEXT, -1, fields, NO_KEYS, NO_CHILDREN, term, NO_LITERALS);
  }

  /** Whether the rule holds for the item `scan` last read, whose text is `text`. */
  holds(scan: ItemScan, text: ItemText): boolean {
    switch (this.kind) {
      case KEY:
        return (scan.fieldsOf(this.key) & this.fields) !== 0;
      case ABSENT:
        return (scan.fieldsOf(this.key) & this.fields) === 0;
      case ALL: {
        const keys = this.keys;
        for (let at = 0; at < keys.length; at += 3) {
          if (((scan.fieldsOf(keys[at]!) & keys[at + 1]!) !== 0 ? 1 : 0) !== keys[at + 2]) return false;
        }
        return true;
      }
      case ANY: {
        const keys = this.keys;
        for (let at = 0; at < keys.length; at += 3) {
          if (((scan.fieldsOf(keys[at]!) & keys[at + 1]!) !== 0 ? 1 : 0) === keys[at + 2]) return true;
        }
        return false;
      }
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
      case KEY:
      case ABSENT:
      case ALL:
      case ANY:
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
