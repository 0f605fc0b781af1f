import { describe, expect, it } from 'vitest';
import { HeraldError } from '../errors.ts';
import { createSilentLogger } from '../log.ts';
import type { SubscriptionService } from '../services/subscription-service.ts';
import type { WorkspaceRules } from '../services/workspace-rules.ts';
import type { CommandContext, CommandGroupDefinition } from './definition.ts';
import { errorReply, reply, replyToPlainText } from './reply.ts';
import { runCommand } from './run-command.ts';

const calls: string[] = [];
const groups: CommandGroupDefinition[] = [{
  name: 'feed',
  description: 'test',
  subcommands: [
    { name: 'add', description: 'add', permission: 'manage', options: [{ name: 'url', description: 'the feed URL', type: 'string', required: true }],
      run: async (_context, options) => { calls.push(`add ${String(options.url)}`); return reply([['added']]); } },
    { name: 'list', description: 'list', permission: 'member', options: [], run: async () => reply([['listed']]) },
    { name: 'boom', description: 'fails', permission: 'member', options: [],
      run: async () => { throw new HeraldError('bad-url', 'operator detail', { userMessage: 'That URL is not a feed.' }); } },
    { name: 'bug', description: 'crashes', permission: 'member', options: [], run: async () => { throw new TypeError('undefined is not a function'); } },
  ],
}];
const context: CommandContext = {
  platform: 'discord', workspaceId: 'g', userId: 'u', channel: { id: 'c' }, log: createSilentLogger(),
  services: { subscriptions: {} as SubscriptionService, workspaceRules: {} as WorkspaceRules, roles: { list: async () => [] } },
};
const run = (subcommand: string, canManage: boolean, options: Record<string, string> = {}) =>
  runCommand(groups, { group: 'feed', subcommand, options, canManage }, context).then(replyToPlainText);

describe('runCommand', () => {
  it('runs a member command for anyone and a manage command for managers', async () => {
    expect(await run('list', false)).toBe('listed');
    expect(await run('add', true, { url: 'https://x.test' })).toBe('added');
    expect(calls).toEqual(['add https://x.test']);
  });

  it('refuses a manage command to a member without running it', async () => {
    calls.length = 0;
    expect(await run('add', false, { url: 'https://x.test' })).toMatch(/Only people who can manage this server/);
    expect(calls).toEqual([]);
  });

  it("names who may manage in Slack's terms for a Slack workspace", async () => {
    const answer = await runCommand(groups, { group: 'feed', subcommand: 'add', options: { url: 'https://x.test' }, canManage: false }, { ...context, platform: 'slack' });
    expect(replyToPlainText(answer)).toMatch(/^Only workspace admins and owners .*slack\.admins.* may use \/feed add\./);
  });

  it('asks for a missing required option', async () => {
    expect(await run('add', true, { url: '  ' })).toBe('/feed add needs url: the feed URL.');
  });

  it("answers with a user error's own message, and a generic one for a bug", async () => {
    expect(await run('boom', false)).toBe('That URL is not a feed.');
    expect(await run('bug', false)).toMatch(/went wrong on our side/);
  });

  it('shows `quoted` parts of an error as code and keeps a caret diagram monospace', () => {
    expect(errorReply('No subscription `ab12` here.').lines).toEqual([['No subscription ', { code: 'ab12' }, ' here.']]);
    expect(errorReply('Unclosed quote: "x\n                ^ here').lines).toEqual([[{ preformatted: 'Unclosed quote: "x\n                ^ here' }]]);
  });

  it('names the known subcommands for an unknown one', async () => {
    expect(await run('frobnicate', true)).toBe('Unknown command /feed frobnicate. Try one of: add, list, boom, bug.');
  });
});
