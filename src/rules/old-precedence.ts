/**
 * Rules once read with a space binding tighter than OR (`a b OR c` was `(a b) OR c`); they now read as search
 * boxes read them (`a (b OR c)`). Migration 004 rewrites each stored rule whose reading that changed into its old
 * reading, parenthesised; the config file, which Herald does not rewrite, warns about each such rule.
 */
import type { RuleNode } from './ast.ts';
import { formatNode } from './format-rule.ts';
import { parseRule } from './parse-rule.ts';
import type { Precedence } from './parse-rule.ts';

/** The rule as it was read before, parenthesised so it reads that way now; undefined when it needs no change. */
export function explicitRule(rule: string): string | undefined {
  const before = parseOrUndefined(rule, 'and-over-or');
  if (before === undefined || before === null) return undefined;
  const explicit = formatNode(before);
  const now = parseOrUndefined(rule, 'search');
  return now !== undefined && now !== null && formatNode(now) === explicit ? undefined : explicit;
}

function parseOrUndefined(rule: string, precedence: Precedence): RuleNode | null | undefined {
  try {
    return parseRule(rule, precedence);
  } catch {
    return undefined;
  }
}
