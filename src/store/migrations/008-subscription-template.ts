/**
 * Migration 008: `subscriptions.template`, the layout a manager set for a subscription's posts with
 * `/feed format` (placeholders such as `{title}`; src/format/template.ts). Null: Herald's own layout.
 */
import type { Kysely, Migration } from 'kysely';

export function subscriptionTemplate(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('subscriptions').addColumn('template', 'text').execute();
    },
  };
}
