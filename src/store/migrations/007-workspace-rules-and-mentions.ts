/**
 * Migration 007: admin layers and mentions. `workspace_rules` holds the rule managers set for a whole Discord
 * server or Slack workspace (one per workspace, obeyed by every subscription there); `subscriptions` gains the
 * role (Discord) or user group (Slack) `/feed mention` pings, its name as it was when set, and the optional rule an
 * item must also match to ping. Rules are stored as typed, like a subscription's (migration 004).
 */
import type { Kysely, Migration } from 'kysely';
import type { Engine } from '../sql/database.ts';

export function workspaceRulesAndMentions(engine: Engine): Migration {
  const time = engine === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('workspace_rules')
        .addColumn('platform', 'text', (column) => column.notNull())
        .addColumn('workspace_id', 'text', (column) => column.notNull())
        .addColumn('rule', 'text', (column) => column.notNull())
        .addColumn('set_by', 'text', (column) => column.notNull())
        .addColumn('set_at', time, (column) => column.notNull())
        .addPrimaryKeyConstraint('workspace_rules_pk', ['platform', 'workspace_id'])
        .execute();
      await db.schema.alterTable('subscriptions').addColumn('mention_role_id', 'text').execute();
      await db.schema.alterTable('subscriptions').addColumn('mention_role_name', 'text').execute();
      await db.schema.alterTable('subscriptions').addColumn('mention_rule', 'text').execute();
    },
  };
}
