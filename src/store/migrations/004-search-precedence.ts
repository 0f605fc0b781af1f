/**
 * Migration 004: rules now read as search boxes read them (OR joins the terms beside it, a space or AND the
 * rest), where before a space bound tighter than OR: `a b OR c` was `(a b) OR c` and is now `a (b OR c)`.
 * Every stored subscription rule whose reading that changes is rewritten into its explicit parenthesised
 * form, which reads the same under both, so it keeps the meaning it had: `rust go OR kafka` becomes
 * `(rust go) OR kafka`. Rules that read the same (most of them), empty rules, and rules that did not parse
 * before are left as they are.
 */
import type { Kysely, Migration } from 'kysely';
import { formatNode } from '../../rules/format-rule.ts';
import { parseRule } from '../../rules/parse-rule.ts';
import type { RuleNode } from '../../rules/ast.ts';

interface SubscriptionRules {
  subscriptions: { id: string; rule: string };
}

export function searchPrecedenceRules(): Migration {
  return {
    async up(unknownDb: Kysely<unknown>): Promise<void> {
      const db = unknownDb as Kysely<SubscriptionRules>;
      const rows = await db.selectFrom('subscriptions').select(['id', 'rule']).where('rule', '<>', '').execute();
      for (const row of rows) {
        const explicit = explicitRule(row.rule);
        if (explicit !== undefined) await db.updateTable('subscriptions').set({ rule: explicit }).where('id', '=', row.id).execute();
      }
    },
  };
}

/** The rule as it was read before, parenthesised so it reads that way now; undefined when it needs no change. */
export function explicitRule(rule: string): string | undefined {
  const before = parseOrUndefined(rule, 'and-over-or');
  if (before === undefined || before === null) return undefined;
  const explicit = formatNode(before);
  const now = parseOrUndefined(rule, 'search');
  return now !== undefined && now !== null && formatNode(now) === explicit ? undefined : explicit;
}

function parseOrUndefined(rule: string, precedence: 'search' | 'and-over-or'): RuleNode | null | undefined {
  try {
    return parseRule(rule, precedence);
  } catch {
    return undefined;
  }
}
