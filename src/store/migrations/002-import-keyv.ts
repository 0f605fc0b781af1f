/**
 * Migration 002: brings over what the previous release kept with Keyv in the same SQLite file (table `herald`):
 * subscriptions, feed state, seen sets and the outbox (as pending, or parked for a paused subscription, each
 * channel made due), in the migration's transaction, then renames the table to `herald_keyv_imported` as a
 * backup. Records that fail validation, or that the store refuses (a time that is not one), are skipped and
 * reported. Nothing to do on PostgreSQL or a new file.
 *
 * It writes subscriptions with its own statement for schema 001, and the rest through the repositories, whose
 * tables no later migration has changed in a way this import would notice; one that does must give it its own
 * statements too.
 */
import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';
import type { Database, Engine } from '../sql/database.ts';
import { sqlSession } from '../sql-store.ts';
import { ensureFeedRow } from '../sql/feed-repository.ts';
import { subscriptionRow } from '../sql/subscription-repository.ts';
import type { Subscription } from '../records.ts';
import { HeraldError } from '../../errors.ts';
import { legacyFeedKey, readLegacyRecords } from './keyv-legacy-records.ts';
import type { KeyvRow, SkippedRecord } from './keyv-legacy-records.ts';

export const LEGACY_TABLE = 'herald';
export const LEGACY_BACKUP_TABLE = 'herald_keyv_imported';

export interface LegacyImportReport {
  readonly subscriptions: number;
  readonly feeds: number;
  readonly seenSets: number;
  readonly deliveries: number;
  readonly skipped: readonly SkippedRecord[];
}

export function importKeyvStore(engine: Engine, onImported: (report: LegacyImportReport) => void): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      if (engine !== 'sqlite' || !(await legacyTableExists(db))) return;
      const { rows } = await sql<KeyvRow>`select key, value from ${sql.table(LEGACY_TABLE)}`.execute(db);
      const records = readLegacyRecords(rows);
      const session = sqlSession(db as Kysely<Database>, engine);
      const skipped = [...records.skipped];
      const each = <T>(items: readonly T[], keyOf: (item: T) => string, write: (item: T) => Promise<void>) => writeEach(items, keyOf, write, skipped);
      const report: LegacyImportReport = {
        subscriptions: await each(records.subscriptions, ({ id }) => `herald:subscription:${id}`, (subscription) => insertSubscription(db as Kysely<Database>, subscription)),
        feeds: await each(records.feeds, ({ url }) => `herald:feed:${legacyFeedKey(url)}`, (feed) => session.feeds.save(feed)),
        seenSets: await each(records.seenSets, ({ feedUrl }) => `herald:seen:${legacyFeedKey(feedUrl)}`, ({ feedUrl, seen }) => session.seen.save(feedUrl, seen)),
        deliveries: await each(records.deliveries, ({ id }) => `herald:outbox:${id}`, (delivery) => session.deliveries.add([delivery])),
        skipped,
      };
      await sql`alter table ${sql.table(LEGACY_TABLE)} rename to ${sql.table(LEGACY_BACKUP_TABLE)}`.execute(db);
      onImported(report);
    },
  };
}

/** The subscriptions table as schema 001 made it: the repository also writes columns later migrations added. */
const SCHEMA_001_COLUMNS = [
  'id', 'platform', 'workspace_id', 'channel_id', 'channel_name', 'feed_url', 'feed_title', 'rule', 'created_at', 'created_by', 'paused', 'paused_reason', 'skip_item_ids',
] as const;

/** A subscription in schema 001's columns, converted as the repository converts it. */
async function insertSubscription(db: Kysely<Database>, subscription: Subscription): Promise<void> {
  const row = subscriptionRow(subscription);
  const columns = Object.fromEntries(SCHEMA_001_COLUMNS.map((column) => [column, row[column]]));
  await db
    .insertInto('subscriptions')
    .values(columns as never)
    .onConflict((conflict) => conflict.column('id').doNothing())
    .execute();
  await ensureFeedRow(db, subscription.feedUrl);
}

/** Writes each item; one the store refuses as invalid is skipped under its Keyv key. Returns how many were written. */
async function writeEach<T>(items: readonly T[], keyOf: (item: T) => string, write: (item: T) => Promise<void>, skipped: SkippedRecord[]): Promise<number> {
  let written = 0;
  for (const item of items) {
    try {
      await write(item);
      written += 1;
    } catch (error) {
      if (!(error instanceof HeraldError && error.code === 'store-invalid')) throw error;
      skipped.push({ key: keyOf(item), reason: error.message });
    }
  }
  return written;
}

async function legacyTableExists(db: Kysely<unknown>): Promise<boolean> {
  const { rows } = await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name = ${LEGACY_TABLE}`.execute(db);
  return rows.length > 0;
}
