/** The rules managers set for a whole Discord server or Slack workspace, in the `workspace_rules` table (one each). */
import type { Kysely, Selectable } from 'kysely';
import { workspaceRuleSchema } from '../records.ts';
import type { Platform, WorkspaceRule } from '../records.ts';
import type { WorkspaceRuleRepository } from '../store.ts';
import { isoOf, millisOf, validRecord } from './columns.ts';
import type { Database, WorkspaceRulesTable } from './database.ts';

export class SqlWorkspaceRuleRepository implements WorkspaceRuleRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async get(platform: Platform, workspaceId: string): Promise<WorkspaceRule | undefined> {
    const row = await this.db.selectFrom('workspace_rules').selectAll().where('platform', '=', platform).where('workspace_id', '=', workspaceId).executeTakeFirst();
    return row === undefined ? undefined : workspaceRuleOf(row);
  }

  async put(rule: WorkspaceRule): Promise<void> {
    const columns = { rule: rule.rule, set_by: rule.setBy, set_at: millisOf(rule.setAt, `workspace rule ${rule.platform}:${rule.workspaceId} setAt`) };
    await this.db
      .insertInto('workspace_rules')
      .values({ platform: rule.platform, workspace_id: rule.workspaceId, ...columns })
      .onConflict((conflict) => conflict.columns(['platform', 'workspace_id']).doUpdateSet(columns))
      .execute();
  }

  async delete(platform: Platform, workspaceId: string): Promise<boolean> {
    const { numDeletedRows } = await this.db.deleteFrom('workspace_rules').where('platform', '=', platform).where('workspace_id', '=', workspaceId).executeTakeFirstOrThrow();
    return numDeletedRows > 0n;
  }

  async list(): Promise<WorkspaceRule[]> {
    const rows = await this.db.selectFrom('workspace_rules').selectAll().orderBy('platform').orderBy('workspace_id').execute();
    return rows.map(workspaceRuleOf);
  }
}

function workspaceRuleOf(row: Selectable<WorkspaceRulesTable>): WorkspaceRule {
  return validRecord(
    workspaceRuleSchema,
    { platform: row.platform, workspaceId: row.workspace_id, rule: row.rule, setBy: row.set_by, setAt: isoOf(row.set_at) },
    { table: 'workspace_rules', id: `${row.platform}:${row.workspace_id}` },
  );
}
