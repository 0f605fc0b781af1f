import { beforeAll, describe, expect, it } from 'vitest';
import { makeRss } from '../../test/emulators/feed-documents.ts';
import { useFeedServer } from '../../test/support/use-feed-server.ts';
import { useTemporaryStores } from '../../test/support/temporary-store.ts';
import { RuleCache } from '../delivery/rule-cache.ts';
import { loadFeed } from '../feeds/load-feed.ts';
import { combineListeners } from '../activity.ts';
import { createSilentLogger } from '../log.ts';
import { pollFeed } from '../poller/poll-feed.ts';
import type { Repositories } from '../store/repositories.ts';
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

  it('never gives a new subscription what the feed held when it was made, while others still get their unseen items', async () => {
    const { service, repos } = makeService();
    const url = server.url('/shared.xml');
    const undated = (id: string) => ({ guid: id, title: `Kafka ${id}` });
    server.setFeed('/shared.xml', makeRss([undated('1')]));
    const first = await service.add(request({ url, channelId: 'first' }));
    server.setFeed('/shared.xml', makeRss([undated('2'), undated('1')]));
    const second = await service.add(request({ url, channelId: 'second' }));
    expect(second.subscription.skipItemIds).toEqual(['2']);

    const routed = await pollOnce(repos, url);
    expect(routed).toEqual([`${first.subscription.id} 2`]);
  });

  it('refreshes a seen set that went stale while nobody followed the feed', async () => {
    const { service, repos } = makeService();
    const url = server.url('/stale.xml');
    server.setFeed('/stale.xml', makeRss([{ guid: '1', title: 'Kafka one' }]));
    const earlier = await service.add(request({ url }));
    await service.remove(guild, earlier.subscription.id);
    server.setFeed('/stale.xml', makeRss([{ guid: '3', title: 'Kafka three' }, { guid: '2', title: 'Kafka two' }, { guid: '1', title: 'Kafka one' }]));
    await service.add(request({ url }));
    expect(await pollOnce(repos, url)).toEqual([]);
  });
});

/** Polls the feed once through the real poller and returns the deliveries it queued, as "subscription item". */
async function pollOnce(repos: Repositories, url: string): Promise<string[]> {
  await repos.saveFeedState({ url, consecutiveFailures: 0 });
  await pollFeed(url, {
    repos, load: loadFeed, rules: new RuleCache(), log: createSilentLogger(), activity: combineListeners([]),
    allowPrivateUrls: true, pollIntervalSeconds: 600, maxItemAgeDays: 7, clock: () => new Date('2026-11-21T12:05:00Z'),
  });
  return (await repos.outbox.list()).map((delivery) => `${delivery.subscriptionId} ${delivery.itemId}`);
}
