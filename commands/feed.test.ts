/** How /feed shows rules: every rule in its fully parenthesised reading, in list, add and preview. */
import { describe, expect, it } from 'vitest';
import type { CommandContext } from '../src/commands/definition.ts';
import { replyToPlainText } from '../src/commands/reply.ts';
import { createSilentLogger } from '../src/log.ts';
import type { SubscriptionService } from '../src/services/subscription-service.ts';
import type { WorkspaceRules } from '../src/services/workspace-rules.ts';
import { subscriptionRecord } from '../test/support/store-records.ts';
import { feedCommand } from './feed.ts';

const RULE = 'kafka OR "event streaming" -title:sponsored';
const READING = '(kafka OR "event streaming") AND NOT title:sponsored';

function run(name: string, options: Record<string, unknown>, service: Partial<SubscriptionService>): Promise<string> {
  const context: CommandContext = {
    platform: 'discord',
    workspaceId: 'guild-1',
    userId: 'user-1',
    channel: { id: 'channel-1', name: 'news' },
    services: { subscriptions: service as SubscriptionService, workspaceRules: { get: async () => undefined } as unknown as WorkspaceRules, roles: { list: async () => [] } },
    log: createSilentLogger(),
  };
  const subcommand = feedCommand.subcommands.find((entry) => entry.name === name)!;
  return subcommand.run(context, options as never).then(replyToPlainText);
}

describe('/feed shows rules in their parenthesised reading', () => {
  it('in /feed list', async () => {
    const text = await run('list', {}, { list: async () => [subscriptionRecord('s1', { rule: RULE }), subscriptionRecord('s2', { rule: '' })] });
    expect(text).toContain(READING);
    expect(text).toContain('(every item)');
  });

  it('in /feed add', async () => {
    const text = await run('add', { url: 'https://blog.example.org/feed.xml' }, { add: async () => ({ subscription: subscriptionRecord('s1', { rule: RULE }), itemCount: 3 }) });
    expect(text).toContain(`Filter: ${READING}`);
  });

  it('in /feed preview', async () => {
    const preview = async () => ({ feedUrl: 'https://blog.example.org/feed.xml', feedTitle: 'Blog', itemCount: 0, items: [], rule: READING });
    expect(await run('preview', { url: 'https://blog.example.org/feed.xml', filter: RULE }, { preview })).toContain(READING);
  });
});
