/**
 * /feed why's answers, from real polls (local feed server, parse, newness, rules, outbox) into a real SQLite store:
 * what a member of the workspace would read for each way an item can end up posted or not.
 */
import { describe, expect, it } from 'vitest';
import { makeRss } from '../../test/emulators/feed-documents.ts';
import type { TestItem } from '../../test/emulators/feed-documents.ts';
import { useFeedServer } from '../../test/support/use-feed-server.ts';
import { useTemporaryStores } from '../../test/support/temporary-store.ts';
import { combineListeners } from '../activity.ts';
import { RuleCache } from '../delivery/rule-cache.ts';
import { deliveryId } from '../delivery/route-items.ts';
import { loadFeed } from '../feeds/load-feed.ts';
import { createSilentLogger } from '../log.ts';
import { pollFeed } from '../poller/poll-feed.ts';
import { openCache } from '../store/cache.ts';
import type { Subscription } from '../store/records.ts';
import type { Store } from '../store/store.ts';
import { explainItem } from './explain-item.ts';
import type { ItemExplanation } from './explain-item.ts';
import { SubscriptionService } from './subscription-service.ts';

const server = useFeedServer();
const openStore = useTemporaryStores();

const SUBSCRIBED_AT = new Date('2026-11-21T10:00:00Z');
const POLLED_AT = new Date('2026-11-21T12:00:00Z');
const guild = { platform: 'discord', workspaceId: 'g1' } as const;

function post(id: string, title: string, minutesAfterSubscription = 30): TestItem {
  return { guid: id, title, link: `https://blog.test/posts/${id}`, description: `About ${title}`, pubDate: new Date(SUBSCRIBED_AT.getTime() + minutesAfterSubscription * 60_000) };
}

function subscription(id: string, rule: string, path: string, overrides: Partial<Subscription> = {}): Subscription {
  return {
    id, platform: 'discord', workspaceId: 'g1', channelId: `channel-${id}`, feedUrl: server.url(path), feedTitle: 'Data Eng Weekly', rule,
    createdAt: SUBSCRIBED_AT.toISOString(), createdBy: 'u', paused: false, ...overrides,
  };
}

function poll(store: Store, path: string, maxPostsPerPoll?: number) {
  return pollFeed(server.url(path), {
    store, load: loadFeed, rules: new RuleCache(), log: createSilentLogger(), activity: combineListeners([]),
    allowPrivateUrls: true, pollIntervalSeconds: 60, maxItemAgeDays: 7, clock: () => POLLED_AT, maxPostsPerPoll,
  });
}

/** Subscribes, takes the baseline (`before`), then polls once more with `after` new items on top. */
async function pollTwice(path: string, subscriptions: readonly Subscription[], before: TestItem[], after: TestItem[], maxPostsPerPoll?: number): Promise<Store> {
  const { store } = await openStore();
  for (const each of subscriptions) await store.subscriptions.put(each);
  server.setFeed(path, makeRss(before, { title: 'Data Eng Weekly' }));
  await poll(store, path, maxPostsPerPoll);
  server.setFeed(path, makeRss([...after, ...before], { title: 'Data Eng Weekly' }));
  await poll(store, path, maxPostsPerPoll);
  return store;
}

const answers = (explanation: ItemExplanation) =>
  Object.fromEntries(explanation.sightings.flatMap((sighting) => sighting.subscriptions.map((answer) => [answer.subscription.id, `${answer.outcome}: ${answer.text}`])));

describe('explainItem (/feed why)', () => {
  it('says per subscription whether it matched and why, posted when, or why not, for the link however it is pasted', async () => {
    const path = '/why-rules.xml';
    const store = await pollTwice(
      path,
      [
        subscription('kafka', 'kafka OR "event streaming"', path),
        subscription('rust', 'title:rust -title:"rust belt"', path),
        subscription('quiet', 'kafka', path, { paused: true, pausedReason: 'paused with /feed pause' }),
        subscription('elsewhere', '', path, { workspaceId: 'g2' }),
      ],
      [post('old', 'Gardening')],
      [post('k4', 'Kafka 4.0 released'), post('belt', 'Rust belt economics')],
    );
    await store.deliveries.markSent(deliveryId('kafka', 'k4'), new Date('2026-11-21T12:00:07Z'));

    for (const pasted of ['https://blog.test/posts/k4', '<http://blog.test/posts/k4/>', '  https://BLOG.test/posts/k4 ']) {
      const explanation = await explainItem(store, guild, pasted);
      expect(explanation.sightings.map((sighting) => [sighting.item.title, sighting.feedTitle, sighting.item.firstSeenAt])).toEqual([
        ['Kafka 4.0 released', 'Data Eng Weekly', POLLED_AT.toISOString()],
      ]);
      expect(answers(explanation)).toEqual({
        kafka: 'posted: posted 2026-11-21 12:00 UTC; matched "kafka" in title',
        rust: 'not-posted: not posted: no term matched: needs "rust" in title',
        quiet: 'waiting: matched "kafka" in title; held while the subscription is paused (paused with /feed pause): /feed resume posts it',
      });
    }
    expect(answers(await explainItem(store, guild, 'https://blog.test/posts/belt'))).toMatchObject({
      kafka: 'not-posted: not posted: no term matched: needs "kafka" or "event streaming"',
      rust: 'not-posted: not posted: blocked by -title:"rust belt" (found in title)',
    });
    expect(answers(await explainItem(store, guild, 'https://blog.test/posts/old'))).toMatchObject({
      kafka: 'not-posted: not posted: it was in the feed when Herald first read it (2026-11-21 12:00 UTC), and what a feed holds then is never posted',
    });
  });

  it('finds the item by its id too, and tells another workspace nothing about it', async () => {
    const path = '/why-workspaces.xml';
    const store = await pollTwice(path, [subscription('all', '', path)], [post('old', 'Old')], [post('new', 'Kafka')]);
    expect(answers(await explainItem(store, guild, 'new'))).toEqual({ all: 'waiting: matched: the rule is empty, so every item matches; waiting to be posted' });
    expect(await explainItem(store, { platform: 'discord', workspaceId: 'g2' }, 'https://blog.test/posts/new')).toEqual({ asked: 'https://blog.test/posts/new', sightings: [] });
    expect(await explainItem(store, { platform: 'slack', workspaceId: 'g1' }, 'https://blog.test/posts/new')).toMatchObject({ sightings: [] });
    expect(await explainItem(store, guild, '<https://nobody.test/never>')).toEqual({ asked: 'https://nobody.test/never', sightings: [] });
    await expect(explainItem(store, guild, ' <> ')).rejects.toMatchObject({ code: 'why-missing-link' });
  });

  it('says why a matching item was not posted: failed for good, refused, held while paused, still retrying', async () => {
    const path = '/why-outbox.xml';
    const ids = ['dead', 'refused', 'parked', 'retrying'];
    const store = await pollTwice(path, ids.map((id) => subscription(id, 'kafka', path)), [post('old', 'Old')], [post('k', 'Kafka news')]);
    await store.deliveries.markFailed(deliveryId('dead', 'k'), 'dead', 10, 'HTTP 500 from Discord');
    await store.deliveries.markFailed(deliveryId('refused', 'k'), 'rejected', 1, 'Invalid Form Body');
    await store.subscriptions.setPaused('parked', true, 'the Discord channel no longer exists', POLLED_AT);
    await store.deliveries.markRetry(deliveryId('retrying', 'k'), 2, new Date('2026-11-21T12:05:00Z'), 'socket hang up');

    expect(answers(await explainItem(store, guild, 'https://blog.test/posts/k'))).toEqual({
      dead: 'not-posted: not posted: matched "kafka" in title, but posting failed 10 times and Herald gave up (last error: HTTP 500 from Discord)',
      refused: 'not-posted: not posted: matched "kafka" in title, but Discord refused the post (last error: Invalid Form Body)',
      parked: 'waiting: matched "kafka" in title; held while the subscription is paused (the Discord channel no longer exists): /feed resume posts it',
      retrying: 'waiting: matched "kafka" in title; not posted yet: 2 attempts failed (last error: socket hang up), next try 2026-11-21 12:05 UTC',
    });
  });

  it('says an item was dated before the subscription began, or went into the summary post of a flood', async () => {
    const path = '/why-dates.xml';
    const store = await pollTwice(
      path,
      [subscription('all', '', path)],
      [post('old', 'Old')],
      [post('third', 'Third', 50), post('second', 'Second', 40), post('first', 'First', 30), post('backfill', 'Backfill', -60)],
      2,
    );
    const outcome = async (id: string) => answers(await explainItem(store, guild, `https://blog.test/posts/${id}`)).all;
    expect(await outcome('backfill')).toBe('not-posted: not posted: dated 2026-11-21T09:00:00.000Z, before the subscription began');
    expect(await outcome('third')).toMatch(/^waiting: matched: the rule is empty/);
    expect(await outcome('first')).toBe(
      'not-posted: not posted: matched: the rule is empty, so every item matches; but this poll already posted 2 items for the subscription, so it is in the summary post',
    );
  });

  it('says an item was already in the feed when the subscription was made', async () => {
    const path = '/why-added.xml';
    const { store } = await openStore();
    server.setFeed(path, makeRss([post('there', 'Kafka already there')], { title: 'Data Eng Weekly' }));
    const service = new SubscriptionService({
      store, cache: openCache(undefined, createSilentLogger()), load: loadFeed, rules: new RuleCache(), allowPrivateUrls: true, pollIntervalSeconds: 600, clock: () => POLLED_AT,
    });
    const { subscription: added } = await service.add({ ...guild, channelId: 'c1', url: server.url(path), rule: 'kafka', createdBy: 'u1' });
    expect(answers(await service.why(guild, 'https://blog.test/posts/there'))).toEqual({
      [added.id]: 'not-posted: not posted: it was already in the feed when the subscription was made (2026-11-21 12:00 UTC), and what a feed holds then is never posted',
    });
  });
});
