import { describe, expect, it } from 'vitest';
import { replyToPlainText } from '../commands/reply.ts';
import type { Reply } from '../commands/reply.ts';
import { createLogger } from '../log.ts';
import type { Subscription } from '../store/records.ts';
import { ManagerNotices } from './manager-notices.ts';
import type { MessageSender } from './message-sender.ts';

const SUBSCRIPTION: Subscription = {
  id: 's1', platform: 'slack', workspaceId: 'T1', channelId: 'C1', feedUrl: 'https://x.test/feed', feedTitle: 'X',
  rule: '', createdAt: '2026-11-21T12:00:00.000Z', createdBy: 'U1', paused: true,
};

function setUp(tellManager?: MessageSender['tellManager']) {
  const sender: MessageSender = {
    platform: 'slack',
    send: async () => ({ kind: 'sent' }),
    ...(tellManager === undefined ? {} : { tellManager }),
  };
  const lines: string[] = [];
  const log = createLogger({ level: 'debug', format: 'json', stream: { write: (line: string) => lines.push(line) } as unknown as NodeJS.WritableStream });
  return { notices: new ManagerNotices(new Map([['slack', sender]]), log), lines };
}

describe('ManagerNotices', () => {
  it('tells the manager that a lost channel paused their subscription, that its items are kept, and how to resume', async () => {
    const told: string[] = [];
    const { notices, lines } = setUp(async (subscription: Subscription, notice: Reply) => void told.push(`${subscription.createdBy}: ${replyToPlainText(notice)}`));
    notices.subscriptionPaused({ subscription: SUBSCRIPTION, reason: 'the Slack channel is archived', itemsKept: true });
    await notices.settled();
    expect(told).toEqual([
      'U1: ⏸ Herald paused s1 (X <https://x.test/feed>) in #C1: the Slack channel is archived.\n' +
        'New items that match are kept meanwhile, the latest 100 (older ones past that are dropped, and counted): once this is fixed, /feed resume s1 posts them, oldest first, and carries on.',
    ]);
    expect(lines.join('')).toMatch(/told the subscription manager about the pause/);
  });

  it('says how many items are kept, the bound the operator set', async () => {
    const told: string[] = [];
    const sender = { platform: 'slack' as const, send: async () => ({ kind: 'sent' as const }), tellManager: async (_subscription: Subscription, notice: Reply) => void told.push(replyToPlainText(notice)) };
    const notices = new ManagerNotices(new Map([['slack', sender]]), createLogger({ level: 'error', format: 'json', stream: { write: () => true } as unknown as NodeJS.WritableStream }), 7);
    notices.subscriptionPaused({ subscription: SUBSCRIPTION, reason: 'the feed is gone (the site answered 410 Gone)', itemsKept: false });
    await notices.settled();
    expect(told[0]).toMatch(/410 Gone\)\.\nNew items that match are kept meanwhile, the latest 7 \(older ones past that are dropped, and counted\)/);
  });

  it('logs a notice it cannot deliver and carries on', async () => {
    const { notices, lines } = setUp(async () => {
      throw new Error('cannot open a DM');
    });
    notices.subscriptionPaused({ subscription: SUBSCRIPTION, reason: 'gone', itemsKept: true });
    await expect(notices.settled()).resolves.toBeUndefined();
    expect(lines.join('')).toMatch(/could not tell the subscription manager about the pause.*cannot open a DM/);
  });

  it('stays quiet for a platform that cannot message people (the console)', async () => {
    const { notices, lines } = setUp();
    notices.subscriptionPaused({ subscription: SUBSCRIPTION, reason: 'gone', itemsKept: true });
    await notices.settled();
    expect(lines).toEqual([]);
  });
});
