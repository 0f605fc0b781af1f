/**
 * Migration 006: what the router decided about each new item, for `/feed why`. `seen_item_records` holds one row
 * per item a poll saw (its link, the link's lookup key, title, when first seen); `item_decisions` one row per item
 * and subscription (posted or not, and the reason). Two tables, so that an item's title and link are stored once
 * however many subscriptions decide on it. `seq` orders a feed's items for the per-feed bound (as in deliveries:
 * an identity column on PostgreSQL, the rowid on SQLite).
 */
import type { Kysely, Migration } from 'kysely';
import type { Engine } from '../sql/database.ts';

export function itemDecisionsSchema(engine: Engine): Migration {
  const time = engine === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      let items = db.schema.createTable('seen_item_records');
      items =
        engine === 'postgres'
          ? items.addColumn('seq', 'bigint', (column) => column.generatedAlwaysAsIdentity().primaryKey())
          : items.addColumn('seq', 'integer', (column) => column.primaryKey().autoIncrement());
      await items
        .addColumn('feed_url', 'text', (column) => column.notNull())
        .addColumn('item_id', 'text', (column) => column.notNull())
        .addColumn('item_link', 'text')
        .addColumn('link_key', 'text')
        .addColumn('item_title', 'text', (column) => column.notNull())
        .addColumn('first_seen_at', time, (column) => column.notNull())
        .addColumn('baseline', 'integer', (column) => column.notNull().defaultTo(0))
        .addUniqueConstraint('seen_item_records_feed_item', ['feed_url', 'item_id'])
        .execute();
      await db.schema.createIndex('seen_item_records_by_feed').on('seen_item_records').columns(['feed_url', 'seq']).execute();
      await db.schema.createIndex('seen_item_records_by_link').on('seen_item_records').column('link_key').execute();
      await db.schema.createIndex('seen_item_records_by_item').on('seen_item_records').column('item_id').execute();
      await db.schema.createIndex('seen_item_records_by_time').on('seen_item_records').column('first_seen_at').execute();

      await db.schema
        .createTable('item_decisions')
        .addColumn('feed_url', 'text', (column) => column.notNull())
        .addColumn('item_id', 'text', (column) => column.notNull())
        .addColumn('subscription_id', 'text', (column) => column.notNull())
        .addColumn('delivered', 'integer', (column) => column.notNull())
        .addColumn('reason', 'text', (column) => column.notNull())
        .addColumn('decided_at', time, (column) => column.notNull())
        .addPrimaryKeyConstraint('item_decisions_pk', ['feed_url', 'item_id', 'subscription_id'])
        .execute();
      await db.schema.createIndex('item_decisions_by_time').on('item_decisions').column('decided_at').execute();
    },
  };
}
