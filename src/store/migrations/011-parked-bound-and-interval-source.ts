/**
 * Migration 011: `subscriptions.parked_dropped`, how many parked deliveries a paused subscription has dropped
 * (oldest first) because more than the bound arrived while it was paused, reset when it is resumed; and
 * `feeds.min_interval_source`, which of the site's asks (`ttl` or `max-age`) set `min_interval_seconds`, so
 * /feed status can say why a feed is polled less often than the operator asked.
 */
import type { Kysely, Migration } from 'kysely';

export function parkedBoundAndIntervalSource(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('subscriptions').addColumn('parked_dropped', 'integer', (column) => column.notNull().defaultTo(0)).execute();
      await db.schema.alterTable('feeds').addColumn('min_interval_source', 'text').execute();
    },
  };
}
