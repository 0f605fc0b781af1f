/**
 * The config file's subscriptions, for every platform: which of them this process watches (the platforms it has a
 * token for; the console's only when it has none), as stored records with ids that stay the same across restarts
 * and reloads, and the sync that makes the store hold exactly those. Shared by `herald start`, every reload and
 * `herald check-config`, so all three say the same about the same file.
 */
import { createHash } from 'node:crypto';
import type { AdminRuleConfig, HeraldConfig, SubscriptionConfig } from '../config/config-file.ts';
import type { Env } from '../config/env.ts';
import type { Platform, Subscription } from '../store/records.ts';

/** One subscription the file declares, ready to be stored. */
export interface ConfiguredSubscription {
  readonly id: string;
  readonly platform: Platform;
  readonly workspaceId: string;
  readonly channelId: string;
  readonly channelName?: string;
  readonly feedUrl: string;
  readonly feedTitle?: string;
  readonly rule: string;
  readonly intervalSeconds?: number;
  /** `config/herald.yaml:12`: where it is declared, shown in /feed list and when chat may not change it. */
  readonly declaredAt: string;
  /** The entry as the file has it: its template and mention are stored with the subscription. */
  readonly entry: SubscriptionConfig;
}

export interface ConfiguredPlan {
  readonly subscriptions: readonly ConfiguredSubscription[];
  readonly rules: readonly AdminRuleConfig[];
  /** Entries this process leaves alone, and why (a platform without its token). */
  readonly warnings: readonly string[];
}

/** The platforms a process with this environment posts to: those with a token, else the console. */
export function activePlatforms(env: Pick<Env, 'discordToken' | 'slackBotToken'>): ReadonlySet<Platform> {
  const platforms = new Set<Platform>();
  if (env.discordToken !== undefined) platforms.add('discord');
  if (env.slackBotToken !== undefined) platforms.add('slack');
  if (platforms.size === 0) platforms.add('console');
  return platforms;
}

const TOKEN_OF: Record<Platform, string> = { discord: 'DISCORD_TOKEN', slack: 'SLACK_BOT_TOKEN', console: '' };

export function planConfiguredSubscriptions(file: HeraldConfig, sourceName: string, platforms: ReadonlySet<Platform>): ConfiguredPlan {
  const warnings: string[] = [];
  const subscriptions: ConfiguredSubscription[] = [];
  file.subscriptions.forEach((entry, index) => {
    const where = `${sourceName}: subscriptions[${index}] (line ${entry.line})`;
    if (!platforms.has(entry.platform)) {
      warnings.push(
        entry.platform === 'console'
          ? `${where} is for the console, which prints posts only when no platform token is set: not watched now`
          : `${where} is for ${entry.platform}, but ${TOKEN_OF[entry.platform]} is not set: not watched until Herald runs with it`,
      );
      return;
    }
    subscriptions.push(configuredSubscription(entry, sourceName));
  });
  const rules = file.rules.filter((rule) => {
    if (platforms.has(rule.platform)) return true;
    warnings.push(`${sourceName}: rules (line ${rule.line}) is for ${rule.platform}, but ${TOKEN_OF[rule.platform]} is not set: not applied`);
    return false;
  });
  return { subscriptions, rules, warnings };
}

function configuredSubscription(entry: SubscriptionConfig, sourceName: string): ConfiguredSubscription {
  const workspaceId = entry.platform === 'console' ? 'console' : entry.workspace!;
  const channelId = entry.channel ?? entry.name ?? 'console';
  return {
    id: configuredId(entry.platform, workspaceId, channelId, entry.url),
    platform: entry.platform,
    workspaceId,
    channelId,
    ...(entry.platform === 'console' && entry.name !== undefined ? { channelName: entry.name } : {}),
    feedUrl: entry.url,
    ...(entry.name !== undefined ? { feedTitle: entry.name } : {}),
    rule: entry.rule,
    ...(entry.interval !== undefined ? { intervalSeconds: entry.interval } : {}),
    declaredAt: `${sourceName}:${entry.line}`,
    entry,
  };
}

/**
 * Depends on where it posts and what it follows, not on its rule or its place in the file: editing a rule or
 * moving an entry keeps the subscription (and its state); pointing it elsewhere makes a new one.
 */
export function configuredId(platform: Platform, workspaceId: string, channelId: string, feedUrl: string): string {
  return `cfg-${createHash('sha256').update([platform, workspaceId, channelId, feedUrl].join('\n')).digest('hex').slice(0, 10)}`;
}

/** What a sync changed, for the log line and the console. */
export interface ConfigSyncResult {
  readonly subscriptions: readonly Subscription[];
  readonly added: readonly string[];
  readonly changed: readonly string[];
  readonly removed: readonly string[];
  /** Entries not stored, and why (a channel that already follows the feed through a chat subscription). */
  readonly skipped: readonly string[];
}

/** Whether a stored config subscription says something other than the file now does. */
export function differsFromFile(stored: Subscription, wanted: Subscription): boolean {
  const keys = ['channelId', 'channelName', 'feedUrl', 'rule', 'intervalSeconds', 'createdBy', 'template'] as const;
  return keys.some((key) => stored[key] !== wanted[key]) || JSON.stringify(stored.mention) !== JSON.stringify(wanted.mention);
}
