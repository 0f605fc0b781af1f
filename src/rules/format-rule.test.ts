import { describe, it, expect } from 'vitest';
import { compileRule } from './compile-rule.ts';
import { formatReading, formatRule } from './format-rule.ts';

describe('formatRule', () => {
  it.each([
    ['', ''],
    ['  kafka   OR  "event   streaming" ', 'kafka OR "event streaming"'],
    ['title:rust -title:"rust belt"', 'title:rust -title:"rust belt"'],
    ['category:kubernetes AND NOT sponsored', 'category:kubernetes -sponsored'],
    ['a AND (b OR c)', 'a (b OR c)'],
    ['(a AND b) OR c', '(a b) OR c'],
    ['a b OR c', 'a (b OR c)'],
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

/** The fully parenthesised reading /feed list, /feed preview and herald inspect show: precedence made visible. */
describe('formatReading', () => {
  it.each([
    ['', ''],
    ['kafka', 'kafka'],
    ['kafka OR "event streaming" -title:sponsored', '(kafka OR "event streaming") AND NOT title:sponsored'],
    ['a b', 'a AND b'],
    ['a OR b c', '(a OR b) AND c'],
    ['a b OR c', 'a AND (b OR c)'],
    ['a AND b OR c AND d', 'a AND (b OR c) AND d'],
    ['a OR b OR c d', '(a OR b OR c) AND d'],
    ['(a b) OR c', '(a AND b) OR c'],
    ['-a OR b', 'NOT a OR b'],
    ['NOT (a OR b) c', 'NOT (a OR b) AND c'],
    ['-(a b) OR c', 'NOT (a AND b) OR c'],
    ['title:rust -title:"rust belt"', 'title:rust AND NOT title:"rust belt"'],
    ['category:kubernetes AND NOT sponsored', 'category:kubernetes AND NOT sponsored'],
    ['title:(rust OR go) release', 'title:(rust OR go) AND release'],
    ['title:(a b OR c)', 'title:(a AND (b OR c))'],
    ['kube* OR k8s -sponsored', '(kube* OR k8s) AND NOT sponsored'],
    ['title:/\\bk8s\\b/i OR kubernetes', 'title:/\\bk8s\\b/i OR kubernetes'],
    ['title:AND OR x', 'title:"AND" OR x'],
  ])('reads %j as %j', (source, reading) => {
    expect(formatReading(compileRule(source))).toBe(reading);
    // The reading is itself a rule, with the same meaning and the same reading.
    expect(formatReading(compileRule(reading))).toBe(reading);
    expect(formatRule(compileRule(reading))).toBe(formatRule(compileRule(source)));
  });
});
