import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { commandGroups } from '../../../commands/index.ts';
import type { CommandGroupDefinition } from '../../commands/definition.ts';
import { reply, replyToPlainText } from '../../commands/reply.ts';
import { HeraldError } from '../../errors.ts';
import { buildSlackManifest, SLACK_MANIFEST_LIMITS, slackManifestYaml, slackRequestUrl, slackUsageHint } from './manifest.ts';
import type { SlackAppManifest } from './manifest.ts';
import { slackUsage } from './usage.ts';

const [feed] = commandGroups as [CommandGroupDefinition];

function parsedYaml(mode: Parameters<typeof slackManifestYaml>[1]): SlackAppManifest {
  return parse(slackManifestYaml(commandGroups, mode)) as SlackAppManifest;
}

describe('slackManifestYaml', () => {
  it('offers /feed with escaping on, the bot scopes Herald uses, and Socket Mode', () => {
    const manifest = parsedYaml({ mode: 'socket' });
    expect(manifest.features.slash_commands).toEqual([
      { command: '/feed', description: feed.description, usage_hint: slackUsageHint(feed), should_escape: true },
    ]);
    expect(manifest.oauth_config.scopes.bot).toEqual(['commands', 'chat:write', 'chat:write.public', 'users:read', 'channels:history', 'groups:history', 'files:write', 'usergroups:read']);
    expect(manifest.settings).toEqual({ org_deploy_enabled: false, socket_mode_enabled: true, token_rotation_enabled: false });
    expect(manifest.features.bot_user).toEqual({ display_name: 'Herald', always_online: true });
    expect(manifest.display_information.name).toBe('Herald');
    expect(manifest).not.toHaveProperty('settings.event_subscriptions');
  });

  it('in HTTP mode, sends the command to <base>/slack/events and turns Socket Mode off', () => {
    const manifest = parsedYaml({ mode: 'http', url: 'https://herald.example.org' });
    expect(manifest.features.slash_commands[0]?.url).toBe('https://herald.example.org/slack/events');
    expect(manifest.settings.socket_mode_enabled).toBe(false);
    expect(manifest).not.toHaveProperty('settings.event_subscriptions');
  });

  it('opens with how to use it, for the mode chosen', () => {
    const socket = slackManifestYaml(commandGroups, { mode: 'socket' });
    expect(socket.startsWith('#')).toBe(true);
    expect(socket).toContain('api.slack.com/apps → Create New App → From an app manifest');
    expect(socket).toContain('SLACK_BOT_TOKEN');
    expect(socket).toContain('SLACK_APP_TOKEN');
    expect(socket).toContain('connections:write');
    expect(socket).not.toContain('SLACK_SIGNING_SECRET');
    const http = slackManifestYaml(commandGroups, { mode: 'http', url: 'https://herald.example.org' });
    expect(http).toContain('SLACK_SIGNING_SECRET');
    expect(http).not.toContain('SLACK_APP_TOKEN');
    expect(http).toContain('https://herald.example.org/slack/events');
  });

  it('stays within the limits of Slack\'s manifest schema', () => {
    const manifest = parsedYaml({ mode: 'socket' });
    const { display_information: display } = manifest;
    expect(display.name.length).toBeLessThanOrEqual(SLACK_MANIFEST_LIMITS.appName);
    expect(display.description.length).toBeGreaterThan(0);
    expect(display.description.length).toBeLessThanOrEqual(140);
    expect(display.long_description.length).toBeGreaterThanOrEqual(175);
    expect(display.long_description.length).toBeLessThanOrEqual(4000);
    expect(display.background_color).toMatch(/^#[0-9a-f]{6}$/iu);
    for (const command of manifest.features.slash_commands) {
      expect(command.command).toMatch(/^\/[a-z0-9_-]{1,31}$/u);
      expect(command.description.length).toBeGreaterThan(0);
      expect(command.description.length).toBeLessThanOrEqual(2000);
      expect(command.usage_hint.length).toBeGreaterThan(0);
      expect(command.usage_hint.length).toBeLessThanOrEqual(1000);
    }
  });
});

describe('slackUsageHint', () => {
  it('is the usage lines of the help, without the command', () => {
    // /feed's own grammar has outgrown the one-line budget (the next test); its first subcommands still fit.
    const few: CommandGroupDefinition = { ...feed, subcommands: feed.subcommands.slice(0, 6) };
    const hint = slackUsageHint(few);
    expect(hint).toBe('add <url> [#channel] [filter...] | list [#channel] | remove <subscription> | preview <url> [filter...] [template: template...] | pause <subscription> | resume <subscription> | help [subcommand]');
    expect(slackUsageHint(feed)).toBe('add | list | remove | preview | pause | resume | why | export | filter | rules | mention | status | format | help');
    const help = replyToPlainText(slackUsage(feed));
    for (const part of hint.split(' | ')) expect(help).toContain(`/feed ${part}`);
  });

  it('falls back to the subcommand names when the grammar would run long', () => {
    const many: CommandGroupDefinition = {
      name: 'many',
      description: 'Many subcommands',
      subcommands: Array.from({ length: 20 }, (_, index) => ({
        name: `sub${index}`,
        description: 'x',
        permission: 'member' as const,
        options: [{ name: 'argument', description: 'y', type: 'string' as const, required: true }],
        run: async () => reply([]),
      })),
    };
    const hint = slackUsageHint(many);
    expect(hint).toBe([...many.subcommands.map((subcommand) => subcommand.name), 'help'].join(' | '));
    expect(buildSlackManifest([many], { mode: 'socket' }).features.slash_commands[0]?.usage_hint).toBe(hint);
  });
});

describe('slackRequestUrl', () => {
  it.each([
    ['https://herald.example.org', 'https://herald.example.org/slack/events'],
    ['https://herald.example.org/', 'https://herald.example.org/slack/events'],
    ['https://herald.example.org/slack/events', 'https://herald.example.org/slack/events'],
    ['https://example.org/herald/', 'https://example.org/herald/slack/events'],
    ['https://herald.example.org:8443/slack/events/', 'https://herald.example.org:8443/slack/events'],
    ['http://localhost:3000', 'http://localhost:3000/slack/events'],
    ['http://127.0.0.1:3000/slack/events', 'http://127.0.0.1:3000/slack/events'],
  ])('%s → %s', (base, url) => {
    expect(slackRequestUrl(base)).toBe(url);
  });

  it.each([
    ['http://herald.example.org', 'only to https:// URLs'],
    ['ftp://herald.example.org', 'only to https:// URLs'],
    ['herald.example.org', 'is not a URL'],
    ['https://herald.example.org/?token=1', 'without ?query'],
  ])('refuses %s', (base, message) => {
    let thrown: unknown;
    try {
      slackRequestUrl(base);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(HeraldError);
    expect((thrown as HeraldError).code).toBe('slack-request-url');
    expect((thrown as HeraldError).userMessage).toContain(message);
  });

  it('is applied by the manifest, so a bad URL never reaches a manifest', () => {
    expect(() => buildSlackManifest(commandGroups, { mode: 'http', url: 'http://herald.example.org' })).toThrow(HeraldError);
  });
});
