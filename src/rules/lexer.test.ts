import { describe, it, expect } from 'vitest';
import { lexRule, type Token } from './lexer.ts';
import { RuleSyntaxError } from './rule-syntax-error.ts';
import { catchError } from '../../test/support/catch-error.ts';

/** `kind:text@position`, short enough to read a whole token list on one line. */
function show(token: Token): string {
  switch (token.kind) {
    case 'word':
    case 'phrase':
      return `${token.kind}:${token.text}@${token.position}`;
    case 'regex':
      return `regex:${token.pattern}/${token.flags}@${token.position}`;
    case 'field':
      return `field:${token.field}@${token.position}`;
    default:
      return `${token.kind}@${token.position}`;
  }
}

describe('lexRule', () => {
  it.each([
    ['', []],
    ['   ', []],
    ['kafka', ['word:kafka@0']],
    ['kafka OR "event streaming"', ['word:kafka@0', 'or@6', 'phrase:event streaming@9']],
    ['a AND b', ['word:a@0', 'and@2', 'word:b@6']],
    ['a and b', ['word:a@0', 'word:and@2', 'word:b@6']],
    ['NOT x', ['not@0', 'word:x@4']],
    ['Not x', ['word:Not@0', 'word:x@4']],
    ['-x', ['minus@0', 'word:x@1']],
    ['--x', ['minus@0', 'minus@1', 'word:x@2']],
    ['event-driven', ['word:event-driven@0']],
    ['(a OR b)', ['lparen@0', 'word:a@1', 'or@3', 'word:b@6', 'rparen@7']],
    ['title:rust', ['field:title@0', 'word:rust@6']],
    ['TITLE:rust', ['field:title@0', 'word:rust@6']],
    ['-title:"rust belt"', ['minus@0', 'field:title@1', 'phrase:rust belt@7']],
    ['title:(rust OR go)', ['field:title@0', 'lparen@6', 'word:rust@7', 'or@12', 'word:go@15', 'rparen@17']],
    // Glued to a field or a minus, AND/OR/NOT are words.
    ['title:AND -OR', ['field:title@0', 'word:AND@6', 'minus@10', 'word:OR@11']],
    ['title:summary:x', ['field:title@0', 'field:summary@6', 'word:x@14']],
    ['kube*', ['word:kube*@0']],
    ['c++ .net node.js', ['word:c++@0', 'word:.net@4', 'word:node.js@9']],
    ['link:https://example.com/a', ['field:link@0', 'word:https://example.com/a@5']],
    ['https://example.com', ['word:https://example.com@0']],
    ['std::vector 10:30', ['word:std::vector@0', 'word:10:30@12']],
    ['“smart quotes”', ['phrase:smart quotes@0']],
    ['„Zitat“', ['phrase:Zitat@0']],
    ['a"b"c', ['word:a@0', 'phrase:b@1', 'word:c@4']],
    ['title:/\\bk8s\\b/i', ['field:title@0', 'regex:\\bk8s\\b/i@6']],
    ['/a[/]b/ x', ['regex:a[/]b/@0', 'word:x@8']],
    ['/a\\/b/', ['regex:a\\/b/@0']],
    ['a\n\tb', ['word:a@0', 'word:b@3']],
  ])('lexes %j', (source, expected) => {
    expect(lexRule(source).map(show)).toEqual(expected);
  });

  it.each([
    ['kafka "event streaming', 6, 'Unclosed quote'],
    ['"', 0, 'Unclosed quote'],
    ['""', 0, 'Empty phrase'],
    ['a "  " b', 2, 'Empty phrase'],
    ['titel:x', 0, 'Unknown field titel:'],
    ['a foo:bar', 2, 'Unknown field foo:'],
    ['title:', 0, 'Nothing after title:'],
    ['title: rust', 0, 'Nothing after title:'],
    ['(title:)', 1, 'Nothing after title:'],
    ['a -', 2, 'Nothing after -'],
    ['a - b', 2, 'Nothing after -'],
    ['(a -)', 3, 'Nothing after -'],
    ['title:-rust', 6, 'Misplaced -'],
    ['/k8s', 0, 'Unclosed regular expression'],
  ])('refuses %j at position %i', (source, position, problem) => {
    const error = catchRuleError(() => lexRule(source));
    expect(error).toBeInstanceOf(RuleSyntaxError);
    expect(error).toMatchObject({ position, code: 'rule-syntax' });
    expect(error.message.startsWith(problem)).toBe(true);
  });

  it.each([
    ['titel:x', 'did you mean title:?'],
    ['categories:rust', 'did you mean category:?'],
    ['tag:rust', 'did you mean category:?'],
    ['foo:bar', 'put it in quotes: "foo:bar"'],
    ['title:-rust', 'like -title:rust'],
  ])('hints for %j', (source, hint) => {
    expect(catchRuleError(() => lexRule(source)).hint).toContain(hint);
  });
});

function catchRuleError(run: () => unknown): RuleSyntaxError {
  return catchError(run, RuleSyntaxError);
}
