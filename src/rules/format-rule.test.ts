import { describe, it, expect } from 'vitest';
import { compileRule } from './compile-rule.ts';
import { formatRule } from './format-rule.ts';

describe('formatRule', () => {
  it.each([
    ['', ''],
    ['  kafka   OR  "event   streaming" ', 'kafka OR "event streaming"'],
    ['title:rust -title:"rust belt"', 'title:rust -title:"rust belt"'],
    ['category:kubernetes AND NOT sponsored', 'category:kubernetes -sponsored'],
    ['a AND (b OR c)', 'a (b OR c)'],
    ['(a AND b) OR c', 'a b OR c'],
    ['((a))', 'a'],
    ['NOT (a OR b)', '-(a OR b)'],
    ['NOT NOT a', 'a'],
    ['TITLE:(rust OR go)', 'title:(rust OR go)'],
    ['title:(rust)', 'title:rust'],
    ['-title:(rust -belt)', '-title:(rust -belt)'],
    ['title:(rust summary)', 'title:(rust summary)'],
    ['kube*', 'kube*'],
    ['rust, go.', 'rust go'],
    ['“smart quotes”', '"smart quotes"'],
    ['title:AND', 'title:"AND"'],
    ['--AND', '"AND"'],
    ['Café c++ .NET node.js', 'Café c++ .NET node.js'],
    ['link:https://example.com/a?b=c', 'link:https://example.com/a?b=c'],
  ])('formats %j as %j', (source, canonical) => {
    expect(formatRule(compileRule(source))).toBe(canonical);
  });

  it.each([
    'kafka OR "event streaming"',
    'a (b OR -c) OR NOT (d e) f',
    '-title:(rust OR go) summary:"x y" OR --AND',
    'title:(a (b OR c) -d)',
  ])('formats %j to text that compiles back to the same rule', (source) => {
    const canonical = formatRule(compileRule(source));
    expect(formatRule(compileRule(canonical))).toBe(canonical);
  });
});
