import { describe, it, expect } from 'vitest';
import { compileRule, type CompiledRule } from './compile-rule.ts';
import { evaluateRule } from './evaluate-rule.ts';
import type { RuleNode } from './ast.ts';
import { formatReading, formatRule } from './format-rule.ts';
import { prepareRuleItem, type RuleItem } from './item-text.ts';
import { MAX_RULE_LENGTH, parseRule } from './parse-rule.ts';
import { RuleSyntaxError } from './rule-syntax-error.ts';
import { seededRandom } from '../../test/support/seeded-random.ts';

/** Pieces of the rule alphabet, weighted towards what makes rules interesting. */
const PIECES = [
  'kafka', 'rust', 'belt', 'Café', 'kube', 'x', '1', 'AND', 'OR', 'NOT', 'and', '-', '-', '(', '(', ')', ')', '"', '"',
  ' ', ' ', ' ', 'title:', 'category:', 'summary:', 'feed:', 'link:', 'titel:', 'foo:', '*', '/', '\\', 'c++', '.net',
  'node.js', ',', '.', ':', '::', '//', 'https://a.b/c', '東京', '\u0301', '😀', '“', '”', '\n', '\t', '[', ']', '?', '!',
  '/k8s/i', '/^a|b$/m', '/(a)\\1/', '/a(?=b)/', '/x/g', '/[a-/', '/(/', '/a{2000}/', 'ＫＡＦＫＡ', 'ｶﾌｶ', '（', '）',
];
const CHARACTERS = 'ab AND OR NOT()"-*:/\\.,+#é東😀\u0301\n“”[]';

const ITEMS: readonly RuleItem[] = [
  { title: '', summary: '', categories: [] },
  { title: 'Kafka and Rust in the Rust Belt', summary: 'Café x 1 c++ .NET node.js', categories: ['Kube', 'Sponsored'], content: '東京 kubernetes' },
  { title: 'AND OR NOT', summary: 'https://a.b/c', categories: ['x'], author: 'Franz Kafka', link: 'https://a.b/c', feedTitle: 'Belt Weekly' },
  { title: 'ＫＡＦＫＡ　ｶﾌｶ K8s', summary: 'ab\nb', categories: [] },
];

/**
 * A tree without what the source's layout decides (positions, and quotes, which the reading adds around a word
 * spelled like an operator: `NOT,` reads as "NOT"; the matcher says what quotes change) or what cannot be
 * compared (compiled patterns).
 */
function shape(node: RuleNode | null): unknown {
  if (node === null) return null;
  switch (node.kind) {
    case 'term': {
      const { position: _position, quoted: _quoted, matcher, ...rest } = node;
      return { ...rest, matcher: matcher.kind === 'regex' ? { kind: 'regex', pattern: matcher.pattern, flags: matcher.flags } : matcher };
    }
    case 'and':
    case 'or':
      return { kind: node.kind, children: node.children.map(shape) };
    case 'not':
    case 'scope':
      return { ...node, child: shape(node.child) };
  }
}

function randomRules(count: number, seed: number): string[] {
  const random = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const rules: string[] = [];
  for (let i = 0; i < count; i++) {
    const length = 1 + Math.floor(random() * 24);
    const fromPieces = random() < 0.7;
    let rule = '';
    for (let j = 0; j < length; j++) rule += fromPieces ? pick(PIECES) : pick([...CHARACTERS]);
    rules.push(rule);
  }
  // Long and deep ones, near and over the limits.
  rules.push('('.repeat(400) + 'a' + ')'.repeat(400), 'NOT '.repeat(240) + 'a', 'a OR '.repeat(199) + 'b', 'x'.repeat(MAX_RULE_LENGTH + 1));
  return rules;
}

function compileOrError(rule: string): CompiledRule | RuleSyntaxError {
  try {
    return compileRule(rule);
  } catch (error) {
    if (error instanceof RuleSyntaxError) return error;
    throw new Error(`compileRule(${JSON.stringify(rule)}) threw ${String(error)}`);
  }
}

describe('compileRule on random input', () => {
  const rules = randomRules(5000, 20240611);

  it('compiles or throws a RuleSyntaxError pointing into the rule, and compiled rules evaluate', () => {
    const started = Date.now();
    let compiled = 0;
    for (const rule of rules) {
      const result = compileOrError(rule);
      if (result instanceof RuleSyntaxError) {
        expect(result.position, rule).toBeGreaterThanOrEqual(0);
        expect(result.position, rule).toBeLessThan(rule.length);
        expect(result.userMessage, rule).toContain('^ ');
        continue;
      }
      compiled++;
      for (const item of ITEMS) {
        const verdict = evaluateRule(result, prepareRuleItem(item));
        expect(verdict.reason.startsWith('matched'), `${rule} -> ${verdict.reason}`).toBe(verdict.matches);
      }
    }
    // Both outcomes are exercised, and nothing is slow.
    expect(compiled).toBeGreaterThan(500);
    expect(compiled).toBeLessThan(rules.length - 500);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('formats every compiled rule to text that compiles to the same rule', () => {
    for (const rule of rules) {
      const result = compileOrError(rule);
      if (result instanceof RuleSyntaxError) continue;
      const canonical = formatRule(result);
      if (canonical.length > MAX_RULE_LENGTH) continue;
      const again = compileRule(canonical);
      expect(formatRule(again), rule).toBe(canonical);
      for (const item of ITEMS) expect(evaluateRule(again, item).matches, rule).toBe(evaluateRule(result, item).matches);
    }
  });

  it('reads every compiled rule fully parenthesised, and the reading parses back to the same tree', () => {
    let read = 0;
    for (const rule of rules) {
      const result = compileOrError(rule);
      if (result instanceof RuleSyntaxError) continue;
      const reading = formatReading(result);
      if (reading.length > MAX_RULE_LENGTH) continue;
      read++;
      const again = compileRule(reading);
      expect(shape(again.tree), `${rule} read as ${reading}`).toStrictEqual(shape(result.tree));
      expect(formatReading(again), rule).toBe(reading);
      // Fully parenthesised: the old precedence reads it the same way.
      expect(shape(parseRule(reading, 'and-over-or')), `${rule} read as ${reading}`).toStrictEqual(shape(result.tree));
    }
    expect(read).toBeGreaterThan(500);
  });
});
