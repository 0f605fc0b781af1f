/**
 * The neutral shape of a slash command group (one file per group in commands/): its subcommands, their options
 * and permission, and a handler that takes parsed options and returns a Reply. Discord's command JSON, and later
 * Slack's text grammar, help and manifest, are generated from these definitions.
 */
import type { Logger } from '../log.ts';
import type { Platform } from '../store/records.ts';
import type { SubscriptionService } from '../services/subscription-service.ts';
import type { WorkspaceRules } from '../services/workspace-rules.ts';
import type { Reply } from './reply.ts';

export type OptionType = 'string' | 'channel' | 'role';

export interface OptionDefinition {
  readonly name: string;
  readonly description: string;
  readonly type: OptionType;
  readonly required?: boolean;
  readonly maxLength?: number;
  /** Text with spaces (a rule): in Slack's one-line grammar it takes the rest of the line, so it must come last. */
  readonly freeText?: boolean;
  /**
   * In Slack's one line the option is typed after this word (`template: {title}`, `when kafka`), which also ends a
   * free text before it; absent when the word is. Discord has a box per option and ignores it.
   */
  readonly keyword?: string;
  /** Suggest values as the user types: this workspace's subscriptions. */
  readonly autocomplete?: 'subscription';
  /** The only values it takes (a string option); Discord offers them as choices, Slack's grammar checks them. */
  readonly choices?: readonly string[];
}

/** Who may run a subcommand: everyone, or people who manage the server/workspace. */
export type Permission = 'member' | 'manage';

export interface ChannelRef {
  readonly id: string;
  readonly name?: string;
}

/**
 * A Discord role or a Slack user group as the person gave it: picked (with its id) or typed as a name or handle
 * (no id: the handler looks it up).
 */
export interface RoleRef {
  readonly kind: 'role';
  readonly id?: string;
  readonly name: string;
}

/** The roles (Discord) or user groups (Slack) of a workspace that a mention may ping; the platform's adapter provides it. */
export interface RoleDirectory {
  list(workspaceId: string): Promise<ReadonlyArray<{ readonly id: string; readonly name: string }>>;
}

export type OptionValues = Readonly<Record<string, string | ChannelRef | RoleRef | undefined>>;

export interface CommandContext {
  readonly platform: Platform;
  readonly workspaceId: string;
  readonly userId: string;
  /** The channel the command was typed in. */
  readonly channel: ChannelRef;
  readonly services: { readonly subscriptions: SubscriptionService; readonly workspaceRules: WorkspaceRules; readonly roles: RoleDirectory };
  readonly log: Logger;
}

export interface SubcommandDefinition {
  readonly name: string;
  readonly description: string;
  readonly permission: Permission;
  /** When the permission depends on the options given (`/feed rules show` is for everyone, `set` for managers). */
  permissionFor?(options: OptionValues): Permission;
  readonly options: readonly OptionDefinition[];
  /** Work that may take longer than a platform's acknowledgement window (fetching a feed). */
  readonly slow?: boolean;
  run(context: CommandContext, options: OptionValues): Promise<Reply>;
}

export interface CommandGroupDefinition {
  readonly name: string;
  readonly description: string;
  readonly subcommands: readonly SubcommandDefinition[];
}

export function stringOption(options: OptionValues, name: string): string | undefined {
  const value = options[name];
  return typeof value === 'string' ? value : undefined;
}

export function channelOption(options: OptionValues, name: string): ChannelRef | undefined {
  const value = options[name];
  return typeof value === 'object' && !('kind' in value) ? value : undefined;
}

export function roleOption(options: OptionValues, name: string): RoleRef | undefined {
  const value = options[name];
  return typeof value === 'object' && 'kind' in value ? value : undefined;
}

/** The permission a subcommand needs with these options. */
export function requiredPermission(subcommand: SubcommandDefinition, options: OptionValues): Permission {
  return subcommand.permissionFor?.(options) ?? subcommand.permission;
}
