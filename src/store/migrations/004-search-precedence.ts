/**
 * Migration 004: rules now read as search boxes read them (OR joins the terms beside it, a space or AND the
 * rest), where before a space bound tighter than OR: `a b OR c` was `(a b) OR c` and is now `a (b OR c)`.
 * Every stored subscription rule whose reading that changes is rewritten into its explicit parenthesised
 * form, which reads the same under both, so it keeps the meaning it had: `rust go OR kafka` becomes
 * `(rust go) OR kafka`. Rules that read the same (most of them), empty rules, and rules that did not parse
 * before are left as they are.
 */
import type { Kysely, Migration } from 'kysely';
import { explicitRule } from '../../rules/old-precedence.ts';

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
