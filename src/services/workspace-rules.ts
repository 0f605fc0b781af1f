/**
 * The admin layer's service: the one rule managers set for a whole Discord server or Slack workspace, which every
 * subscription there obeys on top of its own. Slash commands and the config file both go through it; a rule is
 * checked before it is stored, and '' (or only spaces) clears it.
 */
import { HeraldError } from '../errors.ts';
import type { AdminRuleConfig } from '../config/config-file.ts';
import type { Platform, WorkspaceRule } from '../store/records.ts';
import type { Store } from '../store/store.ts';
import { validateRule } from './subscription-service.ts';

/** A rule from the config file is set by `config:<file>:<line>`: the file alone changes it. */
const CONFIGURED = 'config:';

export function isConfiguredRule(rule: WorkspaceRule): boolean {
  return rule.setBy.startsWith(CONFIGURED);
}

export class WorkspaceRules {
  constructor(
    private readonly store: Pick<Store, 'workspaceRules'>,
    private readonly clock: () => Date,
  ) {}

  get(platform: Platform, workspaceId: string): Promise<WorkspaceRule | undefined> {
    return this.store.workspaceRules.get(platform, workspaceId);
  }

  /**
   * Validates and stores the rule (a malformed one throws the parser's error); an empty rule clears it. A rule the
   * config file declares is refused: the file is where it changes.
   */
  async set(platform: Platform, workspaceId: string, rule: string, setBy: string): Promise<WorkspaceRule | undefined> {
    const source = validateRule(rule);
    await this.refuseConfigured(platform, workspaceId);
    if (source === '') {
      await this.clear(platform, workspaceId);
      return undefined;
    }
    const stored: WorkspaceRule = { platform, workspaceId, rule: source, setBy, setAt: this.clock().toISOString() };
    await this.store.workspaceRules.put(stored);
    return stored;
  }

  /** False when there was no rule to clear. */
  async clear(platform: Platform, workspaceId: string): Promise<boolean> {
    await this.refuseConfigured(platform, workspaceId);
    return this.store.workspaceRules.delete(platform, workspaceId);
  }

  /**
   * Makes the config file's admin rules of `platforms` exactly `wanted` (start and every reload): each is stored as
   * set by its file and line, and a rule the file no longer declares is removed. Rules set in chat are left alone,
   * unless the file now declares one for their workspace: then the file's wins.
   */
  async syncConfigured(wanted: readonly AdminRuleConfig[], sourceName: string, platforms: ReadonlySet<Platform>): Promise<{ set: number; removed: number }> {
    const now = this.clock().toISOString();
    const declared = new Set<string>();
    for (const entry of wanted) {
      // The file's check makes sure every admin rule names its workspace.
      if (!platforms.has(entry.platform) || entry.workspace === undefined) continue;
      declared.add(`${entry.platform}:${entry.workspace}`);
      await this.store.workspaceRules.put({ platform: entry.platform, workspaceId: entry.workspace, rule: validateRule(entry.rule), setBy: `${CONFIGURED}${sourceName}:${entry.line}`, setAt: now });
    }
    let removed = 0;
    for (const stored of await this.store.workspaceRules.list()) {
      if (!isConfiguredRule(stored) || !platforms.has(stored.platform) || declared.has(`${stored.platform}:${stored.workspaceId}`)) continue;
      await this.store.workspaceRules.delete(stored.platform, stored.workspaceId);
      removed += 1;
    }
    return { set: declared.size, removed };
  }

  private async refuseConfigured(platform: Platform, workspaceId: string): Promise<void> {
    const current = await this.store.workspaceRules.get(platform, workspaceId);
    if (current === undefined || !isConfiguredRule(current)) return;
    const where = current.setBy.slice(CONFIGURED.length);
    throw new HeraldError('configured-rule', `the ${platform} workspace ${workspaceId}'s rule comes from ${where}`, {
      userMessage: `This ${workspaceWord(platform)}'s rule is declared in the config file (${where}), so it changes there: edit that entry and Herald reloads the file on its own.`,
    });
  }
}

/** What a platform calls a workspace, for people: "this server's rule", "this workspace's rule". */
export function workspaceWord(platform: Platform): string {
  return platform === 'discord' ? 'server' : platform === 'slack' ? 'workspace' : 'console';
}
