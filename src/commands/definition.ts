/**
 * The neutral shape of a slash command group (one file per group in commands/): its subcommands, their options
 * and permission, and a handler that takes parsed options and returns a Reply. Discord's command JSON, and later
 * Slack's text grammar, help and manifest, are generated from these definitions.
 */
import type { Logger } from '../log.ts';
import type { Platform } from '../store/records.ts';
import type { SubscriptionService } from '../services/subscription-service.ts';
import type { Reply } from './reply.ts';

export type OptionType = 'string' | 'channel';

export interface OptionDefinition {
  readonly name: string;
  readonly description: string;
  readonly type: OptionType;
  readonly required?: boolean;
  readonly maxLength?: number;
  /** Text with spaces (a rule): in Slack's one-line grammar it takes the rest of the line, so it must come last. */
  readonly freeText?: boolean;
  /**
   * A second free text in Slack's one line starts at this word (`template:`), which ends the free text before it;
   * absent when the word is. Discord has a box per option and ignores it.
   */
  readonly keyword?: string;
  /** Suggest values as the user types: this workspace's subscriptions. */
  readonly autocomplete?: 'subscription';
}

/** Who may run a subcommand: everyone, or people who manage the server/workspace. */
export type Permission = 'member' | 'manage';

export interface ChannelRef {
  readonly id: string;
  readonly name?: string;
}

export type OptionValues = Readonly<Record<string, string | ChannelRef | undefined>>;

export interface CommandContext {
  readonly platform: Platform;
  readonly workspaceId: string;
  readonly userId: string;
  /** The channel the command was typed in. */
  readonly channel: ChannelRef;
  readonly services: { readonly subscriptions: SubscriptionService };
  readonly log: Logger;
}

export interface SubcommandDefinition {
  readonly name: string;
  readonly description: string;
  readonly permission: Permission;
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
  return typeof value === 'object' ? value : undefined;
}
