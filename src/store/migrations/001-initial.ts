/**
 * Migration 001: the tables of sql/database.ts and the indexes their queries use. Times are epoch milliseconds
 * (bigint on PostgreSQL). A delivery's `seq` is its place in the outbox: an identity column on PostgreSQL, and on
 * SQLite the rowid (INTEGER PRIMARY KEY AUTOINCREMENT, never reused), with the delivery id unique beside it.
 */
import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';
import type { Engine } from '../sql/database.ts';

export function initialSchema(engine: Engine): Migration {
  const time = engine === 'postgres' ? 'bigint' : 'integer';
  const seconds = engine === 'postgres' ? 'double precision' : 'real';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('subscriptions')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('platform', 'text', (column) => column.notNull())
        .addColumn('workspace_id', 'text', (column) => column.notNull())
        .addColumn('channel_id', 'text', (column) => column.notNull())
        .addColumn('channel_name', 'text')
        .addColumn('feed_url', 'text', (column) => column.notNull())
        .addColumn('feed_title', 'text', (column) => column.notNull())
        .addColumn('rule', 'text', (column) => column.notNull())
        .addColumn('created_at', time, (column) => column.notNull())
        .addColumn('created_by', 'text', (column) => column.notNull())
        .addColumn('paused', 'integer', (column) => column.notNull().defaultTo(0))
        .addColumn('paused_reason', 'text')
        .addColumn('skip_item_ids', 'text')
        .execute();
      await db.schema.createIndex('subscriptions_by_feed').on('subscriptions').column('feed_url').execute();
      await db.schema.createIndex('subscriptions_by_channel').on('subscriptions').columns(['platform', 'workspace_id', 'channel_id']).execute();

      await db.schema
        .createTable('feeds')
        .addColumn('url', 'text', (column) => column.primaryKey())
        .addColumn('title', 'text')
        .addColumn('etag', 'text')
        .addColumn('last_modified', 'text')
        .addColumn('last_polled_at', time)
        .addColumn('next_poll_at', time)
        .addColumn('min_interval_seconds', seconds)
        .addColumn('consecutive_failures', 'integer', (column) => column.notNull().defaultTo(0))
        .addColumn('last_error', 'text')
        .addColumn('failing_since', time)
        .addColumn('seen_identity', 'text')
        .addColumn('lease_owner', 'text')
        .addColumn('lease_until', time)
        .execute();
      const duePolls = db.schema.createIndex('feeds_by_next_poll').on('feeds');
      // Claims take never-polled feeds (null) first; PostgreSQL's indexes sort nulls last unless told.
      await (engine === 'postgres' ? duePolls.expression(sql`next_poll_at nulls first`) : duePolls.column('next_poll_at')).execute();

      await db.schema
        .createTable('seen_items')
        .addColumn('feed_url', 'text', (column) => column.notNull())
        .addColumn('kind', 'text', (column) => column.notNull())
        .addColumn('value', 'text', (column) => column.notNull())
        .addColumn('position', time, (column) => column.notNull())
        .addPrimaryKeyConstraint('seen_items_pk', ['feed_url', 'kind', 'value'])
        .execute();

      let deliveries = db.schema.createTable('deliveries');
      deliveries =
        engine === 'postgres'
          ? deliveries
              .addColumn('seq', 'bigint', (column) => column.generatedAlwaysAsIdentity().notNull())
              .addColumn('id', 'text', (column) => column.primaryKey())
          : deliveries
              .addColumn('seq', 'integer', (column) => column.primaryKey().autoIncrement())
              .addColumn('id', 'text', (column) => column.notNull().unique());
      await deliveries
        .addColumn('subscription_id', 'text', (column) => column.notNull())
        .addColumn('platform', 'text', (column) => column.notNull())
        .addColumn('channel_id', 'text', (column) => column.notNull())
        .addColumn('item_id', 'text', (column) => column.notNull())
        .addColumn('message', 'text', (column) => column.notNull())
        .addColumn('created_at', time, (column) => column.notNull())
        .addColumn('attempts', 'integer', (column) => column.notNull().defaultTo(0))
        .addColumn('next_attempt_at', time, (column) => column.notNull())
        .addColumn('last_error', 'text')
        .addColumn('state', 'text', (column) => column.notNull())
        .addColumn('sent_at', time)
        .execute();
      await db.schema.createIndex('deliveries_by_channel_queue').on('deliveries').columns(['platform', 'channel_id', 'state', 'seq']).execute();
      await db.schema.createIndex('deliveries_by_subscription').on('deliveries').columns(['subscription_id', 'state']).execute();
      await db.schema.createIndex('deliveries_by_due_time').on('deliveries').columns(['state', 'next_attempt_at']).execute();

      await db.schema
        .createTable('channels')
        .addColumn('platform', 'text', (column) => column.notNull())
        .addColumn('channel_id', 'text', (column) => column.notNull())
        .addColumn('next_due_at', time)
        .addColumn('lease_owner', 'text')
        .addColumn('lease_until', time)
        .addPrimaryKeyConstraint('channels_pk', ['platform', 'channel_id'])
        .execute();
      await db.schema.createIndex('channels_by_next_due').on('channels').column('next_due_at').execute();
    },
  };
}
