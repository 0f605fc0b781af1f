import { beforeAll, describe, expect, it } from 'vitest';
import { makeRss } from '../../test/emulators/feed-documents.ts';
import { useFeedServer } from '../../test/support/use-feed-server.ts';
import { useTemporaryStores } from '../../test/support/temporary-store.ts';
import { RuleCache } from '../delivery/rule-cache.ts';
import { loadFeed } from '../feeds/load-feed.ts';
import { combineListeners } from '../activity.ts';
import { createSilentLogger } from '../log.ts';
import { pollFeed } from '../poller/poll-feed.ts';
import { openCache } from '../store/cache.ts';
import type { Store } from '../store/store.ts';
import { rulePrecedenceWarning, ruleReading, SubscriptionService } from './subscription-service.ts';

const server = useFeedServer();
beforeAll(() => {
  server.setFeed('/feed.xml', makeRss([
    { guid: '1', title: 'Kafka in production', pubDate: new Date('2026-11-20T10:00:00Z') },
    { guid: '2', title: 'Gardening', pubDate: new Date('2026-11-21T10:00:00Z') },
  ], { title: 'Service Feed' }));
});
const openStore = useTemporaryStores();

async function makeService(allowPrivateUrls = true) {
  const { store } = await openStore();
  const service = new SubscriptionService({ store, cache: openCache(undefined, createSilentLogger()), load: loadFeed, rules: new RuleCache(), allowPrivateUrls, pollIntervalSeconds: 600, clock: () => new Date('2026-11-21T12:00:00Z') });
  return { service, store };
}

const guild = { platform: 'discord', workspaceId: 'g1' } as const;
const request = (overrides: Partial<Parameters<SubscriptionService['add']>[0]> = {}) => ({
  ...guild, channelId: 'c1', url: server.url('/feed.xml'), rule: 'kafka', createdBy: 'u1', ...overrides,
});

describe('SubscriptionService', () => {
  it('adds a subscription and records the baseline so existing items are never posted', async () => {
    const { service, store } = await makeService();
    const { subscription, itemCount } = await service.add(request({ rule: '  kafka  ' }));
    expect(itemCount).toBe(2);
    expect(subscription).toMatchObject({ feedTitle: 'Service Feed', rule: 'kafka', channelId: 'c1', paused: false });
    expect((await store.seen.get(subscription.feedUrl))?.keys.sort()).toEqual(['1', '2']);
    expect(await service.list(guild)).toHaveLength(1);
  });

  it('refuses the same feed twice in one channel, and a private address unless allowed', async () => {
    const { service } = await makeService();
    await service.add(request());
    await expect(service.add(request({ rule: 'other' }))).rejects.toMatchObject({ code: 'duplicate-subscription' });
    const strict = (await makeService(false)).service;
    await expect(strict.add(request())).rejects.toMatchObject({ code: 'blocked-address' });
  });

  it('refuses a malformed rule before fetching, with its position', async () => {
    const { service } = await makeService();
    const before = server.requestsTo('/feed.xml');
    await expect(service.add(request({ rule: '(kafka' }))).rejects.toMatchObject({ code: 'rule-syntax' });
    expect(server.requestsTo('/feed.xml')).toBe(before);
  });

  it('finds, pauses and removes only within the same workspace', async () => {
    const { service } = await makeService();
    const { subscription } = await service.add(request());
    await expect(service.remove({ platform: 'discord', workspaceId: 'other' }, subscription.id)).rejects.toMatchObject({ code: 'subscription-not-found' });
    expect((await service.setPaused(guild, subscription.id, true, 'test')).paused).toBe(true);
    expect((await service.setPaused(guild, subscription.id, false)).pausedReason).toBeUndefined();
    await service.remove(guild, subscription.id);
    expect(await service.list(guild)).toEqual([]);
  });

  it('previews the latest items newest first with verdicts', async () => {
    const { service } = await makeService();
    const preview = await service.preview(server.url('/feed.xml'), 'kafka');
    expect(preview.items.map((entry) => [entry.item.title, entry.matches])).toEqual([['Gardening', false], ['Kafka in production', true]]);
    expect(preview.items[1]!.reason).toMatch(/kafka/);
  });

  it('shows the previewed rule in its fully parenthesised reading', async () => {
    const { service } = await makeService();
    const preview = await service.preview(server.url('/feed.xml'), ' kafka OR "event streaming" -title:sponsored ');
    expect(preview.rule).toBe('(kafka OR "event streaming") AND NOT title:sponsored');
    expect((await service.preview(server.url('/feed.xml'), '  ')).rule).toBe('');
  });

  it('fetches a feed once for a preview followed by an add, and remembers the feed a page links to', async () => {
    const { service } = await makeService();
    server.setFeed('/previewed.xml', makeRss([{ guid: '1', title: 'Kafka one' }]));
    server.setFeed('/blog.html', `<html><head><link rel="alternate" type="application/rss+xml" href="/previewed.xml"></head></html>`, { contentType: 'text/html' });
    await service.preview(server.url('/blog.html'), 'kafka');
    const { subscription } = await service.add(request({ url: server.url('/blog.html') }));
    expect(subscription.feedUrl).toBe(server.url('/previewed.xml'));
    expect([server.requestsTo('/blog.html'), server.requestsTo('/previewed.xml')]).toEqual([1, 1]);
  });

  it('accepts a pasted URL in angle brackets or without a scheme', async () => {
    const { service } = await makeService();
    const { subscription } = await service.add(request({ url: `<${server.url('/feed.xml')}>` }));
    expect(subscription.feedUrl).toBe(server.url('/feed.xml'));
  });

  it('never gives a new subscription what the feed held when it was made, while others still get their unseen items', async () => {
    const { service, store } = await makeService();
    const url = server.url('/shared.xml');
    const undated = (id: string) => ({ guid: id, title: `Kafka ${id}` });
    server.setFeed('/shared.xml', makeRss([undated('1')]));
    const first = await service.add(request({ url, channelId: 'first' }));
    server.setFeed('/shared.xml', makeRss([undated('2'), undated('1')]));
    const second = await service.add(request({ url, channelId: 'second' }));
    expect(second.subscription.skipItemIds).toEqual(['2']);

    const routed = await pollOnce(store, url);
    expect(routed).toEqual([`${first.subscription.id} 2`]);
  });

  it('refreshes a seen set that went stale while nobody followed the feed', async () => {
    const { service, store } = await makeService();
    const url = server.url('/stale.xml');
    server.setFeed('/stale.xml', makeRss([{ guid: '1', title: 'Kafka one' }]));
    const earlier = await service.add(request({ url }));
    await service.remove(guild, earlier.subscription.id);
    server.setFeed('/stale.xml', makeRss([{ guid: '3', title: 'Kafka three' }, { guid: '2', title: 'Kafka two' }, { guid: '1', title: 'Kafka one' }]));
    await service.add(request({ url }));
    expect(await pollOnce(store, url)).toEqual([]);
  });
});

/** Polls the feed once through the real poller and returns the deliveries it queued, as "subscription item". */
async function pollOnce(store: Store, url: string): Promise<string[]> {
  await store.feeds.save({ url, consecutiveFailures: 0 });
  await pollFeed(url, {
    store, load: loadFeed, rules: new RuleCache(), log: createSilentLogger(), activity: combineListeners([]),
    allowPrivateUrls: true, pollIntervalSeconds: 600, maxItemAgeDays: 7, clock: () => new Date('2026-11-21T12:05:00Z'),
  });
  return (await store.deliveries.list()).map((delivery) => `${delivery.subscriptionId} ${delivery.itemId}`);
}

describe('ruleReading', () => {
  it.each([
    ['', ''],
    ['kafka', 'kafka'],
    ['rust go OR kafka', 'rust AND (go OR kafka)'],
    ['(rust go) OR kafka', '(rust AND go) OR kafka'],
    ['title:/k8s/i -sponsored', 'title:/k8s/i AND NOT sponsored'],
    // A stored rule that no longer compiles is shown as it is stored.
    [' kafka OR ', 'kafka OR'],
  ])('shows %j as %j', (rule, reading) => {
    expect(ruleReading(rule)).toBe(reading);
  });
});

describe('rulePrecedenceWarning', () => {
  it.each(['', 'kafka', 'kafka OR "event streaming" OR mcp', 'title:rust -title:"rust belt"', 'a (b OR c)', '(a b) OR c', 'NOT a OR b'])(
    'says nothing about %j, which reads as it did',
    (rule) => {
      expect(rulePrecedenceWarning(rule)).toBeUndefined();
    },
  );

  it.each([
    ['kafka OR "event streaming" -title:sponsored', '(kafka OR "event streaming") -title:sponsored', 'kafka OR ("event streaming" -title:sponsored)'],
    ['rust go OR kafka', 'rust (go OR kafka)', '(rust go) OR kafka'],
    [' a AND b OR c AND d ', 'a (b OR c) d', '(a b) OR (c d)'],
  ])('gives both readings of %j, and either one written out silences it', (rule, now, before) => {
    expect(rulePrecedenceWarning(rule)).toBe(
      `now reads \`${now}\` (OR binds tighter than a space), where it read \`${before}\` before; ` +
        `to keep the old meaning write \`${before}\`, or write \`${now}\` to keep the new one: either silences this warning`,
    );
    expect(rulePrecedenceWarning(before)).toBeUndefined();
    expect(rulePrecedenceWarning(now)).toBeUndefined();
    // The new reading written out means what the rule means now (that the old one keeps the old meaning is
    // migration 004's test: the same explicitRule).
    expect(ruleReading(now)).toBe(ruleReading(rule));
  });
});
