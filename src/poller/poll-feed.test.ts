/**
 * One poll of one feed through the real data path (fetch from a local server, parse, newness, rules, outbox)
 * into a real SQLite store.
 */
import { describe, expect, it } from 'vitest';
import { makeRss } from '../../test/emulators/feed-documents.ts';
import type { TestItem } from '../../test/emulators/feed-documents.ts';
import { useFeedServer } from '../../test/support/use-feed-server.ts';
import { useTemporaryStores } from '../../test/support/temporary-store.ts';
import { combineListeners } from '../activity.ts';
import type { PausedEvent } from '../activity.ts';
import { RuleCache } from '../delivery/rule-cache.ts';
import { loadFeed } from '../feeds/load-feed.ts';
import { createSilentLogger } from '../log.ts';
import type { Store, StoreSession } from '../store/store.ts';
import type { Subscription } from '../store/records.ts';
import { LeaseLostError, pollFeed } from './poll-feed.ts';
import type { PollDependencies } from './poll-feed.ts';

const server = useFeedServer();
const openStore = useTemporaryStores();

const SUBSCRIBED_AT = new Date('2026-11-21T10:00:00Z');
let now = new Date('2026-11-21T12:00:00Z');

function post(id: string, title: string, minutesAfterSubscription = 30): TestItem {
  return { guid: id, title, link: `https://blog.test/${id}`, description: `About ${title}`, pubDate: new Date(SUBSCRIBED_AT.getTime() + minutesAfterSubscription * 60_000) };
}

function subscription(id: string, channelId: string, rule: string, path: string): Subscription {
  return { id, platform: 'discord', workspaceId: 'g', channelId, feedUrl: server.url(path), feedTitle: 'T', rule, createdAt: SUBSCRIBED_AT.toISOString(), createdBy: 'u', paused: false };
}

function dependencies(store: Store, failures: unknown[] = [], paused: PausedEvent[] = []): PollDependencies {
  return {
    store, load: loadFeed, rules: new RuleCache(), log: createSilentLogger(),
    activity: combineListeners([{ feedFailed: (event) => failures.push(event.error), subscriptionPaused: (event) => paused.push(event) }]),
    allowPrivateUrls: true, pollIntervalSeconds: 60, maxItemAgeDays: 7, clock: () => now,
  };
}

async function setUp(path: string, rules: Record<string, string>) {
  const { store } = await openStore();
  let index = 0;
  for (const [channel, rule] of Object.entries(rules)) {
    index += 1;
    await store.subscriptions.put(subscription(`s${index}`, channel, rule, path));
  }
  return store;
}

const outboxTitles = async (store: Store, channelId?: string) =>
  (await store.deliveries.list(channelId === undefined ? {} : { channelId })).map((d) => d.message.title).sort();

describe('pollFeed', () => {
  it('takes a baseline, then queues each new item once for every subscription whose rule matches', async () => {
    const path = '/fan-out.xml';
    const store = await setUp(path, { kafka: 'kafka OR "event streaming"', rust: 'title:rust -title:"rust belt"' });
    const deps = dependencies(store);
    server.setFeed(path, makeRss([post('1', 'Kafka at scale')]));
    expect(await pollFeed(server.url(path), deps)).toMatchObject({ kind: 'polled', baseline: true, deliveries: 0 });

    server.setFeed(path, makeRss([
      post('4', 'Event streaming for beginners'), post('3', 'Rust belt economics'), post('2', 'Rust 2.0 is out'), post('1', 'Kafka at scale'),
    ]));
    expect(await pollFeed(server.url(path), deps)).toMatchObject({ kind: 'polled', newItems: 3, deliveries: 2 });
    expect(await outboxTitles(store, 'kafka')).toEqual(['Event streaming for beginners']);
    expect(await outboxTitles(store, 'rust')).toEqual(['Rust 2.0 is out']);

    expect(await pollFeed(server.url(path), deps)).toEqual({ kind: 'not-modified' });
    expect(await store.deliveries.list()).toHaveLength(2);
  });

  it('does not queue items dated before the subscription or older than the age limit', async () => {
    const path = '/old-items.xml';
    const store = await setUp(path, { all: '' });
    const deps = dependencies(store);
    server.setFeed(path, makeRss([post('1', 'First')]));
    await pollFeed(server.url(path), deps);
    now = new Date('2026-12-21T12:00:00Z');
    server.setFeed(path, makeRss([post('3', 'Dated before the subscription', -60), post('2', 'Month old but new to us'), post('1', 'First')]));
    expect(await pollFeed(server.url(path), deps)).toMatchObject({ newItems: 2, deliveries: 0 });
    now = new Date('2026-11-21T12:00:00Z');
  });

  it('records a failure with backoff and keeps the seen set when the feed is unreachable', async () => {
    const path = '/flaky.xml';
    const store = await setUp(path, { all: '' });
    const failures: unknown[] = [];
    const deps = dependencies(store, failures);
    server.setFeed(path, makeRss([post('1', 'First')]));
    await pollFeed(server.url(path), deps);
    server.setResponse(path, { status: 503, headers: { 'retry-after': '120' } });
    expect((await pollFeed(server.url(path), deps)).kind).toBe('failed');
    const state = await store.feeds.get(server.url(path));
    expect(state?.consecutiveFailures).toBe(1);
    expect(Date.parse(state!.nextPollAt!) - now.getTime()).toBeGreaterThanOrEqual(120_000);
    expect(failures).toHaveLength(1);
    server.setFeed(path, makeRss([post('2', 'Second'), post('1', 'First')]));
    expect(await pollFeed(server.url(path), deps)).toMatchObject({ kind: 'polled', newItems: 1, deliveries: 1 });
    expect((await store.feeds.get(server.url(path)))?.consecutiveFailures).toBe(0);
  });

  it('follows a feed that moved for good: its subscriptions, state and seen set move to the new address', async () => {
    const store = await setUp('/old-home.xml', { a: '', b: 'kafka' });
    const deps = dependencies(store);
    server.setFeed('/old-home.xml', makeRss([post('1', 'First')]));
    await pollFeed(server.url('/old-home.xml'), deps);
    server.setFeed('/new-home.xml', makeRss([post('2', 'Kafka news'), post('1', 'First')]));
    server.setRedirect('/old-home.xml', '/new-home.xml', 301);

    expect(await pollFeed(server.url('/old-home.xml'), deps)).toMatchObject({ kind: 'polled', newItems: 1, deliveries: 2 });
    expect((await store.subscriptions.listByFeed(server.url('/new-home.xml'))).map((subscription) => subscription.id)).toEqual(['s1', 's2']);
    expect(await store.feeds.get(server.url('/old-home.xml'))).toBeUndefined();
    expect((await store.feeds.get(server.url('/new-home.xml')))?.title).toBe('Test Feed');

    // The next poll goes straight to the new address, and what was seen stays seen.
    const before = server.requestsTo('/old-home.xml');
    expect(await pollFeed(server.url('/new-home.xml'), deps)).toEqual({ kind: 'not-modified' });
    server.setFeed('/new-home.xml', makeRss([post('3', 'Third'), post('2', 'Kafka news'), post('1', 'First')]));
    expect(await pollFeed(server.url('/new-home.xml'), deps)).toMatchObject({ newItems: 1, deliveries: 1 });
    expect(server.requestsTo('/old-home.xml')).toBe(before);
  });

  it('keeps the stored address after a temporary redirect', async () => {
    const store = await setUp('/visiting.xml', { a: '' });
    server.setFeed('/elsewhere.xml', makeRss([post('1', 'First')]));
    server.setRedirect('/visiting.xml', '/elsewhere.xml', 302);
    await pollFeed(server.url('/visiting.xml'), dependencies(store));
    expect((await store.subscriptions.get('s1'))?.feedUrl).toBe(server.url('/visiting.xml'));
  });

  it('pauses the subscriptions of a feed that is gone (410), and says so', async () => {
    const path = '/gone.xml';
    const store = await setUp(path, { all: '' });
    const paused: PausedEvent[] = [];
    server.setResponse(path, { status: 410 });
    await pollFeed(server.url(path), dependencies(store, [], paused));
    expect((await store.subscriptions.get('s1'))?.paused).toBe(true);
    expect(paused.map((event) => [event.subscription.id, event.reason, event.itemsKept])).toEqual([['s1', 'the feed is gone (the site answered 410 Gone)', false]]);
  });

  it('pauses the active subscriptions of a feed that has failed for more than a day, once, and forgets a failure run that ends', async () => {
    const path = '/broken.xml';
    const store = await setUp(path, { a: '', b: '' });
    await store.subscriptions.setPaused('s2', true, 'paused with /feed pause', now);
    const paused: PausedEvent[] = [];
    const deps = dependencies(store, [], paused);
    const start = now;
    const at = (hours: number) => (now = new Date(start.getTime() + hours * 3_600_000));
    try {
      server.setResponse(path, { status: 500 });
      await pollFeed(server.url(path), deps);
      at(23);
      await pollFeed(server.url(path), deps);
      expect(paused).toEqual([]);

      server.setFeed(path, makeRss([post('1', 'First')]));
      await pollFeed(server.url(path), deps);
      expect((await store.feeds.get(server.url(path)))?.failingSince).toBeUndefined();

      server.setResponse(path, { status: 500 });
      at(30);
      await pollFeed(server.url(path), deps);
      at(53);
      await pollFeed(server.url(path), deps);
      expect(paused).toEqual([]);
      at(54.5);
      await pollFeed(server.url(path), deps);
      expect(paused.map((event) => event.subscription.id)).toEqual(['s1']);
      expect(paused[0]!.itemsKept).toBe(false);
      expect(paused[0]!.reason).toMatch(/^the feed has failed for more than a day \(since \d{4}-\d\d-\d\d \d\d:\d\d UTC\): .*500/);
      expect((await store.subscriptions.get('s1'))?.pausedReason).toBe(paused[0]!.reason);
      expect((await store.subscriptions.get('s2'))?.pausedReason).toBe('paused with /feed pause');

      at(60);
      await pollFeed(server.url(path), deps);
      expect(paused).toHaveLength(1);
    } finally {
      now = start;
    }
  });
  it('commits a poll all or nothing: when the seen set cannot be written, no delivery is queued and the state stays', async () => {
    const path = '/all-or-nothing.xml';
    const store = await setUp(path, { all: '' });
    server.setFeed(path, makeRss([post('1', 'First')]));
    await pollFeed(server.url(path), dependencies(store));
    const before = await store.feeds.get(server.url(path));
    server.setFeed(path, makeRss([post('2', 'Second'), post('1', 'First')]));
    const failing: Store = Object.assign(Object.create(store) as Store, {
      transaction: <T>(work: (session: StoreSession) => Promise<T>) =>
        store.transaction((session) => work(Object.assign(Object.create(session) as StoreSession, { seen: { get: (url: string) => session.seen.get(url), save: () => Promise.reject(new Error('disk I/O error')) } }))),
    });
    await expect(pollFeed(server.url(path), dependencies(failing))).rejects.toThrow('disk I/O error');
    expect(await store.deliveries.list()).toEqual([]);
    expect(await store.feeds.get(server.url(path))).toEqual(before);
    // The next poll finds the item new again and queues it once.
    expect(await pollFeed(server.url(path), dependencies(store))).toMatchObject({ newItems: 1, deliveries: 1 });
  });

  it('commits nothing when its lease was taken over during the fetch', async () => {
    const path = '/taken-over.xml';
    const store = await setUp(path, { all: '' });
    server.setFeed(path, makeRss([post('1', 'First')]));
    await pollFeed(server.url(path), dependencies(store));
    server.setFeed(path, makeRss([post('2', 'Second'), post('1', 'First')]));
    await store.feeds.save({ ...(await store.feeds.get(server.url(path)))!, nextPollAt: new Date(now.getTime() - 1000).toISOString() });
    expect(await store.leases.claimDueFeeds('me', now, 10, 1)).toEqual([server.url(path)]);
    // My lease (1 ms) expires and another process claims the feed.
    const later = new Date(now.getTime() + 1000);
    expect(await store.leases.claimDueFeeds('other', later, 10, 60_000)).toEqual([server.url(path)]);
    await expect(pollFeed(server.url(path), { ...dependencies(store), clock: () => later }, 'me')).rejects.toBeInstanceOf(LeaseLostError);
    expect(await store.deliveries.list()).toEqual([]);
    expect(await store.decisions.forItem(server.url(path), '2')).toEqual([]);
    expect(await pollFeed(server.url(path), { ...dependencies(store), clock: () => later }, 'other')).toMatchObject({ newItems: 1, deliveries: 1 });
    expect(await store.decisions.forItem(server.url(path), '2')).toMatchObject([{ subscriptionId: 's1', delivered: true }]);
  });
});
