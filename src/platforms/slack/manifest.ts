/**
 * Herald's Slack app manifest, generated from the command definitions: one slash command per group (with the
 * usage hint the help shows), the bot scopes Herald uses, and Socket Mode or a request URL for HTTP mode.
 * Takes the groups and the mode; returns the manifest object, or YAML text to paste at api.slack.com/apps.
 */
import { stringify } from 'yaml';
import type { CommandGroupDefinition } from '../../commands/definition.ts';
import { HeraldError } from '../../errors.ts';
import { truncateText } from '../../format/truncate.ts';
import { HELP_SYNTAX, slackSubcommandSyntax } from './usage.ts';

export type SlackManifestMode = { readonly mode: 'socket' } | { readonly mode: 'http'; readonly url: string };

export interface SlackSlashCommandManifest {
  readonly command: string;
  readonly description: string;
  readonly usage_hint: string;
  readonly should_escape: boolean;
  readonly url?: string;
}

export interface SlackAppManifest {
  readonly display_information: { readonly name: string; readonly description: string; readonly long_description: string; readonly background_color: string };
  readonly features: {
    readonly bot_user: { readonly display_name: string; readonly always_online: boolean };
    readonly slash_commands: readonly SlackSlashCommandManifest[];
  };
  readonly oauth_config: { readonly scopes: { readonly bot: readonly string[] } };
  readonly settings: { readonly org_deploy_enabled: boolean; readonly socket_mode_enabled: boolean; readonly token_rotation_enabled: boolean };
}

/** Limits of Slack's app manifest schema, in characters. */
export const SLACK_MANIFEST_LIMITS = {
  appName: 35,
  appDescription: 140,
  longDescription: { min: 175, max: 4000 },
  command: 32,
  commandDescription: 2000,
  usageHint: 1000,
} as const;

/**
 * commands: receive slash commands; chat:write and chat:write.public: post items, also in channels Herald was not
 * invited to; users:read: users.info, to tell whether the person running a managing command is an admin;
 * channels:history and groups:history: after a crash mid-post, look in the channel for that post (Slack has no
 * idempotency key) before posting it again; files:write: /feed export shares its OPML file in the channel;
 * usergroups:read: usergroups.list, to check the user group /feed mention pings exists, when it is set and before
 * each post that pings it.
 */
export const SLACK_BOT_SCOPES = ['commands', 'chat:write', 'chat:write.public', 'users:read', 'channels:history', 'groups:history', 'files:write', 'usergroups:read'] as const;

export const SLACK_EVENTS_PATH = '/slack/events';

/**
 * Slack shows the hint on one line of the command menu; past this a list of subcommand names reads better than a
 * grammar cut off mid-way (the help has the full grammar either way).
 */
const USAGE_HINT_BUDGET = 200;

export function buildSlackManifest(groups: readonly CommandGroupDefinition[], mode: SlackManifestMode): SlackAppManifest {
  const url = mode.mode === 'http' ? slackRequestUrl(mode.url) : undefined;
  return {
    display_information: {
      name: 'Herald',
      description: 'Posts new items from RSS, Atom and JSON feeds to the channels that follow them, filtered by rules.',
      long_description: longDescription(groups),
      background_color: '#2f3a4a',
    },
    features: {
      bot_user: { display_name: 'Herald', always_online: true },
      slash_commands: groups.map((group) => ({
        command: `/${group.name}`,
        description: truncateText(group.description, SLACK_MANIFEST_LIMITS.commandDescription),
        usage_hint: slackUsageHint(group),
        should_escape: true,
        ...(url === undefined ? {} : { url }),
      })),
    },
    oauth_config: { scopes: { bot: [...SLACK_BOT_SCOPES] } },
    settings: { org_deploy_enabled: false, socket_mode_enabled: mode.mode === 'socket', token_rotation_enabled: false },
  };
}

export function slackManifestYaml(groups: readonly CommandGroupDefinition[], mode: SlackManifestMode): string {
  const manifest = buildSlackManifest(groups, mode);
  const url = manifest.features.slash_commands[0]?.url;
  const credentials = mode.mode === 'socket'
    ? [
        '# 3. Basic Information → App-Level Tokens → Generate Token with the connections:write scope;',
        '#    set SLACK_APP_TOKEN to it (xapp-…). Herald connects out through Socket Mode: no public URL needed.',
      ]
    : [
        '# 3. Basic Information → App Credentials → Signing Secret: set SLACK_SIGNING_SECRET to it.',
        `#    Slack sends the slash commands to ${url ?? SLACK_EVENTS_PATH}: Herald's HTTP port must be reachable there.`,
      ];
  const comment = [
    "# Herald's Slack app manifest.",
    '# 1. https://api.slack.com/apps → Create New App → From an app manifest; pick the workspace, paste this file.',
    '# 2. Install App → Install to Workspace; set SLACK_BOT_TOKEN to the Bot User OAuth Token (xoxb-…).',
    ...credentials,
    '# After changing commands, generate this again and paste it under App Manifest in the app settings.',
  ];
  return `${comment.join('\n')}\n${stringify(manifest, { lineWidth: 0 })}`;
}

/** `add <url> [#channel] [filter...] | list [#channel] | … | help [subcommand]`: the help's usage lines, shortened. */
export function slackUsageHint(group: CommandGroupDefinition): string {
  const full = [...group.subcommands.map(slackSubcommandSyntax), HELP_SYNTAX].join(' | ');
  if (full.length <= USAGE_HINT_BUDGET) return full;
  const names = [...group.subcommands.map((subcommand) => subcommand.name), 'help'].join(' | ');
  return truncateText(names, SLACK_MANIFEST_LIMITS.usageHint);
}

/**
 * The request URL for slash commands in HTTP mode, from a base (`https://herald.example.org`) or the full URL.
 * Slack calls only https URLs; plain http is accepted for localhost, to try the app through a local proxy.
 */
export function slackRequestUrl(base: string): string {
  let url: URL;
  try {
    url = new URL(base.trim());
  } catch {
    throw invalidUrl(`not a URL: ${JSON.stringify(base)}`, `${JSON.stringify(base)} is not a URL; give the public address Slack should call, like https://herald.example.org`);
  }
  const local = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) {
    throw invalidUrl(`scheme ${url.protocol} in ${base}`, `Slack sends slash commands only to https:// URLs (plain http only for localhost); got ${base}`);
  }
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw invalidUrl(`query, fragment or credentials in ${base}`, `Give the address without ?query, #fragment or user:password; got ${base}`);
  }
  const path = url.pathname.replace(/\/+$/u, '');
  url.pathname = path.endsWith(SLACK_EVENTS_PATH) ? path : `${path}${SLACK_EVENTS_PATH}`;
  return url.toString();
}

function invalidUrl(detail: string, userMessage: string): HeraldError {
  return new HeraldError('slack-request-url', `Slack request URL refused: ${detail}`, { userMessage });
}

function longDescription(groups: readonly CommandGroupDefinition[]): string {
  const start = groups.map((group) => `/${group.name} help`).join(' or ');
  return [
    'Herald watches RSS, Atom and JSON feeds and posts their new items to the Slack channels that follow them.',
    'Each subscription can have a filter of words, "phrases" and operators, so a channel sees only the items it',
    `cares about, and preview shows what a filter would post before anyone subscribes. Type ${start} to start.`,
  ].join(' ');
}
