import { describe, expect, it } from 'vitest';
import type { CommandGroupDefinition } from '../../commands/definition.ts';
import { stringOption } from '../../commands/definition.ts';
import { reply } from '../../commands/reply.ts';
import { HeraldError } from '../../errors.ts';
import { createSilentLogger } from '../../log.ts';
import type { WorkspaceRules } from '../../services/workspace-rules.ts';
import type { SubscriptionService } from '../../services/subscription-service.ts';
import { handleSlashCommand } from './handle-slash-command.ts';
import type { SlackReplyPayload } from './render-reply.ts';

const ran: string[] = [];
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const group: CommandGroupDefinition = {
  name: 'feed',
  description: 'Follow feeds',
  subcommands: [
    {
      name: 'add', description: 'Subscribe', permission: 'manage', slow: true,
      options: [{ name: 'url', description: 'The feed URL', type: 'string', required: true }],
      run: async (_context, options) => {
        ran.push(`add ${stringOption(options, 'url')}`);
        return reply([['added <!channel> & more']]);
      },
    },
    { name: 'list', description: 'List', permission: 'member', options: [], run: async () => reply([['1 subscription']]) },
    {
      name: 'remove', description: 'Remove', permission: 'manage',
      options: [{ name: 'subscription', description: 'Its id', type: 'string', required: true }],
      run: async (_context, options) => {
        ran.push(`remove ${stringOption(options, 'subscription')}`);
        await wait(150);
        ran.push('remove finished');
        return reply([['removed']]);
      },
    },
  ],
};

async function slash(text: string, options: { admin?: boolean | 'fails'; ackDeadlineMs?: number } = {}) {
  const acks: SlackReplyPayload[] = [];
  const responses: SlackReplyPayload[] = [];
  const startedAt = Date.now();
  let ackMs = -1;
  let answeredBeforeAck = -1;
  await handleSlashCommand(
    { command: '/feed', text, team_id: 'T1', user_id: 'U1', channel_id: 'C1', channel_name: 'releases' },
    {
      ack: async (answer) => {
        ackMs = Date.now() - startedAt;
        answeredBeforeAck = responses.length + (ran.includes('remove finished') ? 1 : 0);
        acks.push(answer);
      },
      respond: async (answer) => void responses.push(answer),
    },
    {
      groups: [group],
      subscriptions: {} as SubscriptionService,
      workspaceRules: {} as WorkspaceRules,
      roles: { list: async () => [] },
      canManage: async () => {
        if (options.admin === 'fails') throw new HeraldError('slack-users-info', 'users.info failed', { userMessage: 'Herald could not check your role.' });
        return options.admin ?? true;
      },
      log: createSilentLogger(),
      ackDeadlineMs: options.ackDeadlineMs,
    },
  );
  return { acks, responses, ackMs, answeredBeforeAck };
}

describe('handleSlashCommand', () => {
  it('answers a quick subcommand in the acknowledgement itself', async () => {
    const { acks, responses } = await slash('list');
    expect(acks.map((answer) => answer.text)).toEqual(['1 subscription']);
    expect(acks[0]!.response_type).toBe('ephemeral');
    expect(responses).toEqual([]);
  });

  it('acknowledges a slow subcommand at once with progress, then answers through response_url, escaped', async () => {
    ran.length = 0;
    const { acks, responses } = await slash('add <https://x.test/feed|x.test/feed>');
    expect(acks).toHaveLength(1);
    expect(acks[0]!.text).toMatch(/^⏳ Fetching `https:\/\/x\.test\/feed`…/);
    expect(responses.map((answer) => answer.text)).toEqual(['added &lt;!channel&gt; &amp; more']);
    expect(ran).toEqual(['add https://x.test/feed']);
  });

  it('defers a quick subcommand that runs late instead of missing the acknowledgement window', async () => {
    ran.length = 0;
    const { acks, responses, answeredBeforeAck } = await slash('remove abc', { ackDeadlineMs: 20 });
    // Acknowledged while the 150 ms command was still running, not after it.
    expect(answeredBeforeAck).toBe(0);
    expect(acks.map((answer) => answer.text)).toEqual(['⏳ Working on it…']);
    expect(responses.map((answer) => answer.text)).toEqual(['removed']);
  });

  it('refuses a manage subcommand to a member who is not an admin, without running it', async () => {
    ran.length = 0;
    const { acks } = await slash('remove abc', { admin: false });
    expect(acks[0]!.text).toMatch(/^Only workspace admins and owners/);
    expect(ran).toEqual([]);
  });

  it("says so when the person's role cannot be checked", async () => {
    ran.length = 0;
    const { acks } = await slash('remove abc', { admin: 'fails' });
    expect(acks[0]!.text).toBe('Herald could not check your role.');
    expect(ran).toEqual([]);
  });

  it('shows the usage for help, an empty command, an unknown subcommand and a missing argument', async () => {
    for (const text of ['', 'help']) {
      const { acks } = await slash(text);
      expect(acks[0]!.text).toContain('/feed add &lt;url&gt;');
      expect(acks[0]!.text).toContain('/feed list');
    }
    const unknown = await slash('frobnicate');
    expect(unknown.acks[0]!.text).toMatch(/frobnicate/);
    expect(unknown.acks[0]!.text).toContain('/feed remove &lt;subscription&gt;');
    const missing = await slash('remove');
    expect(missing.acks[0]!.text).toMatch(/subscription/);
    expect(missing.responses).toEqual([]);
  });
});
