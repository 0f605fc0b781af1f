import { describe, expect, it } from 'vitest';
import { catchError } from '../../test/support/catch-error.ts';
import { compileRule } from './compile-rule.ts';
import { evaluateRule } from './evaluate-rule.ts';
import type { RuleItem } from './item-text.ts';
import { requiredLiterals } from './regex-term.ts';
import { RuleSyntaxError } from './rule-syntax-error.ts';

function matches(rule: string, fields: Partial<RuleItem>): boolean {
  return evaluateRule(compileRule(rule), { title: '', summary: '', categories: [], ...fields }).matches;
}

describe('regular expression terms', () => {
  it.each([
    ['title:/\\bk8s\\b/i', { title: 'K8s 1.31 is out' }, true],
    ['title:/\\bk8s\\b/i', { title: 'k8sgpt' }, false],
    ['title:/\\bk8s\\b/i', { summary: 'k8s' }, false],
    ['/k8s/', { title: 'K8S' }, false],
    ['/k8s/i', { title: 'K8S' }, true],
    ['/^Show HN/', { title: 'Show HN: a feed bot' }, true],
    ['/^Show HN/', { title: 'Not a Show HN' }, false],
    ['/^beta$/m', { summary: 'release\nbeta\nnotes' }, true],
    ['/^beta$/', { summary: 'release\nbeta\nnotes' }, false],
    ['/release.notes/s', { summary: 'release\nnotes' }, true],
    ['/release.notes/', { summary: 'release\nnotes' }, false],
    ['/\\p{Lu}{3}/u', { title: 'the NSA' }, true],
    ['/\\u00e9t\\u00e9/', { title: 'un été' }, true],
    ['/a\\/b/', { summary: 'a/b' }, true],
    ['category:/^jobs?$/i', { categories: ['Tech', 'Jobs'] }, true],
    ['author:/^jane/i', { author: 'Jane Doe' }, true],
    ['link:/\\/202[45]\\//', { link: 'https://blog.test/2025/post' }, true],
    ['feed:/weekly$/i', { feedTitle: 'Rust Weekly' }, true],
    ['content:/<b>/', { contentHtml: '<p><b>bold</b></p>' }, false],
    ['content:/bold/', { contentHtml: '<p><b>bold</b></p>' }, true],
    // Width: the pattern sees full-width forms made plain.
    ['/kafka/i', { title: 'ＫＡＦＫＡ　ストリーム' }, true],
    ['/KAFKA \\d+/', { title: 'ＫＡＦＫＡ　４' }, true],
    ['rust -title:/sponsor/i', { title: 'Rust (Sponsored)' }, false],
    ['rust -title:/sponsor/i', { title: 'Rust 1.80' }, true],
  ])('%s on %j: %s', (rule, fields, expected) => {
    expect(matches(rule, fields)).toBe(expected);
  });

  it('takes time linear in the text on patterns that stall a backtracking engine', () => {
    const rule = compileRule('/(a+)+$/');
    const started = performance.now();
    expect(evaluateRule(rule, { title: `${'a'.repeat(20_000)}!`, summary: '', categories: [] }).matches).toBe(false);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('says which pattern matched', () => {
    expect(evaluateRule(compileRule('title:/k8s/i'), { title: 'K8s news', summary: '', categories: [] }).reason).toBe('matched /k8s/i in title');
  });

  it.each([
    ['/(na)\\1/', 5, 'Backreference \\1 in a regular expression', 'backreferences cannot run that way'],
    ['title:/(?<w>\\w+) \\k<w>/', 17, 'Backreference \\k<w> in a regular expression', 'backreferences cannot run that way'],
    ['/rust(?! belt)/', 5, 'Lookahead (?! in a regular expression', 'lookaround cannot run that way'],
    ['x /a(?=b)/', 4, 'Lookahead (?= in a regular expression', 'lookaround cannot run that way'],
    ['/(?<=\\$)\\d+/', 1, 'Lookbehind (?<= in a regular expression', 'lookaround cannot run that way'],
    ['/(?<!un)safe/', 1, 'Lookbehind (?<! in a regular expression', 'lookaround cannot run that way'],
    ['/k8s/g', 5, 'Unknown regular expression flag g', 'g and y mean nothing here'],
    ['/k8s/x', 5, 'Unknown regular expression flag x', 'flags are i (ignore case)'],
    ['/k8s/ii', 6, 'Flag i given twice', 'give each flag once'],
    ['//', 0, 'Empty regular expression', 'put a pattern between the slashes'],
    ['/(a/', 1, 'Invalid regular expression: missing closing )', 'fix the pattern'],
    ['/a{1001}/', 2, 'Invalid regular expression: invalid repeat count {1001}', 'repeat counts up to 1000'],
    ['/a**/', 2, 'Invalid regular expression: invalid nested repetition operator **', 'fix the pattern'],
    ['/[z-a]/', 2, 'Invalid regular expression: invalid character class range z-a', 'fix the pattern'],
  ])('refuses %j at position %i: %s', (rule, position, problem, hint) => {
    const error = catchError(() => compileRule(rule), RuleSyntaxError);
    expect(error.position).toBe(position);
    expect(error.message.startsWith(`${problem} at position ${position + 1}`), error.message).toBe(true);
    expect(error.hint).toContain(hint);
  });

  it('says why lookaround is refused, with a caret under it', () => {
    const error = catchError(() => compileRule('title:/rust(?! belt)/'), RuleSyntaxError);
    const [first, caret] = error.userMessage.split('\n') as [string, string];
    expect(first).toBe('Lookahead (?! in a regular expression at position 12: title:/rust(?! belt)/');
    expect(caret.indexOf('^')).toBe(first.lastIndexOf('(?!'));
    expect(caret.trim()).toBe(
      '^ Herald runs regular expressions in linear time so that no rule can stall it, and lookaround cannot run that way; ' +
        'use the rule\'s NOT instead, like title:/rust/ -title:"rust belt" for title:/rust(?! belt)/',
    );
  });
});

describe('requiredLiterals', () => {
  it.each([
    ['kafka', false, [['kafka']]],
    ['Kafka', true, [['kafka']]],
    ['\\bk8s\\b', false, [['k8s']]],
    ['\\b(kafka|pulsar)s?\\b', true, [['kafka', 'pulsar']]],
    ['kafka.{0,20}streams', true, [['kafka'], ['streams']]],
    ['^Show HN', false, [['Show HN']]],
    ['colou?r', false, [['colo']]],
    ['ab+cde', false, [['cde']]],
    ['(?:event )?streaming', false, [['streaming']]],
    ['(?<name>rust)acean', false, [['rust'], ['acean']]],
    ['a\\.net', false, [['a.net']]],
    ['café', true, [['caf']]],
    ['café', false, [['café']]],
    ['😀?abc', false, [['abc']]],
    ['kafka|k8', false, null],
    ['k8s|kubernetes', false, [['k8s', 'kubernetes']]],
    ['k8s|[kK]ube', false, [['k8s', 'ube']]],
    ['k8s|[kK]8', false, null],
    ['[a-z]+', false, null],
    ['(?i)kafka', false, null],
    ['(kafka|pulsar) (streams|functions)', false, [['kafka', 'pulsar'], ['streams', 'functions']]],
    ['(kafka streams|pulsar)x', false, [['kafka streams', 'pulsar']]],
    ['(rust|go) 1\\.', false, [[' 1.']]],
    ['x{', false, null],
    ['\\d{3}-\\d{4}', false, null],
  ])('%s (ignore case: %s) requires one text of each list of %j', (pattern, ignoreCase, literals) => {
    expect(requiredLiterals(pattern, ignoreCase)).toStrictEqual(literals);
  });

  it('never leaves out a text the pattern matches', () => {
    const texts = ['Kafka streams', 'KAFKA', 'ſtreams', 'K8S', 'k8s', 'colour', 'color', 'event streaming', 'streaming', 'rustacean', 'a.net', 'café', 'CAFÉ', '😀abc', 'abc'];
    const patterns = ['kafka', 'streams', 'colou?r', '(?:event )?streaming', '(?<n>rust)acean', 'a\\.net', 'café', '😀?abc', '\\bk8s\\b', 'STREAMS'];
    for (const pattern of patterns) {
      for (const flags of ['', 'i']) {
        const matcher = compileRule(`/${pattern}/${flags}`).terms[0]!.matcher;
        if (matcher.kind !== 'regex') throw new Error('not a regex');
        for (const text of texts) {
          const expected = new RegExp(pattern, `${flags}u`).test(text.normalize('NFKC')) || (flags === 'i' && /streams/i.test(pattern) && text === 'ſtreams');
          expect(matches(`title:/${pattern}/${flags}`, { title: text }), `/${pattern}/${flags} on ${text}`).toBe(expected);
        }
      }
    }
  });
});
