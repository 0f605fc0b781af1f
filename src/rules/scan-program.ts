/**
 * A rule as a rule index evaluates it: a program of numbers, read by one function, in which words, prefixes and
 * phrases are answered by the item's scan (item-scan.ts), only literals (`c++`) and regular expressions are looked for
 * in the item's text, and regular expressions only when the scan's trigrams say the item may hold their required
 * literals. Children are ordered cheapest first, which changes no verdict; the verdicts are evaluateRule's.
 *
 * A program is one Int32Array, so a rule index keeps each rule's program in the postings that lead to it and
 * evaluates it from there, reading on in the array it is already reading: with ten thousand rules, reaching for a
 * tree of objects elsewhere in memory for each rule an item meets was most of evaluation's cost.
 *
 * Every node is `kind, size, ...`, its size counting the whole node, so that the node after it starts at `at + size`:
 * - CLAUSES `...clauses`: an AND of ORs of words and prefixes found or absent (`kafka OR flink -sponsored
 *   -title:jobs`); each clause is how many lookups it has (one must hold), then each lookup's key, fields, and 1 if
 *   the key must be found (0: absent). Words, prefixes, and the ANDs, ORs and NOTs of them that form such a clause
 *   list, are one CLAUSES node, not a node each.
 * - SEQUENCE `fields, ...keys`: a phrase's words, in order, in one unit of the fields.
 * - TEXT `term`: a term searched for in the text (the term's number in the index's terms).
 * - REGEX `term, fields, lists, then each list: literals, then each literal: trigrams, ...trigrams`: a regular
 *   expression, run only if for each list of required literals the fields may hold one of them.
 * - AND, OR `...children`; NOT `child`.
 */
import type { RuleNode, TermNode } from './ast.ts';
import { fieldMask, fieldsOfTerm } from './fields.ts';
import type { ItemScan } from './item-scan.ts';
import { trigramsOf } from './item-scan.ts';
import type { ItemText } from './item-text.ts';
import { findTerm } from './match-term.ts';

const CLAUSES = 0;
const SEQUENCE = 1;
const TEXT = 2;
const REGEX = 3;
const AND = 4;
const OR = 5;
const NOT = 6;

/** Where a CLAUSES node's clauses, and every node's payload, start. */
const HEADER = 2;

/**
 * Compiles a rule's tree into its program against `scan`, registering there the words and prefixes it looks for;
 * the terms it searches the text for are added to `terms`, which evaluation is given.
 */
export function compileScanProgram(node: RuleNode, scan: ItemScan, terms: TermNode[]): Int32Array {
  return new Int32Array(compile(node, scan, terms));
}

/** Whether the program's node at `at` holds for the item `scan` last read, whose text is `text`. */
export function programHolds(program: Int32Array, at: number, scan: ItemScan, text: ItemText, terms: readonly TermNode[]): boolean {
  const end = at + program[at + 1]!;
  switch (program[at]) {
    case CLAUSES:
      return clausesHold(program, at + HEADER, end, scan);
    case SEQUENCE:
      return scan.hasSequence(program, at + HEADER + 1, end, program[at + HEADER]!);
    case TEXT:
      return findTerm(terms[program[at + HEADER]!]!, text) !== undefined;
    case REGEX:
      return mayHoldLiterals(program, at, scan) && findTerm(terms[program[at + HEADER]!]!, text) !== undefined;
    case AND:
      for (let child = at + HEADER; child < end; child += program[child + 1]!) if (!programHolds(program, child, scan, text, terms)) return false;
      return true;
    case OR:
      for (let child = at + HEADER; child < end; child += program[child + 1]!) if (programHolds(program, child, scan, text, terms)) return true;
      return false;
    default:
      return !programHolds(program, at + HEADER, scan, text, terms);
  }
}

/** Whether every clause from `start` to `end` (a CLAUSES node's) holds for the item `scan` last read. */
function clausesHold(program: Int32Array, start: number, end: number, scan: ItemScan): boolean {
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

/** Whether the item may hold one literal of each of the REGEX node's lists, in its fields. */
function mayHoldLiterals(program: Int32Array, at: number, scan: ItemScan): boolean {
  const fields = program[at + HEADER + 1]!;
  let list = at + HEADER + 3;
  for (let lists = program[at + HEADER + 2]!; lists > 0; lists--) {
    let some = false;
    let literal = list + 1;
    for (let literals = program[list]!; literals > 0; literals--) {
      const next = literal + 1 + program[literal]!;
      some ||= scan.mayHoldAll(program, literal + 1, next, fields);
      literal = next;
    }
    if (!some) return false;
    list = literal;
  }
  return true;
}

/** A node: its kind and size, then `payload`. */
function node(kind: number, payload: readonly number[]): number[] {
  const built = [kind, HEADER + payload.length];
  for (const value of payload) built.push(value);
  return built;
}

function compile(rule: RuleNode, scan: ItemScan, terms: TermNode[]): number[] {
  switch (rule.kind) {
    case 'term':
      return compileTerm(rule, scan, terms);
    case 'scope':
      return compile(rule.child, scan, terms);
    case 'not': {
      const child = compile(rule.child, scan, terms);
      // NOT of one OR of lookups is the AND of their opposites.
      return isOneClause(child) ? node(CLAUSES, opposites(child)) : node(NOT, child);
    }
    case 'and':
    case 'or': {
      const and = rule.kind === 'and';
      const lookups: number[][] = [];
      const others: number[][] = [];
      for (const child of rule.children) {
        const built = compile(child, scan, terms);
        // An AND takes in every child's clauses; an OR, those of the children that are one clause.
        if (and ? built[0] === CLAUSES : isOneClause(built)) lookups.push(built);
        else others.push(built);
      }
      if (lookups.length === 0) return combined(and, others);
      const grouped = lookups.length === 1 ? lookups[0]! : node(CLAUSES, and ? allClausesOf(lookups) : oneClauseOf(lookups));
      if (others.length === 0) return grouped;
      others.push(grouped);
      return combined(and, others);
    }
  }
}

function combined(and: boolean, children: number[][]): number[] {
  if (children.length === 1) return children[0]!;
  return node(and ? AND : OR, concatenated(cheapestFirst(children), 0));
}

/** The parts of `parts` from `start` in each, one after another. */
function concatenated(parts: readonly number[][], start: number): number[] {
  const all: number[] = [];
  for (const part of parts) for (let at = start; at < part.length; at++) all.push(part[at]!);
  return all;
}

function compileTerm(term: TermNode, scan: ItemScan, terms: TermNode[]): number[] {
  const fields = fieldsOfTerm(term.field);
  const bits = fieldMask(fields);
  const { matcher } = term;
  switch (matcher.kind) {
    case 'word':
      return node(CLAUSES, [1, scan.wordKey(matcher.word, fields), bits, 1]);
    case 'prefix':
      return node(CLAUSES, [1, scan.prefixKey(matcher.prefix, fields), bits, 1]);
    case 'phrase':
      if (matcher.words.length === 0) return node(TEXT, [numberOf(term, terms)]);
      return node(SEQUENCE, [bits, ...matcher.words.map((word) => scan.wordKey(word, fields))]);
    case 'literal':
      return node(TEXT, [numberOf(term, terms)]);
    case 'regex': {
      if (matcher.literals === null) return node(TEXT, [numberOf(term, terms)]);
      scan.watchTrigrams(fields);
      const payload = [numberOf(term, terms), bits, matcher.literals.length];
      for (const list of matcher.literals) {
        payload.push(list.length);
        for (const literal of list) {
          const trigrams = trigramsOf(literal);
          payload.push(trigrams.length, ...trigrams);
        }
      }
      return node(REGEX, payload);
    }
  }
}

function numberOf(term: TermNode, terms: TermNode[]): number {
  terms.push(term);
  return terms.length - 1;
}

/** Whether a node is one clause: an OR of lookups (or one lookup). */
function isOneClause(built: readonly number[]): boolean {
  return built[0] === CLAUSES && HEADER + 1 + 3 * built[HEADER]! === built.length;
}

/** The clauses of several CLAUSES nodes, all together (their AND). */
function allClausesOf(nodes: readonly number[][]): number[] {
  return concatenated(nodes, HEADER);
}

/** One clause of the lookups of several one-clause nodes (their OR). */
function oneClauseOf(nodes: readonly number[][]): number[] {
  const clause = concatenated(nodes, HEADER);
  // Each node was one clause: its count of lookups, then the lookups. The counts go, and their sum goes first.
  let lookups = 0;
  let to = 1;
  for (let at = 0; at < clause.length; ) {
    const count = clause[at++]!;
    lookups += count;
    for (let end = at + 3 * count; at < end; ) clause[to++] = clause[at++]!;
  }
  clause.length = to;
  clause[0] = lookups;
  return clause;
}

/** The NOT of a one-clause node (an OR of lookups): the AND of their opposites, one clause each. */
function opposites(clause: readonly number[]): number[] {
  const clauses: number[] = [];
  for (let at = HEADER + 1; at < clause.length; at += 3) clauses.push(1, clause[at]!, clause[at + 1]!, 1 - clause[at + 2]!);
  return clauses;
}

/** Roughly how much evaluating a node costs: the scan answers for words and phrases; the text is searched for the rest. */
function costOf(program: readonly number[], at: number): number {
  switch (program[at]) {
    case CLAUSES:
      return 0;
    case SEQUENCE:
      return 1;
    case TEXT:
    case REGEX:
      return 3;
    default: {
      let cost = 0;
      for (let child = at + HEADER; child < at + program[at + 1]!; child += program[child + 1]!) cost = Math.max(cost, costOf(program, child));
      return cost;
    }
  }
}

/** Orders nodes cheapest first, in place and keeping the order of equals: most have two or three (sort would copy). */
function cheapestFirst(children: number[][]): number[][] {
  const costs = children.map((child) => costOf(child, 0));
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
