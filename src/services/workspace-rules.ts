/**
 * The admin layer's service: the one rule managers set for a whole Discord server or Slack workspace, which every
 * subscription there obeys on top of its own. Slash commands and the config file both go through it; a rule is
 * checked before it is stored, and '' (or only spaces) clears it.
 */
import type { Platform, WorkspaceRule } from '../store/records.ts';
import type { Store } from '../store/store.ts';
import { validateRule } from './subscription-service.ts';

export class WorkspaceRules {
  constructor(
    private readonly store: Pick<Store, 'workspaceRules'>,
    private readonly clock: () => Date,
  ) {}

  get(platform: Platform, workspaceId: string): Promise<WorkspaceRule | undefined> {
    return this.store.workspaceRules.get(platform, workspaceId);
  }

  /** Validates and stores the rule (a malformed one throws the parser's error); an empty rule clears it. */
  async set(platform: Platform, workspaceId: string, rule: string, setBy: string): Promise<WorkspaceRule | undefined> {
    const source = validateRule(rule);
    if (source === '') {
      await this.clear(platform, workspaceId);
      return undefined;
    }
    const stored: WorkspaceRule = { platform, workspaceId, rule: source, setBy, setAt: this.clock().toISOString() };
    await this.store.workspaceRules.put(stored);
    return stored;
  }

  /** False when there was no rule to clear. */
  clear(platform: Platform, workspaceId: string): Promise<boolean> {
    return this.store.workspaceRules.delete(platform, workspaceId);
  }
}

/** What a platform calls a workspace, for people: "this server's rule", "this workspace's rule". */
export function workspaceWord(platform: Platform): string {
  return platform === 'discord' ? 'server' : platform === 'slack' ? 'workspace' : 'console';
}
