import { describe, it, expect } from 'vitest';
import type { RuleNode } from './ast.ts';
import { MAX_NESTING, parseRule } from './parse-rule.ts';
import { RuleSyntaxError } from './rule-syntax-error.ts';
import { catchError } from '../../test/support/catch-error.ts';

/** The tree with every operator spelled out, so precedence is visible. */
function show(node: RuleNode | null): string {
  if (node === null) return '<everything>';
  switch (node.kind) {
    case 'term': {
      const text = node.quoted ? `"${node.text}"` : `${node.text}${node.wildcard ? '*' : ''}`;
      return node.field === null ? text : `${node.field}:${text}`;
    }
    case 'and':
    case 'or':
      return `${node.kind.toUpperCase()}(${node.children.map(show).join(', ')})`;
    case 'not':
      return `NOT(${show(node.child)})`;
    case 'scope':
      return `SCOPE ${node.field}(${show(node.child)})`;
  }
}

function catchRuleError(run: () => unknown): RuleSyntaxError {
  return catchError(run, RuleSyntaxError);
}

describe('parseRule', () => {
  it.each([
    ['', '<everything>'],
    [' \n\t ', '<everything>'],
    ['kafka', 'kafka'],
    ['kafka OR "event streaming"', 'OR(kafka, "event streaming")'],
    ['a b', 'AND(a, b)'],
    ['a AND b', 'AND(a, b)'],
    ['a and b', 'AND(a, and, b)'],
    ['a or b', 'AND(a, or, b)'],
    // As search boxes read them: NOT binds tightest, then OR; a space or AND joins the rest.
    ['a OR b c', 'AND(OR(a, b), c)'],
    ['a b OR c', 'AND(a, OR(b, c))'],
    ['a AND b OR c AND d', 'AND(a, OR(b, c), d)'],
    ['a OR b OR c d', 'AND(OR(a, b, c), d)'],
    ['kafka OR "event streaming" -title:sponsored', 'AND(OR(kafka, "event streaming"), NOT(title:sponsored))'],
    ['-a OR b c', 'AND(OR(NOT(a), b), c)'],
    ['(a b) OR c', 'OR(AND(a, b), c)'],
    ['NOT a b', 'AND(NOT(a), b)'],
    ['NOT a OR b', 'OR(NOT(a), b)'],
    ['-a OR b', 'OR(NOT(a), b)'],
    ['(a OR b) c', 'AND(OR(a, b), c)'],
    ['NOT (a OR b)', 'NOT(OR(a, b))'],
    ['-(a b)', 'NOT(AND(a, b))'],
    ['NOT NOT a', 'a'],
    ['--a', 'a'],
    ['NOT -a', 'a'],
    ['((a))', 'a'],
    ['a (b c)', 'AND(a, b, c)'],
    ['(a OR b) OR c', 'OR(a, b, c)'],
    ['title:rust -title:"rust belt"', 'AND(title:rust, NOT(title:"rust belt"))'],
    ['category:kubernetes AND NOT sponsored', 'AND(category:kubernetes, NOT(sponsored))'],
    ['title:(rust OR go)', 'SCOPE title(OR(title:rust, title:go))'],
    ['title:(rust)', 'title:rust'],
    ['-title:(rust OR go) kafka', 'AND(NOT(SCOPE title(OR(title:rust, title:go))), kafka)'],
    ['title:(rust -belt)', 'SCOPE title(AND(title:rust, NOT(title:belt)))'],
    ['kube*', 'kube*'],
    ['title:kube* OR feed:"Hacker News"', 'OR(title:kube*, feed:"Hacker News")'],
    ['title:AND', 'title:AND'],
    ['a OR-b', 'AND(a, OR-b)'],
    ['link:https://example.com/x', 'link:https://example.com/x'],
    ['rust, go', 'AND(rust, go)'],
    ['author:"Jane  Doe"', 'author:"Jane Doe"'],
  ])('parses %j as %s', (source, expected) => {
    expect(show(parseRule(source))).toBe(expected);
  });

  const deep = `${'('.repeat(MAX_NESTING + 1)}a${')'.repeat(MAX_NESTING + 1)}`;
  const deepNot = `${'NOT '.repeat(MAX_NESTING + 1)}a`;
  it.each([
    ['kafka "event streaming', 6, 'Unclosed quote', 'add the closing "'],
    ['(a OR b', 0, 'Unclosed parenthesis', 'add the closing )'],
    ['a (b (c)', 2, 'Unclosed parenthesis', 'add the closing )'],
    ['(', 0, 'Unclosed parenthesis', 'add the closing )'],
    ['a)', 1, 'Unexpected )', 'remove it or add a matching ( before it'],
    [')', 0, 'Unexpected )', 'remove it or add a matching ( before it'],
    ['(a) b)', 5, 'Unexpected )', 'remove it or add a matching ( before it'],
    ['()', 0, 'Empty parentheses', 'put terms between ( and ) or remove them'],
    ['a ( ) b', 2, 'Empty parentheses', 'put terms between ( and ) or remove them'],
    ['title:()', 6, 'Empty parentheses', 'put terms between ( and ) or remove them'],
    ['kafka AND', 6, 'Nothing after AND', 'AND joins two terms, like kafka AND streams'],
    ['AND kafka', 0, 'Nothing before AND', 'AND joins two terms, like kafka AND streams'],
    ['kafka OR', 6, 'Nothing after OR', 'OR joins two terms, like kafka OR streams'],
    ['OR kafka', 0, 'Nothing before OR', 'OR joins two terms, like kafka OR streams'],
    ['a OR OR b', 2, 'Nothing after OR', 'OR joins two terms, like kafka OR streams'],
    ['a AND OR b', 2, 'Nothing after AND', 'AND joins two terms, like kafka AND streams'],
    ['(a OR)', 3, 'Nothing after OR', 'OR joins two terms, like kafka OR streams'],
    ['(AND a)', 1, 'Nothing before AND', 'AND joins two terms, like kafka AND streams'],
    ['kafka NOT', 6, 'Nothing after NOT', 'NOT excludes the term after it, like NOT sponsored'],
    ['NOT', 0, 'Nothing after NOT', 'NOT excludes the term after it, like NOT sponsored'],
    ['(NOT) a', 1, 'Nothing after NOT', 'NOT excludes the term after it, like NOT sponsored'],
    ['NOT OR a', 0, 'Nothing after NOT', 'NOT excludes the term after it, like NOT sponsored'],
    ['kafka -', 6, 'Nothing after -', 'put - right before the term to exclude, like -sponsored'],
    ['titel:x', 0, 'Unknown field titel:', 'did you mean title:?'],
    ['rust summry:go', 5, 'Unknown field summry:', 'did you mean summary:?'],
    ['title:', 0, 'Nothing after title:', 'write the term right after the colon, like title:rust or title:"two words"'],
    ['a ""', 2, 'Empty phrase', 'put words between the quotes or remove them'],
    ['"\u0301"', 0, 'Empty phrase', 'put words between the quotes or remove them'],
    ['x'.repeat(1001), 1000, 'Rule too long (1001 characters)', 'keep rules to 1000 characters or fewer'],
    [deep, MAX_NESTING, 'Too deeply nested', `use at most ${MAX_NESTING} levels of parentheses and NOT`],
    [deepNot, MAX_NESTING * 4, 'Too deeply nested', `use at most ${MAX_NESTING} levels of parentheses and NOT`],
    ['title:(summary:x)', 7, 'Field summary: inside title:( )', 'use one field per group, like title:(rust OR go) summary:release'],
    ['title:summary:x', 6, 'Field summary: right after title:', 'use one field per term, like title:rust'],
    ['*', 0, 'Wildcard without a prefix', 'put at least one letter before *, like kube*'],
    ['ku*be', 2, 'Wildcard inside a word', '* works only at the end of a word, like kube*; to search for a *, put the text in quotes'],
    ['kube**', 4, 'Wildcard inside a word', '* works only at the end of a word, like kube*; to search for a *, put the text in quotes'],
    ['\u0301', 0, 'Nothing to search for', 'use letters, digits or symbols in the term'],
    ['kafka\u0000', 5, 'Control character U+0000', 'remove it: a rule holds only text you can see'],
    ['rust -\u001bjobs', 6, 'Control character U+001B', 'remove it: a rule holds only text you can see'],
    ['"a\u0085b"', 2, 'Control character U+0085', 'remove it: a rule holds only text you can see'],
  ])('refuses %j at position %i: %s', (source, position, problem, hint) => {
    const error = catchRuleError(() => parseRule(source));
    expect(error.position).toBe(position);
    expect(error.hint).toBe(hint);
    expect(error.message.startsWith(`${problem} at position ${position + 1}`)).toBe(true);
  });

  it('reads rules stored before migration 004 with the old precedence when asked', () => {
    expect(show(parseRule('a OR b c', 'and-over-or'))).toBe('OR(a, AND(b, c))');
    expect(show(parseRule('a b OR c -d', 'and-over-or'))).toBe('OR(AND(a, b), AND(c, NOT(d)))');
    expect(show(parseRule('(a OR b) c', 'and-over-or'))).toBe('AND(OR(a, b), c)');
  });

  it('accepts a rule of exactly 1000 characters and nesting at the limit', () => {
    expect(() => parseRule(`${'x'.repeat(999)} `)).not.toThrow();
    expect(() => parseRule(`${'('.repeat(MAX_NESTING)}a${')'.repeat(MAX_NESTING)}`)).not.toThrow();
  });
});
