import { beforeAll, describe, expect, it } from 'vitest';
import { makeRss } from '../../test/emulators/feed-documents.ts';
import { useFeedServer } from '../../test/support/use-feed-server.ts';
import { useTemporaryStores } from '../../test/support/temporary-store.ts';
import { RuleCache } from '../delivery/rule-cache.ts';
import { loadFeed } from '../feeds/load-feed.ts';
import { SubscriptionService } from './subscription-service.ts';

const server = useFeedServer();
beforeAll(() => {
  server.setFeed('/feed.xml', makeRss([
    { guid: '1', title: 'Kafka in production', pubDate: new Date('2026-11-20T10:00:00Z') },
    { guid: '2', title: 'Gardening', pubDate: new Date('2026-11-21T10:00:00Z') },
  ], { title: 'Service Feed' }));
});
const openStore = useTemporaryStores();

function makeService(allowPrivateUrls = true) {
  const store = openStore();
  const service = new SubscriptionService({ repos: store.repos, load: loadFeed, rules: new RuleCache(), allowPrivateUrls, pollIntervalSeconds: 600, clock: () => new Date('2026-11-21T12:00:00Z') });
  return { service, repos: store.repos };
}

const guild = { platform: 'discord', workspaceId: 'g1' } as const;
const request = (overrides: Partial<Parameters<SubscriptionService['add']>[0]> = {}) => ({
  ...guild, channelId: 'c1', url: server.url('/feed.xml'), rule: 'kafka', createdBy: 'u1', ...overrides,
});

describe('SubscriptionService', () => {
  it('adds a subscription and records the baseline so existing items are never posted', async () => {
    const { service, repos } = makeService();
    const { subscription, itemCount } = await service.add(request({ rule: '  kafka  ' }));
    expect(itemCount).toBe(2);
    expect(subscription).toMatchObject({ feedTitle: 'Service Feed', rule: 'kafka', channelId: 'c1', paused: false });
    expect((await repos.getSeenSet(subscription.feedUrl))?.keys.sort()).toEqual(['1', '2']);
    expect(await service.list(guild)).toHaveLength(1);
  });

  it('refuses the same feed twice in one channel, and a private address unless allowed', async () => {
    const { service } = makeService();
    await service.add(request());
    await expect(service.add(request({ rule: 'other' }))).rejects.toMatchObject({ code: 'duplicate-subscription' });
    const strict = makeService(false).service;
    await expect(strict.add(request())).rejects.toMatchObject({ code: 'blocked-address' });
  });

  it('refuses a malformed rule before fetching, with its position', async () => {
    const { service } = makeService();
    const before = server.requestsTo('/feed.xml');
    await expect(service.add(request({ rule: '(kafka' }))).rejects.toMatchObject({ code: 'rule-syntax' });
    expect(server.requestsTo('/feed.xml')).toBe(before);
  });

  it('finds, pauses and removes only within the same workspace', async () => {
    const { service } = makeService();
    const { subscription } = await service.add(request());
    await expect(service.remove({ platform: 'discord', workspaceId: 'other' }, subscription.id)).rejects.toMatchObject({ code: 'subscription-not-found' });
    expect((await service.setPaused(guild, subscription.id, true, 'test')).paused).toBe(true);
    expect((await service.setPaused(guild, subscription.id, false)).pausedReason).toBeUndefined();
    await service.remove(guild, subscription.id);
    expect(await service.list(guild)).toEqual([]);
  });

  it('previews the latest items newest first with verdicts', async () => {
    const { service } = makeService();
    const preview = await service.preview(server.url('/feed.xml'), 'kafka');
    expect(preview.items.map((entry) => [entry.item.title, entry.matches])).toEqual([['Gardening', false], ['Kafka in production', true]]);
    expect(preview.items[1]!.reason).toMatch(/kafka/);
  });

  it('accepts a pasted URL in angle brackets or without a scheme', async () => {
    const { service } = makeService();
    const { subscription } = await service.add(request({ url: `<${server.url('/feed.xml')}>` }));
    expect(subscription.feedUrl).toBe(server.url('/feed.xml'));
  });
});
