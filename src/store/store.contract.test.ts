/**
 * The Store contract (store.ts), the same suite on both engines: SQLite in a temporary file and PostgreSQL in a
 * fresh schema of the test server (which CI provides: these tests fail, not skip, when it does not answer).
 * Leases and claims are in store-leases.contract.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { at, deliveryRecord, feedStateRecord, subscriptionRecord, T0 } from '../../test/support/store-records.ts';
import { useTemporaryStores } from '../../test/support/temporary-store.ts';
import type { StoreEngine } from '../../test/support/temporary-store.ts';
import { openStore } from './open-store.ts';
import type { ItemDecision, SeenItemRecord } from './records.ts';
import { MAX_ITEMS_PER_FEED } from './store.ts';

const ENGINES: StoreEngine[] = ['sqlite', 'postgres'];
const FEED = 'https://blog.example.org/feed.xml';

describe.each(ENGINES)('Store on %s', (engine) => {
  const openTemporary = useTemporaryStores(engine);

  describe('subscriptions', () => {
    it('round-trips a subscription with every field, and one with none of the optional ones', async () => {
      const { store } = await openTemporary();
      const full = subscriptionRecord('full', { paused: true, pausedReason: 'channel archived', skipItemIds: ['urn:1', 'urn:2'], template: '**{title}**\n{summary:200}' });
      const bare = { id: 'bare', platform: 'slack', workspaceId: 'T1', channelId: 'C1', feedUrl: FEED, feedTitle: '', rule: '', createdAt: T0.toISOString(), createdBy: 'U1', paused: false } as const;
      await store.subscriptions.put(full);
      await store.subscriptions.put(bare);
      expect(await store.subscriptions.get('full')).toStrictEqual(full);
      expect(await store.subscriptions.get('bare')).toStrictEqual(bare);
      expect(await store.subscriptions.get('missing')).toBeUndefined();
    });

    it('round-trips a mention, with and without its rule', async () => {
      const { store } = await openTemporary();
      const withRule = subscriptionRecord('with-rule', { mention: { roleId: '123456789012345678', roleName: 'releases', rule: 'title:release' } });
      const everyItem = subscriptionRecord('every-item', { mention: { roleId: 'S0123ABC', roleName: 'oncall' } });
      await store.subscriptions.put(withRule);
      await store.subscriptions.put(everyItem);
      expect(await store.subscriptions.get('with-rule')).toStrictEqual(withRule);
      expect(await store.subscriptions.get('every-item')).toStrictEqual(everyItem);
    });

    it("changes a subscription's rule and mention in place, keeping its state and its deliveries", async () => {
      const { store } = await openTemporary();
      const original = subscriptionRecord('s', { paused: true, pausedReason: 'by hand', skipItemIds: ['urn:1'] });
      await store.subscriptions.put(original);
      await store.deliveries.add([deliveryRecord('d1', original)]);
      const mention = { roleId: '223456789012345678', roleName: 'news', rule: 'kafka' };
      expect(await store.subscriptions.setRule('s', '-sponsored')).toStrictEqual({ ...original, rule: '-sponsored' });
      expect(await store.subscriptions.setMention('s', mention)).toStrictEqual({ ...original, rule: '-sponsored', mention });
      expect(await store.subscriptions.setMention('s', undefined)).toStrictEqual({ ...original, rule: '-sponsored' });
      expect(await store.subscriptions.get('s')).toStrictEqual({ ...original, rule: '-sponsored' });
      expect((await store.deliveries.list({ subscriptionId: 's' })).map((delivery) => [delivery.id, delivery.state])).toEqual([['d1', 'parked']]);
      expect(await store.subscriptions.setRule('missing', 'x')).toBeUndefined();
      expect(await store.subscriptions.setMention('missing', mention)).toBeUndefined();
    });

    it('replaces a subscription put again under its id', async () => {
      const { store } = await openTemporary();
      await store.subscriptions.put(subscriptionRecord('s', { skipItemIds: ['a'] }));
      const { channelName: _dropped, ...replacement } = subscriptionRecord('s', { rule: 'rust' });
      await store.subscriptions.put(replacement);
      expect(await store.subscriptions.get('s')).toStrictEqual(replacement);
      expect(await store.subscriptions.count()).toBe(1);
    });

    it("lists a workspace's subscriptions oldest first, optionally one channel's, and a feed's with the paused ones", async () => {
      const { store } = await openTemporary();
      await store.subscriptions.put(subscriptionRecord('newest', { createdAt: at(3000).toISOString(), channelId: 'b' }));
      await store.subscriptions.put(subscriptionRecord('oldest', { createdAt: at(1000).toISOString(), channelId: 'a', paused: true }));
      await store.subscriptions.put(subscriptionRecord('middle', { createdAt: at(2000).toISOString(), channelId: 'a', feedUrl: 'https://other.test/feed' }));
      await store.subscriptions.put(subscriptionRecord('elsewhere', { workspaceId: 'guild-2' }));
      await store.subscriptions.put(subscriptionRecord('on-slack', { platform: 'slack' }));

      const ids = (list: Array<{ id: string }>) => list.map(({ id }) => id);
      expect(ids(await store.subscriptions.listByWorkspace('discord', 'guild-1'))).toEqual(['oldest', 'middle', 'newest']);
      expect(ids(await store.subscriptions.listByWorkspace('discord', 'guild-1', 'a'))).toEqual(['oldest', 'middle']);
      expect(ids(await store.subscriptions.listByFeed(FEED))).toEqual(['elsewhere', 'on-slack', 'oldest', 'newest']);
      expect(await store.subscriptions.count()).toBe(5);
    });

    it('sets and clears the template of one subscription, leaving its deliveries and the others alone', async () => {
      const { store } = await openTemporary();
      const subscription = subscriptionRecord('s');
      await store.subscriptions.put(subscription);
      await store.subscriptions.put(subscriptionRecord('other'));
      await store.deliveries.add([deliveryRecord('d', subscription)]);

      expect(await store.subscriptions.setTemplate('s', '{title} — {link}')).toStrictEqual({ ...subscription, template: '{title} — {link}' });
      expect((await store.subscriptions.get('s'))?.template).toBe('{title} — {link}');
      expect((await store.subscriptions.get('other'))?.template).toBeUndefined();
      expect(await store.deliveries.get('d')).toMatchObject({ state: 'pending', message: deliveryRecord('d', subscription).message });

      expect(await store.subscriptions.setTemplate('s', undefined)).toStrictEqual(subscription);
      expect(await store.subscriptions.get('s')).toStrictEqual(subscription);
      expect(await store.subscriptions.setTemplate('missing', '{title}')).toBeUndefined();
    });

    it('gives a new subscription\'s feed a row that is due at once', async () => {
      const { store } = await openTemporary();
      await store.subscriptions.put(subscriptionRecord('s'));
      expect(await store.feeds.get(FEED)).toStrictEqual({ url: FEED, consecutiveFailures: 0 });
      expect(await store.leases.countDueFeeds(T0)).toBe(1);
    });

    it('pausing parks its pending deliveries; resuming makes them due now and its channel due', async () => {
      const { store } = await openTemporary();
      const subscription = subscriptionRecord('s');
      const neighbour = subscriptionRecord('n');
      await store.subscriptions.put(subscription);
      await store.subscriptions.put(neighbour);
      await store.deliveries.add([deliveryRecord('d1', subscription), deliveryRecord('n1', neighbour), deliveryRecord('d2', subscription)]);

      const paused = await store.subscriptions.setPaused('s', true, 'channel lost', at(1000));
      expect(paused).toMatchObject({ id: 's', paused: true, pausedReason: 'channel lost' });
      expect((await store.deliveries.list({ subscriptionId: 's' })).map((d) => d.state)).toEqual(['parked', 'parked']);
      expect((await store.deliveries.nextForChannel('discord', 'channel-1', 10)).map((d) => d.id)).toEqual(['n1']);
      // Deliveries added while paused are parked too.
      await store.deliveries.add([deliveryRecord('d3', subscription)]);
      expect((await store.deliveries.get('d3'))?.state).toBe('parked');

      await store.deliveries.markSent('n1', at(2000));
      await store.leases.claimDueChannels('worker', ['discord'], at(2000), 10, 30_000);
      await store.leases.releaseChannel('worker', { platform: 'discord', channelId: 'channel-1' });
      expect(await store.leases.claimDueChannels('worker', ['discord'], at(1_000_000), 10, 30_000)).toEqual([]);

      const resumed = await store.subscriptions.setPaused('s', false, 'ignored', at(5000));
      expect(resumed).toStrictEqual({ ...subscription, paused: false });
      const queue = await store.deliveries.nextForChannel('discord', 'channel-1', 10);
      expect(queue.map((d) => [d.id, d.state, d.nextAttemptAt])).toEqual([
        ['d1', 'pending', at(5000).toISOString()],
        ['d2', 'pending', at(5000).toISOString()],
        ['d3', 'pending', at(5000).toISOString()],
      ]);
      expect(await store.leases.claimDueChannels('worker', ['discord'], at(5000), 10, 30_000)).toEqual([{ platform: 'discord', channelId: 'channel-1' }]);
      expect(await store.subscriptions.setPaused('missing', true, 'x', T0)).toBeUndefined();
    });

    it('deleting one removes its pending deliveries and keeps the finished ones', async () => {
      const { store } = await openTemporary();
      const subscription = subscriptionRecord('s');
      const other = subscriptionRecord('other');
      await store.subscriptions.put(subscription);
      await store.subscriptions.put(other);
      await store.deliveries.add([...['pending', 'sent', 'dead', 'rejected'].map((id) => deliveryRecord(id, subscription)), deliveryRecord('others', other)]);
      await store.deliveries.markSent('sent', T0);
      await store.deliveries.markFailed('dead', 'dead', 10, 'gave up');
      await store.deliveries.markFailed('rejected', 'rejected', 1, 'too long');

      expect(await store.subscriptions.delete('s')).toBe(true);
      expect(await store.subscriptions.get('s')).toBeUndefined();
      expect((await store.deliveries.list()).map((d) => d.id)).toEqual(['sent', 'dead', 'rejected', 'others']);
      expect(await store.subscriptions.delete('s')).toBe(false);
    });

    it('removes parked deliveries with their subscription', async () => {
      const { store } = await openTemporary();
      const subscription = subscriptionRecord('s', { paused: true });
      await store.subscriptions.put(subscription);
      await store.deliveries.add([deliveryRecord('d', subscription)]);
      expect((await store.deliveries.get('d'))?.state).toBe('parked');
      await store.subscriptions.delete('s');
      expect(await store.deliveries.get('d')).toBeUndefined();
    });

    it('moves every subscription of a feed to its new address, which is then polled', async () => {
      const { store } = await openTemporary();
      await store.subscriptions.put(subscriptionRecord('a'));
      await store.subscriptions.put(subscriptionRecord('b'));
      await store.subscriptions.put(subscriptionRecord('c', { feedUrl: 'https://unrelated.test/feed' }));
      expect(await store.subscriptions.moveFeed(FEED, 'https://moved.test/feed')).toBe(2);
      await store.feeds.forget(FEED);
      expect((await store.subscriptions.listByFeed('https://moved.test/feed')).map((s) => s.id)).toEqual(['a', 'b']);
      expect((await store.leases.claimDueFeeds('w', T0, 10, 1000)).sort()).toEqual(['https://moved.test/feed', 'https://unrelated.test/feed']);
      expect(await store.subscriptions.moveFeed('https://nobody.test/feed', FEED)).toBe(0);
    });
  });

  describe('workspace rules', () => {
    it('keeps one rule per platform and workspace, replaces it when set again, and deletes it', async () => {
      const { store } = await openTemporary();
      const discord = { platform: 'discord', workspaceId: 'guild-1', rule: '-sponsored', setBy: 'user-1', setAt: T0.toISOString() } as const;
      const slack = { platform: 'slack', workspaceId: 'guild-1', rule: '-category:jobs', setBy: 'U1', setAt: at(1000).toISOString() } as const;
      expect(await store.workspaceRules.get('discord', 'guild-1')).toBeUndefined();
      await store.workspaceRules.put(discord);
      await store.workspaceRules.put(slack);
      expect(await store.workspaceRules.get('discord', 'guild-1')).toStrictEqual(discord);
      expect(await store.workspaceRules.get('slack', 'guild-1')).toStrictEqual(slack);
      const replaced = { ...discord, rule: '-sponsored -category:jobs', setBy: 'user-2', setAt: at(2000).toISOString() };
      await store.workspaceRules.put(replaced);
      expect(await store.workspaceRules.get('discord', 'guild-1')).toStrictEqual(replaced);
      expect(await store.workspaceRules.delete('discord', 'guild-1')).toBe(true);
      expect(await store.workspaceRules.delete('discord', 'guild-1')).toBe(false);
      expect(await store.workspaceRules.get('discord', 'guild-1')).toBeUndefined();
      expect(await store.workspaceRules.get('slack', 'guild-1')).toStrictEqual(slack);
    });

    it('commits a workspace rule with its transaction, or not at all', async () => {
      const { store } = await openTemporary();
      const rule = { platform: 'discord', workspaceId: 'g', rule: '-x', setBy: 'u', setAt: T0.toISOString() } as const;
      await expect(store.transaction(async (session) => {
        await session.workspaceRules.put(rule);
        throw new Error('abandoned');
      })).rejects.toThrow('abandoned');
      expect(await store.workspaceRules.get('discord', 'g')).toBeUndefined();
      await store.transaction((session) => session.workspaceRules.put(rule));
      expect(await store.workspaceRules.get('discord', 'g')).toStrictEqual(rule);
    });
  });

  describe('feeds and seen sets', () => {
    it('round-trips feed state, with every field and with none', async () => {
      const { store } = await openTemporary();
      const full = feedStateRecord(FEED);
      await store.feeds.save(full);
      expect(await store.feeds.get(FEED)).toStrictEqual(full);
      await store.feeds.save({ url: FEED, consecutiveFailures: 0 });
      expect(await store.feeds.get(FEED)).toStrictEqual({ url: FEED, consecutiveFailures: 0 });
      expect(await store.feeds.get('https://unknown.test/feed')).toBeUndefined();
    });

    it('keeps a feed\'s lease and seen set when its state is saved', async () => {
      const { store } = await openTemporary();
      await store.subscriptions.put(subscriptionRecord('s'));
      await store.seen.save(FEED, { identity: 'link', keys: ['k'], links: ['l'] });
      expect(await store.leases.claimDueFeeds('w', T0, 1, 60_000)).toEqual([FEED]);
      await store.feeds.save(feedStateRecord(FEED));
      expect(await store.leases.holdsFeed('w', FEED, at(1000))).toBe(true);
      expect(await store.seen.get(FEED)).toEqual({ identity: 'link', keys: ['k'], links: ['l'] });
    });

    it('has no seen set for a feed until one is saved, and keeps an empty one', async () => {
      const { store } = await openTemporary();
      await store.subscriptions.put(subscriptionRecord('s'));
      expect(await store.seen.get(FEED)).toBeUndefined();
      expect(await store.seen.get('https://unknown.test/feed')).toBeUndefined();
      await store.seen.save(FEED, { identity: 'id', keys: [], links: [] });
      expect(await store.seen.get(FEED)).toStrictEqual({ identity: 'id', keys: [], links: [] });
      await store.seen.save('https://no-row-yet.test/feed', { identity: 'id', keys: ['x'], links: [] });
      expect(await store.seen.get('https://no-row-yet.test/feed')).toStrictEqual({ identity: 'id', keys: ['x'], links: [] });
    });

    it('stores a seen set exactly, in order, as it slides, reorders and changes identity', async () => {
      const { store } = await openTemporary();
      const keys = Array.from({ length: 300 }, (_, index) => `urn:item:${index}`);
      const steps = [
        { identity: 'id' as const, keys: keys.slice(0, 200), links: keys.slice(0, 5).map((key) => `${key}/link`) },
        // A poll: the oldest ten drop out, the document's items (newest first) move to the recent end.
        { identity: 'id' as const, keys: [...keys.slice(10, 190), ...keys.slice(190, 210).reverse()], links: [] },
        { identity: 'id' as const, keys: [...keys.slice(10, 190)].reverse(), links: ['x'] },
        { identity: 'link' as const, keys: ['https://a.test/1', 'https://a.test/2'], links: ['https://a.test/2', 'https://a.test/1'] },
      ];
      for (const seen of steps) {
        await store.seen.save(FEED, seen);
        expect(await store.seen.get(FEED)).toStrictEqual(seen);
      }
    });

    it('forgets a feed with its seen set, and every feed nobody follows', async () => {
      const { store } = await openTemporary();
      await store.subscriptions.put(subscriptionRecord('s'));
      for (const url of [FEED, 'https://gone.test/1', 'https://gone.test/2']) {
        await store.feeds.save(feedStateRecord(url));
        await store.seen.save(url, { identity: 'id', keys: ['a'], links: [] });
      }
      expect(await store.feeds.forgetUnfollowed()).toBe(2);
      expect(await store.feeds.get('https://gone.test/1')).toBeUndefined();
      expect(await store.seen.get('https://gone.test/2')).toBeUndefined();
      expect(await store.feeds.get(FEED)).toBeDefined();
      await store.feeds.forget(FEED);
      expect(await store.feeds.get(FEED)).toBeUndefined();
      expect(await store.seen.get(FEED)).toBeUndefined();
      expect(await store.feeds.forgetUnfollowed()).toBe(0);
    });
  });

  describe('the outbox', () => {
    it('round-trips a delivery with its state, and one with no optional fields', async () => {
      const { store } = await openTemporary();
      const subscription = subscriptionRecord('s');
      const withTemplate = deliveryRecord('full', subscription).message;
      const full = deliveryRecord('full', subscription, { attempts: 2, lastError: 'socket hang up', nextAttemptAt: at(5000).toISOString(), message: { ...withTemplate, template: '{title}: {summary:200}' } });
      const bare = deliveryRecord('bare', subscription, { message: { title: 't', summary: '', feedTitle: 'f', feedUrl: FEED, categories: [] } });
      await store.deliveries.add([full, bare]);
      expect(await store.deliveries.get('full')).toStrictEqual({ ...full, state: 'pending' });
      expect(await store.deliveries.get('bare')).toStrictEqual({ ...bare, state: 'pending' });
      await store.deliveries.markSent('bare', at(7000));
      expect(await store.deliveries.get('bare')).toStrictEqual({ ...bare, state: 'sent', sentAt: at(7000).toISOString() });
      expect(await store.deliveries.get('missing')).toBeUndefined();
    });

    it('adds a delivery once however often it is added', async () => {
      const { store } = await openTemporary();
      const subscription = subscriptionRecord('s');
      await store.deliveries.add([deliveryRecord('d', subscription)]);
      await store.deliveries.markSent('d', at(1000));
      await store.deliveries.add([deliveryRecord('d', subscription, { itemId: 'changed' }), deliveryRecord('e', subscription)]);
      expect((await store.deliveries.list()).map((d) => [d.id, d.state, d.itemId])).toEqual([
        ['d', 'sent', 'item-d'],
        ['e', 'pending', 'item-e'],
      ]);
    });

    it("keeps each channel's deliveries in the order they were added, whatever their due times", async () => {
      const { store } = await openTemporary();
      const here = subscriptionRecord('here');
      const there = subscriptionRecord('there', { channelId: 'channel-2' });
      await store.deliveries.add([deliveryRecord('1', here, { nextAttemptAt: at(9000).toISOString() }), deliveryRecord('x', there)]);
      await store.deliveries.add([deliveryRecord('2', here), deliveryRecord('3', here, { createdAt: at(-5000).toISOString() })]);
      await store.deliveries.add([deliveryRecord('4', here)]);
      expect((await store.deliveries.nextForChannel('discord', 'channel-1', 10)).map((d) => d.id)).toEqual(['1', '2', '3', '4']);
      expect((await store.deliveries.nextForChannel('discord', 'channel-1', 2)).map((d) => d.id)).toEqual(['1', '2']);
      expect((await store.deliveries.nextForChannel('discord', 'channel-2', 10)).map((d) => d.id)).toEqual(['x']);
      expect(await store.deliveries.nextForChannel('slack', 'channel-1', 10)).toEqual([]);
    });

    it('lists by state, platform, channel and subscription, oldest first', async () => {
      const { store } = await openTemporary();
      const discord = subscriptionRecord('d');
      const slack = subscriptionRecord('s', { platform: 'slack', channelId: 'C1' });
      await store.deliveries.add([deliveryRecord('1', discord), deliveryRecord('2', slack), deliveryRecord('3', discord), deliveryRecord('4', slack)]);
      await store.deliveries.markFailed('3', 'dead', 10, 'gave up');
      const ids = async (filter: Parameters<typeof store.deliveries.list>[0]) => (await store.deliveries.list(filter)).map((d) => d.id);
      expect(await ids(undefined)).toEqual(['1', '2', '3', '4']);
      expect(await ids({ platform: 'slack' })).toEqual(['2', '4']);
      expect(await ids({ state: 'pending', subscriptionId: 'd' })).toEqual(['1']);
      expect(await ids({ channelId: 'C1', state: 'dead' })).toEqual([]);
      expect(await ids({ state: 'dead' })).toEqual(['3']);
    });

    it('holds a channel behind a retry: its next due time is the retried head\'s', async () => {
      const { store } = await openTemporary();
      const subscription = subscriptionRecord('s');
      const channel = { platform: 'discord', channelId: 'channel-1' } as const;
      await store.deliveries.add([deliveryRecord('head', subscription), deliveryRecord('next', subscription)]);
      expect(await store.leases.claimDueChannels('worker', ['discord'], T0, 10, 30_000)).toEqual([channel]);
      await store.deliveries.markRetry('head', 1, at(60_000), 'HTTP 500');
      await store.leases.releaseChannel('worker', channel);

      expect(await store.deliveries.get('head')).toMatchObject({ state: 'pending', attempts: 1, lastError: 'HTTP 500', nextAttemptAt: at(60_000).toISOString() });
      expect(await store.leases.claimDueChannels('worker', ['discord'], at(59_999), 10, 30_000)).toEqual([]);
      // New work makes the channel due again; the worker then finds its head not yet due and releases it.
      await store.deliveries.add([deliveryRecord('later', subscription, { nextAttemptAt: at(1000).toISOString() })]);
      expect(await store.leases.claimDueChannels('worker', ['discord'], at(1000), 10, 30_000)).toEqual([channel]);
      await store.leases.releaseChannel('worker', channel);
      expect(await store.leases.claimDueChannels('worker', ['discord'], at(59_999), 10, 30_000)).toEqual([]);
      expect(await store.leases.claimDueChannels('worker', ['discord'], at(60_000), 10, 30_000)).toEqual([channel]);

      for (const id of ['head', 'next', 'later']) await store.deliveries.markSent(id, at(60_000));
      await store.leases.releaseChannel('worker', channel);
      expect(await store.leases.claimDueChannels('worker', ['discord'], at(1e12), 10, 30_000)).toEqual([]);
    });

    it('keeps dead and rejected deliveries, and prunes only sent and rejected ones finished before the cut-off', async () => {
      const { store } = await openTemporary();
      const subscription = subscriptionRecord('s');
      await store.deliveries.add(['old-sent', 'new-sent', 'dead', 'rejected', 'pending'].map((id) => deliveryRecord(id, subscription)));
      await store.deliveries.markSent('old-sent', at(1000));
      await store.deliveries.markSent('new-sent', at(10_000));
      await store.deliveries.markFailed('dead', 'dead', 10, 'HTTP 500 ten times');
      await store.deliveries.markFailed('rejected', 'rejected', 1, 'message too long');
      expect(await store.deliveries.get('dead')).toMatchObject({ state: 'dead', attempts: 10, lastError: 'HTTP 500 ten times' });
      expect(await store.deliveries.get('rejected')).toMatchObject({ state: 'rejected', attempts: 1, lastError: 'message too long' });

      expect(await store.deliveries.pruneFinished(T0)).toBe(0);
      expect(await store.deliveries.pruneFinished(at(5000))).toBe(2);
      expect((await store.deliveries.list()).map((d) => d.id)).toEqual(['new-sent', 'dead', 'pending']);
      expect(await store.deliveries.pruneFinished(at(1e12))).toBe(1);
      expect((await store.deliveries.list()).map((d) => d.id)).toEqual(['dead', 'pending']);
    });

    it('counts the outbox by state and tells how long the oldest due delivery has waited', async () => {
      const { store } = await openTemporary();
      const subscription = subscriptionRecord('s');
      const paused = subscriptionRecord('p', { paused: true });
      await store.subscriptions.put(paused);
      expect(await store.deliveries.stats(T0)).toStrictEqual({ pending: 0, parked: 0, dead: 0 });
      await store.deliveries.add([
        deliveryRecord('due', subscription, { nextAttemptAt: at(2000).toISOString() }),
        deliveryRecord('earliest-but-dead', subscription, { nextAttemptAt: at(-9000).toISOString() }),
        deliveryRecord('later', subscription, { nextAttemptAt: at(9000).toISOString() }),
        deliveryRecord('parked', paused, { nextAttemptAt: at(-8000).toISOString() }),
      ]);
      await store.deliveries.markFailed('earliest-but-dead', 'dead', 10, 'x');
      expect(await store.deliveries.stats(at(5000))).toStrictEqual({ pending: 2, parked: 1, dead: 1, oldestDueAt: at(2000) });
      expect(await store.deliveries.stats(at(1000))).toStrictEqual({ pending: 2, parked: 1, dead: 1 });
    });

    it('keeps at most the bound of parked deliveries per paused subscription, dropping the oldest and counting them', async () => {
      const { store } = await openTemporary();
      const paused = subscriptionRecord('p');
      const other = subscriptionRecord('o', { paused: true, channelId: 'channel-2' });
      await store.subscriptions.put(paused);
      await store.subscriptions.put(other);
      await store.deliveries.add([deliveryRecord('before', paused)]);
      await store.subscriptions.setPaused('p', true, 'paused with /feed pause', T0);
      await store.deliveries.add(['a', 'b', 'c'].map((id) => deliveryRecord(id, paused)), { maxParkedPerSubscription: 3 });
      await store.deliveries.add([deliveryRecord('d', paused), deliveryRecord('o1', other)], { maxParkedPerSubscription: 3 });
      expect((await store.deliveries.list({ subscriptionId: 'p' })).map((d) => [d.id, d.state])).toEqual([['b', 'parked'], ['c', 'parked'], ['d', 'parked']]);
      expect((await store.subscriptions.get('p'))?.parkedDropped).toBe(2);
      expect((await store.subscriptions.get('o'))?.parkedDropped).toBeUndefined();
      // Putting the subscription again (a config sync, a rename) keeps the count.
      await store.subscriptions.put({ ...paused, paused: true, rule: 'rust' });
      expect((await store.subscriptions.get('p'))?.parkedDropped).toBe(2);

      const resumed = await store.subscriptions.setPaused('p', false, undefined, at(1000));
      expect(resumed?.parkedDropped).toBeUndefined();
      expect((await store.deliveries.nextForChannel('discord', 'channel-1', 10)).map((d) => d.id)).toEqual(['b', 'c', 'd']);
      // The default bound is 100.
      await store.subscriptions.setPaused('o', true, 'x', T0);
      await store.deliveries.add(Array.from({ length: 105 }, (_, index) => deliveryRecord(`m${index}`, other)));
      expect((await store.deliveries.countsBySubscription(['o'], T0)).get('o')?.parked).toBe(100);
      expect((await store.subscriptions.get('o'))?.parkedDropped).toBe(6);
    });

    it('counts each subscription\'s waiting, parked and dead deliveries, and those sent since a time', async () => {
      const { store } = await openTemporary();
      const busy = subscriptionRecord('busy');
      const idle = subscriptionRecord('idle');
      const paused = subscriptionRecord('paused', { paused: true });
      for (const subscription of [busy, idle, paused]) await store.subscriptions.put(subscription);
      await store.deliveries.add([
        ...['old-sent', 'new-sent', 'newer-sent', 'dead', 'waiting'].map((id) => deliveryRecord(id, busy)),
        deliveryRecord('kept', paused),
      ]);
      await store.deliveries.markSent('old-sent', at(-2 * 86_400_000));
      await store.deliveries.markSent('new-sent', at(-3_600_000));
      await store.deliveries.markSent('newer-sent', T0);
      await store.deliveries.markFailed('dead', 'dead', 10, 'HTTP 500');
      const counts = await store.deliveries.countsBySubscription(['busy', 'idle', 'paused', 'unknown'], at(-86_400_000));
      expect(Object.fromEntries(counts)).toStrictEqual({
        busy: { pending: 1, parked: 0, dead: 1, sentSince: 2 },
        idle: { pending: 0, parked: 0, dead: 0, sentSince: 0 },
        paused: { pending: 0, parked: 1, dead: 0, sentSince: 0 },
        unknown: { pending: 0, parked: 0, dead: 0, sentSince: 0 },
      });
    });

    it('adds 10,000 deliveries in one go, quickly', async () => {
      const { store } = await openTemporary();
      const subscriptions = Array.from({ length: 100 }, (_, index) => subscriptionRecord(`s${index}`, { channelId: `c${index}` }));
      const deliveries = Array.from({ length: 10_000 }, (_, index) => deliveryRecord(`d${index}`, subscriptions[index % 100]!));
      const started = performance.now();
      await store.deliveries.add(deliveries);
      expect(performance.now() - started).toBeLessThan(5_000);
      expect((await store.deliveries.stats(T0)).pending).toBe(10_000);
      expect((await store.deliveries.nextForChannel('discord', 'c7', 3)).map((d) => d.id)).toEqual(['d7', 'd107', 'd207']);
      expect(await store.leases.claimDueChannels('w', ['discord'], T0, 1000, 1000)).toHaveLength(100);
    });
  });

  describe('transactions and failures', () => {
    it('commits all of a transaction\'s work and returns its value', async () => {
      const { store } = await openTemporary();
      const subscription = subscriptionRecord('s');
      const result = await store.transaction(async (session) => {
        await session.subscriptions.put(subscription);
        await session.deliveries.add([deliveryRecord('d', subscription)]);
        await session.seen.save(FEED, { identity: 'id', keys: ['a'], links: [] });
        return (await session.subscriptions.listByFeed(FEED)).length;
      });
      expect(result).toBe(1);
      expect(await store.deliveries.get('d')).toBeDefined();
      expect(await store.seen.get(FEED)).toEqual({ identity: 'id', keys: ['a'], links: [] });
    });

    it('leaves nothing written by a transaction that throws, and rethrows what it threw', async () => {
      const { store } = await openTemporary();
      const subscription = subscriptionRecord('s');
      await store.subscriptions.put(subscription);
      await store.seen.save(FEED, { identity: 'id', keys: ['before'], links: [] });
      const failure = new Error('the poll failed half-way');
      await expect(
        store.transaction(async (session) => {
          await session.deliveries.add([deliveryRecord('d', subscription)]);
          await session.seen.save(FEED, { identity: 'link', keys: ['after'], links: ['x'] });
          await session.feeds.save(feedStateRecord(FEED));
          await session.subscriptions.setPaused('s', true, 'x', T0);
          await session.subscriptions.put(subscriptionRecord('t', { feedUrl: 'https://new.test/feed' }));
          throw failure;
        }),
      ).rejects.toBe(failure);
      expect(await store.deliveries.list()).toEqual([]);
      expect(await store.seen.get(FEED)).toEqual({ identity: 'id', keys: ['before'], links: [] });
      expect(await store.feeds.get(FEED)).toStrictEqual({ url: FEED, consecutiveFailures: 0 });
      expect(await store.subscriptions.get('s')).toStrictEqual(subscription);
      expect(await store.subscriptions.get('t')).toBeUndefined();
      expect(await store.feeds.get('https://new.test/feed')).toBeUndefined();
    });

    it('refuses, instead of hanging, work inside a transaction that uses the store instead of its session', async () => {
      const { store } = await openTemporary();
      await expect(
        store.transaction(async (session) => {
          await session.subscriptions.put(subscriptionRecord('s'));
          return store.subscriptions.get('s');
        }),
      ).rejects.toMatchObject({ code: 'store-misuse' });
      expect(await store.subscriptions.get('s')).toBeUndefined();
      // Work the transaction started carries on with the store once it has ended.
      let later: Promise<number> | undefined;
      await store.transaction(async () => {
        later = new Promise((resolve) => setTimeout(resolve, 10)).then(() => store.subscriptions.count());
      });
      expect(await later).toBe(0);
    });

    it('keeps its data when opened again', async () => {
      const { store, uri } = await openTemporary();
      const subscription = subscriptionRecord('s', { skipItemIds: ['x'] });
      await store.subscriptions.put(subscription);
      await store.feeds.save(feedStateRecord(FEED));
      await store.seen.save(FEED, { identity: 'id', keys: ['1', '2'], links: ['l'] });
      await store.deliveries.add([deliveryRecord('d1', subscription), deliveryRecord('d2', subscription)]);
      await store.close();

      const reopened = await openStore(uri);
      try {
        expect(await reopened.subscriptions.get('s')).toStrictEqual(subscription);
        expect(await reopened.feeds.get(FEED)).toStrictEqual(feedStateRecord(FEED));
        expect(await reopened.seen.get(FEED)).toStrictEqual({ identity: 'id', keys: ['1', '2'], links: ['l'] });
        await reopened.deliveries.add([deliveryRecord('d3', subscription)]);
        expect((await reopened.deliveries.nextForChannel('discord', 'channel-1', 10)).map((d) => d.id)).toEqual(['d1', 'd2', 'd3']);
      } finally {
        await reopened.close();
      }
    });

    it('answers a ping, and throws once closed', async () => {
      const { store } = await openTemporary();
      expect(store.engine).toBe(engine);
      await expect(store.ping()).resolves.toBeUndefined();
      await store.close();
      await expect(store.ping()).rejects.toThrow();
      await expect(store.subscriptions.get('s')).rejects.toThrow();
      await expect(store.deliveries.add([deliveryRecord('d', subscriptionRecord('s'))])).rejects.toThrow();
    });

    it('refuses a record whose time is not a time', async () => {
      const { store } = await openTemporary();
      await expect(store.subscriptions.put(subscriptionRecord('s', { createdAt: 'yesterday' }))).rejects.toMatchObject({ code: 'store-invalid' });
      expect(await store.subscriptions.count()).toBe(0);
    });
  });
  describe('routing decisions (for /feed why)', () => {
    const item = (id: string, overrides: Partial<SeenItemRecord> = {}): SeenItemRecord => ({
      feedUrl: FEED, itemId: id, link: `https://blog.example.org/${id}`, linkKey: `blog.example.org/${id}`, title: `Item ${id}`, firstSeenAt: T0.toISOString(), baseline: false, ...overrides,
    });
    const decision = (itemId: string, subscriptionId: string, overrides: Partial<ItemDecision> = {}): ItemDecision => ({
      feedUrl: FEED, itemId, subscriptionId, delivered: true, reason: 'matched "kafka" in title', decidedAt: T0.toISOString(), ...overrides,
    });

    it('finds an item by its link key or id in every feed, with each subscription\'s decision and reason', async () => {
      const { store } = await openTemporary();
      const other = item('a', { feedUrl: 'https://other.test/feed', title: 'Same post, other feed', firstSeenAt: at(5000).toISOString() });
      const { link: _noLink, linkKey: _noKey, ...linkless } = item('urn:b', { baseline: true });
      await store.transaction((session) =>
        session.decisions.record([item('a'), linkless], [decision('a', 's1'), decision('a', 's2', { delivered: false, reason: 'no term matched: needs "rust"' })]),
      );
      await store.decisions.record([other], []);

      expect(await store.decisions.findItems({ linkKey: 'blog.example.org/a' })).toStrictEqual([item('a'), other]);
      expect(await store.decisions.findItems({ itemId: 'urn:b' })).toStrictEqual([linkless]);
      expect(await store.decisions.findItems({ linkKey: 'blog.example.org/missing', itemId: 'missing' })).toEqual([]);
      expect(await store.decisions.forItem(FEED, 'a')).toStrictEqual([decision('a', 's1'), decision('a', 's2', { delivered: false, reason: 'no term matched: needs "rust"' })]);
      expect(await store.decisions.forItem('https://other.test/feed', 'a')).toEqual([]);
    });

    it('keeps an item\'s first sighting and replaces a decision made again', async () => {
      const { store } = await openTemporary();
      await store.decisions.record([item('a')], [decision('a', 's1', { delivered: false, reason: 'the subscription was paused' })]);
      await store.decisions.record([item('a', { title: 'Renamed', firstSeenAt: at(9000).toISOString() })], [decision('a', 's1', { decidedAt: at(9000).toISOString() })]);
      expect(await store.decisions.findItems({ itemId: 'a' })).toStrictEqual([item('a')]);
      expect(await store.decisions.forItem(FEED, 'a')).toStrictEqual([decision('a', 's1', { decidedAt: at(9000).toISOString() })]);
    });

    it(`keeps a feed's newest ${MAX_ITEMS_PER_FEED} items and their decisions, written in batches, leaving other feeds alone`, async () => {
      const { store } = await openTemporary();
      await store.decisions.record([item('neighbour', { feedUrl: 'https://other.test/feed' })], [decision('neighbour', 's1', { feedUrl: 'https://other.test/feed' })]);
      const ids = Array.from({ length: MAX_ITEMS_PER_FEED + 30 }, (_, index) => `item-${index}`);
      await store.decisions.record(ids.slice(0, 20).map((id) => item(id)), ids.slice(0, 20).map((id) => decision(id, 's1')));
      // One poll of more items than a statement holds, for two subscriptions.
      const rest = ids.slice(20);
      await store.transaction((session) => session.decisions.record(rest.map((id) => item(id)), rest.flatMap((id) => [decision(id, 's1'), decision(id, 's2')])));

      expect(await store.decisions.findItems({ itemId: 'item-29' })).toEqual([]);
      expect(await store.decisions.forItem(FEED, 'item-29')).toEqual([]);
      expect(await store.decisions.findItems({ itemId: 'item-30' })).toHaveLength(1);
      expect(await store.decisions.forItem(FEED, 'item-30')).toHaveLength(2);
      expect(await store.decisions.forItem(FEED, ids.at(-1)!)).toHaveLength(2);
      expect(await store.decisions.forItem('https://other.test/feed', 'neighbour')).toHaveLength(1);
    });

    it('prunes items first seen and decisions made before a time', async () => {
      const { store } = await openTemporary();
      await store.decisions.record([item('old'), item('new', { firstSeenAt: at(10_000).toISOString() })], [decision('old', 's1'), decision('new', 's1', { decidedAt: at(10_000).toISOString() })]);
      expect(await store.decisions.prune(at(5000))).toBe(1);
      expect(await store.decisions.findItems({ itemId: 'old' })).toEqual([]);
      expect(await store.decisions.forItem(FEED, 'old')).toEqual([]);
      expect(await store.decisions.forItem(FEED, 'new')).toHaveLength(1);
    });

    it('writes nothing of a transaction that fails', async () => {
      const { store } = await openTemporary();
      await expect(
        store.transaction(async (session) => {
          await session.decisions.record([item('a')], [decision('a', 's1')]);
          throw new Error('the poll failed');
        }),
      ).rejects.toThrow('the poll failed');
      expect(await store.decisions.findItems({ itemId: 'a' })).toEqual([]);
      expect(await store.decisions.forItem(FEED, 'a')).toEqual([]);
    });
  });
});
