/**
 * Migration 004 on both engines: rules stored under the old precedence (a space bound tighter than OR) are
 * rewritten, on the store's own rows, into the parenthesised form that keeps their meaning; the others stay
 * exactly as they were typed.
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { subscriptionRecord } from '../../../test/support/store-records.ts';
import { useTemporaryStores } from '../../../test/support/temporary-store.ts';
import type { StoreEngine } from '../../../test/support/temporary-store.ts';
import { compileRule, evaluateRule } from '../../rules/index.ts';
import { parseRule } from '../../rules/parse-rule.ts';
import { openStore } from '../open-store.ts';
import { openPostgresDatabase } from '../sql/postgres-database.ts';
import { openSqliteDatabase } from '../sql/sqlite-database.ts';
import { explicitRule } from '../../rules/old-precedence.ts';
import { searchPrecedenceRules } from './004-search-precedence.ts';

/** Stored rule, and what it is after the migration. */
const RULES: ReadonlyArray<readonly [string, string]> = [
  ['', ''],
  ['kafka', 'kafka'],
  ['kafka OR "event streaming"', 'kafka OR "event streaming"'],
  ['title:rust -title:"rust belt"', 'title:rust -title:"rust belt"'],
  ['a (b OR c)', 'a (b OR c)'],
  ['rust,  go', 'rust,  go'],
  ['kafka OR "event streaming" -title:sponsored', 'kafka OR ("event streaming" -title:sponsored)'],
  ['rust go OR kafka', '(rust go) OR kafka'],
  ['a AND b OR c AND d', '(a b) OR (c d)'],
  ['-a OR b c', '-a OR (b c)'],
  ['title:(a b OR c) d', 'title:((a b) OR c) d'],
  ['NOT (a b OR c)', '-((a b) OR c)'],
  // Did not parse before either: left for the operator to see.
  ['kafka OR', 'kafka OR'],
];

const ITEMS = [
  { title: 'Sponsored: event streaming', summary: '', categories: [] },
  { title: 'kafka sponsored', summary: '', categories: [] },
  { title: 'rust go', summary: 'a d', categories: [] },
  { title: 'kafka c', summary: '', categories: [] },
  { title: 'b', summary: '', categories: [] },
];

describe('explicitRule', () => {
  it.each(RULES)('rewrites %j as %j', (stored, migrated) => {
    expect(explicitRule(stored) ?? stored).toBe(migrated);
  });

  it('leaves migrated rules alone, so running it again changes nothing', () => {
    for (const [, migrated] of RULES) expect(explicitRule(migrated), migrated).toBeUndefined();
  });

  it('keeps each rule\'s meaning: the migrated rule reads now as the stored one read before', () => {
    for (const [stored, migrated] of RULES) {
      let before;
      try {
        before = parseRule(stored, 'and-over-or');
      } catch {
        continue;
      }
      const old = { source: stored, tree: before, terms: [] };
      for (const item of ITEMS) expect(evaluateRule(compileRule(migrated), item).matches, `${stored} on ${item.title}`).toBe(evaluateRule(old, item).matches);
    }
  });
});

describe.each<StoreEngine>(['sqlite', 'postgres'])('migration 004 on %s', (engine) => {
  const openTemporary = useTemporaryStores(engine);

  it('is applied when a store opens', async () => {
    const { store, uri } = await openTemporary();
    await store.close();
    const db = open(engine, uri);
    try {
      const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
      expect(rows.map((row) => row.name)).toContain('004-search-precedence');
    } finally {
      await db.destroy();
    }
  });

  it('rewrites the stored rules whose reading changed, and only those', async () => {
    const { store, uri } = await openTemporary();
    for (const [index, [stored]] of RULES.entries()) await store.subscriptions.put(subscriptionRecord(`s${index}`, { rule: stored }));
    await store.close();

    const db = open(engine, uri);
    try {
      await searchPrecedenceRules().up(db);
    } finally {
      await db.destroy();
    }

    const reopened = await openStore(uri);
    try {
      for (const [index, [, migrated]] of RULES.entries()) expect((await reopened.subscriptions.get(`s${index}`))?.rule).toBe(migrated);
    } finally {
      await reopened.close();
    }
  });
});

function open(engine: StoreEngine, uri: string) {
  return engine === 'sqlite' ? openSqliteDatabase(uri.slice('sqlite://'.length)) : openPostgresDatabase(uri, () => undefined);
}
