/**
 * Migration 005: `deliveries.sending_since`, set just before a post to a platform with no idempotency key
 * (Slack) and cleared with its outcome. A delivery found with it still set was being posted when its process
 * died: it may have reached the channel, so the next attempt first looks for it there.
 */
import type { Kysely, Migration } from 'kysely';
import type { Engine } from '../sql/database.ts';

export function deliverySendingSince(engine: Engine): Migration {
  const time = engine === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('deliveries').addColumn('sending_since', time).execute();
    },
  };
}
