import { describe, expect, it } from 'vitest';
import { makeRss } from '../../test/emulators/feed-documents.ts';
import { useFeedServer } from '../../test/support/use-feed-server.ts';
import { useTemporaryStores } from '../../test/support/temporary-store.ts';
import { combineListeners } from '../activity.ts';
import { OutboxDeliverer } from '../delivery/deliver-outbox.ts';
import type { MessageSender, SendOutcome } from '../delivery/message-sender.ts';
import { RuleCache } from '../delivery/rule-cache.ts';
import { loadFeed } from '../feeds/load-feed.ts';
import type { Message } from '../format/message.ts';
import { createSilentLogger } from '../log.ts';
import type { Subscription } from '../store/records.ts';
import { Scheduler } from './scheduler.ts';

const server = useFeedServer();
const openStore = useTemporaryStores();

class RecordingSender implements MessageSender {
  readonly platform = 'discord' as const;
  readonly posts: string[] = [];
  async send(channelId: string, message: Message): Promise<SendOutcome> {
    this.posts.push(`${channelId}: ${message.title}`);
    return { kind: 'sent' };
  }
}

describe('Scheduler', () => {
  it('fetches a feed once per interval however many channels follow it, and posts to each', async () => {
    let now = new Date('2026-11-21T12:00:00Z');
    const store = openStore();
    const { repos } = store;
    const url = server.url('/shared.xml');
    for (const channel of ['a', 'b', 'c']) {
      const subscription: Subscription = { id: channel, platform: 'discord', workspaceId: 'g', channelId: channel, feedUrl: url, feedTitle: 'T', rule: '', createdAt: now.toISOString(), createdBy: 'u', paused: false };
      await repos.subscriptions.put(channel, subscription);
    }
    server.setFeed('/shared.xml', makeRss([{ guid: '1', title: 'Old', pubDate: now }]));
    const sender = new RecordingSender();
    const log = createSilentLogger();
    const activity = combineListeners([]);
    const clock = () => now;
    const deliverer = new OutboxDeliverer(repos, new Map([['discord', sender]]), log, activity, clock);
    const scheduler = new Scheduler(repos, { repos, load: loadFeed, rules: new RuleCache(), log, activity, clock, allowPrivateUrls: true, pollIntervalSeconds: 60, maxItemAgeDays: 7 }, deliverer, log);

    await scheduler.tick();
    expect(server.requestsTo('/shared.xml')).toBe(1);
    await scheduler.tick();
    expect(server.requestsTo('/shared.xml')).toBe(1);

    server.setFeed('/shared.xml', makeRss([{ guid: '2', title: 'New', pubDate: now }, { guid: '1', title: 'Old', pubDate: now }]));
    now = new Date(now.getTime() + 61_000);
    await scheduler.tick();
    expect(server.requestsTo('/shared.xml')).toBe(2);
    expect(sender.posts.sort()).toEqual(['a: New', 'b: New', 'c: New']);
    await scheduler.stop();
  });
});
