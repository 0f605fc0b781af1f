import { describe, expect, it } from 'vitest';
import { makeRss } from '../../test/emulators/feed-documents.ts';
import { useFeedServer } from '../../test/support/use-feed-server.ts';
import { useTemporaryStores } from '../../test/support/temporary-store.ts';
import { combineListeners } from '../activity.ts';
import type { PollResult } from '../activity.ts';
import { DeliveryWorker } from '../delivery/delivery-worker.ts';
import type { MessageSender, SendOutcome } from '../delivery/message-sender.ts';
import { RuleCache } from '../delivery/rule-cache.ts';
import { loadFeed } from '../feeds/load-feed.ts';
import type { Message } from '../format/message.ts';
import { PassThrough } from 'node:stream';
import { createLogger, createSilentLogger } from '../log.ts';
import type { Subscription } from '../store/records.ts';
import type { Store } from '../store/store.ts';
import { pollFeed } from './poll-feed.ts';
import type { PollOutcome } from './poll-feed.ts';
import { PollPool } from './poll-pool.ts';
import type { PollPoolOptions } from './poll-pool.ts';

const server = useFeedServer();
const openStore = useTemporaryStores();
const log = createSilentLogger();
let now = new Date('2026-11-21T12:00:00Z');
const clock = () => now;

function subscription(id: string, feedUrl: string, channelId = `c-${id}`): Subscription {
  return { id, platform: 'discord', workspaceId: 'g', channelId, feedUrl, feedTitle: 'T', rule: '', createdAt: now.toISOString(), createdBy: 'u', paused: false };
}

async function follow(store: Store, urls: readonly string[]): Promise<void> {
  for (const [index, url] of urls.entries()) await store.subscriptions.put(subscription(`s${index}`, url));
}

/** A poll that records itself, schedules the feed a minute later and ends its lease, as pollFeed does. */
function recordingPoll(store: Store, polled: string[], wait: (url: string) => Promise<void> = async () => undefined, owner = 'pool-a') {
  return async (url: string): Promise<PollOutcome> => {
    polled.push(url);
    await wait(url);
    await store.feeds.save({ url, consecutiveFailures: 0, nextPollAt: new Date(now.getTime() + 60_000).toISOString() });
    await store.leases.releaseFeed(owner, url);
    return { kind: 'not-modified' };
  };
}

function pool(store: Store, poll: PollPoolOptions['poll'], options: Partial<PollPoolOptions> = {}, results: PollResult[] = []) {
  return new PollPool({
    store, poll, owner: 'pool-a', clock, log, idleCheckMs: 20,
    activity: combineListeners([{ pollFinished: (event) => results.push(event.result) }]),
    ...options,
  });
}

describe('PollPool', () => {
  it('polls every due feed once, and again only when it is due again', async () => {
    const { store } = await openStore();
    const urls = Array.from({ length: 30 }, (_, index) => `https://host${index % 7}.test/feed/${index}`);
    await follow(store, urls);
    const polled: string[] = [];
    const poller = pool(store, recordingPoll(store, polled));
    await poller.runUntilIdle();
    expect(polled.sort()).toEqual([...urls].sort());
    await poller.runUntilIdle();
    expect(polled).toHaveLength(30);
    now = new Date(now.getTime() + 60_000);
    await poller.runUntilIdle();
    expect(polled).toHaveLength(60);
  });

  it('lets a hanging site hold only its own slots: other hosts are polled meanwhile', async () => {
    const { store } = await openStore();
    const slow = Array.from({ length: 5 }, (_, index) => `https://slow.test/${index}`);
    const fast = Array.from({ length: 12 }, (_, index) => `https://fast${index}.test/feed`);
    await follow(store, [...slow, ...fast]);
    let releaseSlow: () => void = () => undefined;
    const slowAnswers = new Promise<void>((resolve) => (releaseSlow = resolve));
    const polled: string[] = [];
    const lines: string[] = [];
    const stream = new PassThrough().on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
    const poller = pool(store, recordingPoll(store, polled, (url) => (url.includes('slow.test') ? slowAnswers : Promise.resolve())), {
      concurrency: 4, perHost: 2, log: createLogger({ level: 'info', format: 'json', stream }),
    });
    const sweep = poller.runUntilIdle();
    await expect.poll(() => polled.filter((url) => url.includes('fast')).length).toBe(12);
    // At most two of the slow host's feeds were started while it hung.
    expect(polled.filter((url) => url.includes('slow.test'))).toHaveLength(2);
    releaseSlow();
    await sweep;
    expect(polled.filter((url) => url.includes('slow.test'))).toHaveLength(5);
    // The operator is told which limit held the feeds back, once, and by which setting to raise it.
    const reported = lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((entry) => entry.setting === 'HERALD_FETCH_PER_HOST');
    expect(reported).toHaveLength(1);
    expect(reported[0]).toMatchObject({ msg: 'polls wait: the per-host fetch limit is reached', host: 'slow.test', limit: 2 });
  });

  it('never polls more than its limit at once', async () => {
    const { store } = await openStore();
    await follow(store, Array.from({ length: 40 }, (_, index) => `https://h${index}.test/feed`));
    let inFlight = 0;
    let most = 0;
    const polled: string[] = [];
    const poller = pool(
      store,
      recordingPoll(store, polled, async () => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 5));
        inFlight -= 1;
      }),
      { concurrency: 6 },
    );
    await poller.runUntilIdle();
    expect(polled).toHaveLength(40);
    expect(most).toBe(6);
  });

  it('shares the work with another pool on the same store: each feed is polled once', async () => {
    const { store } = await openStore();
    const urls = Array.from({ length: 60 }, (_, index) => `https://h${index % 10}.test/${index}`);
    await follow(store, urls);
    const polled: string[] = [];
    const slowly = () => new Promise<void>((resolve) => setTimeout(resolve, 2));
    const first = pool(store, recordingPoll(store, polled, slowly, 'pool-a'), { owner: 'pool-a', concurrency: 4 });
    const second = pool(store, recordingPoll(store, polled, slowly, 'pool-b'), { owner: 'pool-b', concurrency: 4 });
    await Promise.all([first.runUntilIdle(), second.runUntilIdle()]);
    expect(polled.sort()).toEqual([...urls].sort());
  });

  it('holds back a feed whose poll met a store error for the length of a lease, then retries it', async () => {
    const { store } = await openStore();
    await follow(store, ['https://a.test/feed']);
    let attempts = 0;
    const results: PollResult[] = [];
    const poller = pool(
      store,
      async (url) => {
        attempts += 1;
        if (attempts === 1) throw new Error('database is locked');
        await store.feeds.save({ url, consecutiveFailures: 0, nextPollAt: new Date(now.getTime() + 60_000).toISOString() });
        await store.leases.releaseFeed('pool-a', url);
        return { kind: 'not-modified' };
      },
      { leaseMs: 10_000 },
      results,
    );
    await poller.runUntilIdle();
    expect(results).toEqual(['error']);
    await poller.runUntilIdle();
    expect(attempts).toBe(1);
    now = new Date(now.getTime() + 10_001);
    await poller.runUntilIdle();
    expect(results).toEqual(['error', 'not_modified']);
  });

  it('on stop, waits for the polls under way and gives back the feeds it had not started', async () => {
    const { store } = await openStore();
    const urls = Array.from({ length: 6 }, (_, index) => `https://same.test/${index}`);
    await follow(store, urls);
    let release: () => void = () => undefined;
    const answered = new Promise<void>((resolve) => (release = resolve));
    const polled: string[] = [];
    const poller = pool(store, recordingPoll(store, polled, () => answered), { perHost: 1, leaseMs: 60_000 });
    poller.start();
    await expect.poll(() => polled.length).toBe(1);
    const stopping = poller.stop();
    release();
    await stopping;
    expect(polled).toHaveLength(1);
    // The five it never started are free for anyone at once, not after their leases expire.
    expect((await store.leases.claimDueFeeds('pool-b', now, 10, 60_000)).sort()).toEqual(urls.filter((url) => url !== polled[0]).sort());
  });
});

class RecordingSender implements MessageSender {
  readonly platform = 'discord' as const;
  readonly posts: string[] = [];
  async send(channelId: string, message: Message): Promise<SendOutcome> {
    this.posts.push(`${channelId}: ${message.title}`);
    return { kind: 'sent' };
  }
}

describe('polling and delivery together', () => {
  it('fetches a feed once per interval however many channels follow it, and posts to each', async () => {
    const { store } = await openStore();
    const url = server.url('/shared.xml');
    for (const channel of ['a', 'b', 'c']) await store.subscriptions.put(subscription(channel, url, channel));
    server.setFeed('/shared.xml', makeRss([{ guid: '1', title: 'Old', pubDate: now }]));
    const sender = new RecordingSender();
    const activity = combineListeners([]);
    const deliveries = new DeliveryWorker({ store, senders: new Map([['discord', sender]]), log, activity, clock, owner: 'me' });
    const dependencies = { store, load: loadFeed, rules: new RuleCache(), log, activity, clock, allowPrivateUrls: true, pollIntervalSeconds: 60, maxItemAgeDays: 7 };
    const poller = pool(store, (feed) => pollFeed(feed, dependencies, 'me'), { owner: 'me' });
    await poller.runUntilIdle();
    expect(server.requestsTo('/shared.xml')).toBe(1);
    await poller.runUntilIdle();
    expect(server.requestsTo('/shared.xml')).toBe(1);
    server.setFeed('/shared.xml', makeRss([{ guid: '2', title: 'New', pubDate: now }, { guid: '1', title: 'Old', pubDate: now }]));
    now = new Date(now.getTime() + 120_000);
    await poller.runUntilIdle();
    expect(server.requestsTo('/shared.xml')).toBe(2);
    await deliveries.runUntilIdle();
    expect(sender.posts.sort()).toEqual(['a: New', 'b: New', 'c: New']);
  });
});
