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
import { jsonOrNull, millisOf } from '../sql/columns.ts';
import { ensureFeedRow } from '../sql/feed-repository.ts';
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

/** A subscription in schema 001's columns: the repository writes columns later migrations added, which do not exist yet. */
async function insertSubscription(db: Kysely<Database>, subscription: Subscription): Promise<void> {
  await db
    .insertInto('subscriptions')
    .values({
      id: subscription.id,
      platform: subscription.platform,
      workspace_id: subscription.workspaceId,
      channel_id: subscription.channelId,
      channel_name: subscription.channelName ?? null,
      feed_url: subscription.feedUrl,
      feed_title: subscription.feedTitle,
      rule: subscription.rule,
      created_at: millisOf(subscription.createdAt, `subscription ${subscription.id} createdAt`),
      created_by: subscription.createdBy,
      paused: subscription.paused ? 1 : 0,
      paused_reason: subscription.pausedReason ?? null,
      skip_item_ids: jsonOrNull(subscription.skipItemIds),
    } as never)
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
