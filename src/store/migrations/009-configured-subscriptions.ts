/**
 * Migration 009: `subscriptions.source` ('config' for a subscription declared in the config file, null for one
 * made in chat; chat cannot remove the file's) and `subscriptions.interval_seconds` (a config entry's own poll
 * interval; its feed is polled at the smallest its subscriptions ask for).
 */
import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';

export function configuredSubscriptions(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('subscriptions').addColumn('source', 'text').execute();
      await db.schema.alterTable('subscriptions').addColumn('interval_seconds', 'integer').execute();
      // Config subscriptions used to be the console's only, with ids cfg-…: they were the file's.
      await sql`update subscriptions set source = 'config' where id like 'cfg-%'`.execute(db);
    },
  };
}
