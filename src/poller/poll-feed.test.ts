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
import type { Repositories } from '../store/repositories.ts';
import type { Subscription } from '../store/records.ts';
import { pollFeed } from './poll-feed.ts';
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

function dependencies(repos: Repositories, failures: unknown[] = [], paused: PausedEvent[] = []): PollDependencies {
  return {
    repos, load: loadFeed, rules: new RuleCache(), log: createSilentLogger(),
    activity: combineListeners([{ feedFailed: (event) => failures.push(event.error), subscriptionPaused: (event) => paused.push(event) }]),
    allowPrivateUrls: true, pollIntervalSeconds: 60, maxItemAgeDays: 7, clock: () => now,
  };
}

async function setUp(path: string, rules: Record<string, string>) {
  const store = openStore();
  let index = 0;
  for (const [channel, rule] of Object.entries(rules)) {
    index += 1;
    await store.repos.subscriptions.put(`s${index}`, subscription(`s${index}`, channel, rule, path));
  }
  return store.repos;
}

const outboxTitles = async (repos: Repositories, channelId?: string) =>
  (await repos.outbox.list()).filter((d) => channelId === undefined || d.channelId === channelId).map((d) => d.message.title).sort();

describe('pollFeed', () => {
  it('takes a baseline, then queues each new item once for every subscription whose rule matches', async () => {
    const path = '/fan-out.xml';
    const repos = await setUp(path, { kafka: 'kafka OR "event streaming"', rust: 'title:rust -title:"rust belt"' });
    const deps = dependencies(repos);
    server.setFeed(path, makeRss([post('1', 'Kafka at scale')]));
    expect(await pollFeed(server.url(path), deps)).toMatchObject({ kind: 'polled', baseline: true, deliveries: 0 });

    server.setFeed(path, makeRss([
      post('4', 'Event streaming for beginners'), post('3', 'Rust belt economics'), post('2', 'Rust 2.0 is out'), post('1', 'Kafka at scale'),
    ]));
    expect(await pollFeed(server.url(path), deps)).toMatchObject({ kind: 'polled', newItems: 3, deliveries: 2 });
    expect(await outboxTitles(repos, 'kafka')).toEqual(['Event streaming for beginners']);
    expect(await outboxTitles(repos, 'rust')).toEqual(['Rust 2.0 is out']);

    expect(await pollFeed(server.url(path), deps)).toEqual({ kind: 'not-modified' });
    expect(await repos.outbox.ids()).toHaveLength(2);
  });

  it('does not queue items dated before the subscription or older than the age limit', async () => {
    const path = '/old-items.xml';
    const repos = await setUp(path, { all: '' });
    const deps = dependencies(repos);
    server.setFeed(path, makeRss([post('1', 'First')]));
    await pollFeed(server.url(path), deps);
    now = new Date('2026-12-21T12:00:00Z');
    server.setFeed(path, makeRss([post('3', 'Dated before the subscription', -60), post('2', 'Month old but new to us'), post('1', 'First')]));
    expect(await pollFeed(server.url(path), deps)).toMatchObject({ newItems: 2, deliveries: 0 });
    now = new Date('2026-11-21T12:00:00Z');
  });

  it('records a failure with backoff and keeps the seen set when the feed is unreachable', async () => {
    const path = '/flaky.xml';
    const repos = await setUp(path, { all: '' });
    const failures: unknown[] = [];
    const deps = dependencies(repos, failures);
    server.setFeed(path, makeRss([post('1', 'First')]));
    await pollFeed(server.url(path), deps);
    server.setResponse(path, { status: 503, headers: { 'retry-after': '120' } });
    expect((await pollFeed(server.url(path), deps)).kind).toBe('failed');
    const state = await repos.getFeedState(server.url(path));
    expect(state?.consecutiveFailures).toBe(1);
    expect(Date.parse(state!.nextPollAt!) - now.getTime()).toBeGreaterThanOrEqual(120_000);
    expect(failures).toHaveLength(1);
    server.setFeed(path, makeRss([post('2', 'Second'), post('1', 'First')]));
    expect(await pollFeed(server.url(path), deps)).toMatchObject({ kind: 'polled', newItems: 1, deliveries: 1 });
    expect((await repos.getFeedState(server.url(path)))?.consecutiveFailures).toBe(0);
  });

  it('follows a feed that moved for good: its subscriptions, state and seen set move to the new address', async () => {
    const repos = await setUp('/old-home.xml', { a: '', b: 'kafka' });
    const deps = dependencies(repos);
    server.setFeed('/old-home.xml', makeRss([post('1', 'First')]));
    await pollFeed(server.url('/old-home.xml'), deps);
    server.setFeed('/new-home.xml', makeRss([post('2', 'Kafka news'), post('1', 'First')]));
    server.setRedirect('/old-home.xml', '/new-home.xml', 301);

    expect(await pollFeed(server.url('/old-home.xml'), deps)).toMatchObject({ kind: 'polled', newItems: 1, deliveries: 2 });
    expect((await repos.subscriptions.list()).map((subscription) => subscription.feedUrl)).toEqual([server.url('/new-home.xml'), server.url('/new-home.xml')]);
    expect(await repos.getFeedState(server.url('/old-home.xml'))).toBeUndefined();
    expect((await repos.getFeedState(server.url('/new-home.xml')))?.title).toBe('Test Feed');

    // The next poll goes straight to the new address, and what was seen stays seen.
    const before = server.requestsTo('/old-home.xml');
    expect(await pollFeed(server.url('/new-home.xml'), deps)).toEqual({ kind: 'not-modified' });
    server.setFeed('/new-home.xml', makeRss([post('3', 'Third'), post('2', 'Kafka news'), post('1', 'First')]));
    expect(await pollFeed(server.url('/new-home.xml'), deps)).toMatchObject({ newItems: 1, deliveries: 1 });
    expect(server.requestsTo('/old-home.xml')).toBe(before);
  });

  it('keeps the stored address after a temporary redirect', async () => {
    const repos = await setUp('/visiting.xml', { a: '' });
    server.setFeed('/elsewhere.xml', makeRss([post('1', 'First')]));
    server.setRedirect('/visiting.xml', '/elsewhere.xml', 302);
    await pollFeed(server.url('/visiting.xml'), dependencies(repos));
    expect((await repos.subscriptions.get('s1'))?.feedUrl).toBe(server.url('/visiting.xml'));
  });

  it('pauses the subscriptions of a feed that is gone (410), and says so', async () => {
    const path = '/gone.xml';
    const repos = await setUp(path, { all: '' });
    const paused: PausedEvent[] = [];
    server.setResponse(path, { status: 410 });
    await pollFeed(server.url(path), dependencies(repos, [], paused));
    expect((await repos.subscriptions.get('s1'))?.paused).toBe(true);
    expect(paused.map((event) => [event.subscription.id, event.reason, event.itemsKept])).toEqual([['s1', 'the feed is gone (the site answered 410 Gone)', false]]);
  });

  it('pauses the active subscriptions of a feed that has failed for more than a day, once, and forgets a failure run that ends', async () => {
    const path = '/broken.xml';
    const repos = await setUp(path, { a: '', b: '' });
    await repos.subscriptions.update('s2', (current) => ({ ...current, paused: true, pausedReason: 'paused with /feed pause' }));
    const paused: PausedEvent[] = [];
    const deps = dependencies(repos, [], paused);
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
      expect((await repos.getFeedState(server.url(path)))?.failingSince).toBeUndefined();

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
      expect((await repos.subscriptions.get('s1'))?.pausedReason).toBe(paused[0]!.reason);
      expect((await repos.subscriptions.get('s2'))?.pausedReason).toBe('paused with /feed pause');

      at(60);
      await pollFeed(server.url(path), deps);
      expect(paused).toHaveLength(1);
    } finally {
      now = start;
    }
  });
});
