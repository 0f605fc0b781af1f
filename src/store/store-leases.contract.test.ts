/**
 * The Store's leases (store.ts, LeaseRepository) on both engines: what a claim takes, that a held lease keeps
 * others out until it expires, renewal and release, and that concurrent claimers (separate stores on one
 * database, as separate processes would be) never take the same feed and together take them all.
 */
import { describe, expect, it } from 'vitest';
import { at, deliveryRecord, subscriptionRecord, T0 } from '../../test/support/store-records.ts';
import { useTemporaryStores } from '../../test/support/temporary-store.ts';
import type { StoreEngine } from '../../test/support/temporary-store.ts';
import { openStore } from './open-store.ts';
import type { Store } from './store.ts';

const ENGINES: StoreEngine[] = ['sqlite', 'postgres'];
const LEASE_MS = 30_000;

function feedUrl(index: number): string {
  return `https://feeds.test/${String(index).padStart(3, '0')}`;
}

async function follow(store: Store, count: number): Promise<string[]> {
  const urls = Array.from({ length: count }, (_, index) => feedUrl(index));
  await store.transaction(async (session) => {
    for (const [index, url] of urls.entries()) await session.subscriptions.put(subscriptionRecord(`s${index}`, { feedUrl: url }));
  });
  return urls;
}

describe.each(ENGINES)('Store leases on %s', (engine) => {
  const openTemporary = useTemporaryStores(engine);

  describe('feeds', () => {
    it('claims followed feeds that are due, never-polled first then earliest due, at most `limit`', async () => {
      const { store } = await openTemporary();
      const [never, early, late, future] = await follow(store, 4);
      await store.feeds.save({ url: late!, consecutiveFailures: 0, nextPollAt: at(-1000).toISOString() });
      await store.feeds.save({ url: early!, consecutiveFailures: 0, nextPollAt: at(-5000).toISOString() });
      await store.feeds.save({ url: future!, consecutiveFailures: 0, nextPollAt: at(1).toISOString() });
      await store.feeds.save({ url: 'https://unfollowed.test/feed', consecutiveFailures: 0 });

      expect(await store.leases.countDueFeeds(T0)).toBe(3);
      expect(await store.leases.claimDueFeeds('a', T0, 2, LEASE_MS)).toEqual([never, early]);
      expect(await store.leases.countDueFeeds(T0)).toBe(1);
      expect(await store.leases.claimDueFeeds('a', T0, 10, LEASE_MS)).toEqual([late]);
      expect(await store.leases.claimDueFeeds('a', T0, 10, LEASE_MS)).toEqual([]);
    });

    it('keeps a claimed feed from other owners until its lease expires, then lets one take it over', async () => {
      const { store } = await openTemporary();
      const [url] = await follow(store, 1);
      expect(await store.leases.claimDueFeeds('a', T0, 10, LEASE_MS)).toEqual([url]);
      expect(await store.leases.claimDueFeeds('b', at(LEASE_MS), 10, LEASE_MS)).toEqual([]);
      expect(await store.leases.holdsFeed('a', url!, at(LEASE_MS))).toBe(true);
      expect(await store.leases.holdsFeed('b', url!, at(LEASE_MS))).toBe(false);

      expect(await store.leases.holdsFeed('a', url!, at(LEASE_MS + 1))).toBe(false);
      expect(await store.leases.claimDueFeeds('b', at(LEASE_MS + 1), 10, LEASE_MS)).toEqual([url]);
      expect(await store.leases.holdsFeed('b', url!, at(LEASE_MS + 1))).toBe(true);
      expect(await store.leases.holdsFeed('a', url!, at(LEASE_MS + 1))).toBe(false);
      // The old owner's release does not end the new owner's lease.
      await store.leases.releaseFeed('a', url!);
      expect(await store.leases.holdsFeed('b', url!, at(LEASE_MS + 2))).toBe(true);
    });

    it('renews every lease an owner still holds, feeds and channels, and not those that expired', async () => {
      const { store } = await openTemporary();
      const [first, second] = await follow(store, 2);
      await store.leases.claimDueFeeds('a', T0, 1, LEASE_MS);
      await store.deliveries.add([deliveryRecord('d', subscriptionRecord('s0'))]);
      await store.leases.claimDueChannels('a', ['discord'], T0, 10, LEASE_MS);
      await store.leases.claimDueFeeds('b', T0, 1, LEASE_MS);

      expect(await store.leases.renew('a', at(LEASE_MS - 1), LEASE_MS)).toBe(2);
      expect(await store.leases.claimDueFeeds('c', at(LEASE_MS + 1), 10, LEASE_MS)).toEqual([second]);
      expect(await store.leases.claimDueChannels('c', ['discord'], at(LEASE_MS + 1), 10, LEASE_MS)).toEqual([]);
      expect(await store.leases.holdsFeed('a', first!, at(2 * LEASE_MS - 1))).toBe(true);
      expect(await store.leases.renew('b', at(LEASE_MS + 1), LEASE_MS)).toBe(0);
      expect(await store.leases.renew('a', at(3 * LEASE_MS), LEASE_MS)).toBe(0);
    });

    it('releases a feed for anyone at once, or holds it back until `notBefore` without renewing that hold', async () => {
      const { store } = await openTemporary();
      const [free, held] = await follow(store, 2);
      await store.leases.claimDueFeeds('a', T0, 10, LEASE_MS);
      await store.leases.releaseFeed('a', free!);
      await store.leases.releaseFeed('a', held!, at(60_000));
      expect(await store.leases.holdsFeed('a', held!, at(1))).toBe(false);
      expect(await store.leases.renew('a', at(1), LEASE_MS)).toBe(0);
      expect(await store.leases.countDueFeeds(at(1))).toBe(1);
      expect(await store.leases.claimDueFeeds('b', at(1), 10, 10 * LEASE_MS)).toEqual([free]);
      expect(await store.leases.claimDueFeeds('c', at(59_999), 10, LEASE_MS)).toEqual([]);
      expect(await store.leases.claimDueFeeds('c', at(60_001), 10, LEASE_MS)).toEqual([held]);
    });

    it('names every owner holding a lease, expired or not, and releases all of one owner\'s leases at once', async () => {
      const { store } = await openTemporary();
      const [first, second, third] = await follow(store, 3);
      await store.leases.claimDueFeeds('dead', T0, 2, 10 * LEASE_MS);
      await store.deliveries.add([deliveryRecord('d', subscriptionRecord('s0'))]);
      await store.leases.claimDueChannels('dead', ['discord'], T0, 10, 10 * LEASE_MS);
      await store.leases.claimDueFeeds('alive', T0, 1, LEASE_MS);
      await store.leases.releaseFeed('alive', third!, at(60_000));
      expect(await store.leases.owners()).toEqual(['dead']);
      expect(await store.leases.claimDueFeeds('alive', at(60_001), 10, LEASE_MS)).toEqual([third]);
      expect((await store.leases.owners()).sort()).toEqual(['alive', 'dead']);

      expect(await store.leases.releaseAll('dead')).toBe(3);
      expect(await store.leases.owners()).toEqual(['alive']);
      expect((await store.leases.claimDueFeeds('heir', at(60_002), 10, LEASE_MS)).sort()).toEqual([first, second]);
      expect(await store.leases.claimDueChannels('heir', ['discord'], at(60_002), 10, LEASE_MS)).toEqual([{ platform: 'discord', channelId: 'channel-1' }]);
      expect(await store.leases.releaseAll('nobody')).toBe(0);
    });

    it('gives concurrent claimers disjoint feeds that together are all the due ones', async () => {
      const { store, uri } = await openTemporary();
      const urls = await follow(store, 200);
      const claimers = await Promise.all(Array.from({ length: 4 }, () => openStore(uri)));
      try {
        const claimed = await Promise.all(
          claimers.map(async (claimer, index) => {
            const mine: string[] = [];
            for (;;) {
              const batch = await claimer.leases.claimDueFeeds(`worker-${index}`, T0, 7, LEASE_MS);
              if (batch.length === 0) return mine;
              mine.push(...batch);
            }
          }),
        );
        const all = claimed.flat();
        expect(new Set(all).size).toBe(all.length);
        expect([...all].sort()).toEqual(urls);
        for (const [index, mine] of claimed.entries()) {
          for (const url of mine.slice(0, 3)) expect(await store.leases.holdsFeed(`worker-${index}`, url, T0)).toBe(true);
        }
      } finally {
        await Promise.all(claimers.map((claimer) => claimer.close()));
      }
    });
  });

  describe('channels', () => {
    it('claims channels of the given platforms whose oldest pending delivery is due', async () => {
      const { store } = await openTemporary();
      const discordNow = subscriptionRecord('d1', { channelId: 'now' });
      const discordLater = subscriptionRecord('d2', { channelId: 'later' });
      const slack = subscriptionRecord('s1', { platform: 'slack', channelId: 'C1' });
      const paused = subscriptionRecord('p', { channelId: 'paused', paused: true });
      await store.subscriptions.put(paused);
      await store.deliveries.add([
        deliveryRecord('a', discordNow),
        deliveryRecord('b', discordLater, { nextAttemptAt: at(10_000).toISOString() }),
        deliveryRecord('c', slack),
        deliveryRecord('d', paused),
      ]);
      expect(await store.leases.claimDueChannels('w', [], T0, 10, LEASE_MS)).toEqual([]);
      expect(await store.leases.claimDueChannels('w', ['discord'], T0, 10, LEASE_MS)).toEqual([{ platform: 'discord', channelId: 'now' }]);
      expect(await store.leases.claimDueChannels('w', ['discord', 'slack'], T0, 10, LEASE_MS)).toEqual([{ platform: 'slack', channelId: 'C1' }]);
      expect(await store.leases.claimDueChannels('w', ['discord', 'slack', 'console'], at(10_000), 10, LEASE_MS)).toEqual([
        { platform: 'discord', channelId: 'later' },
      ]);
    });

    it('keeps a claimed channel from others until the lease expires, and only its owner releases it', async () => {
      const { store } = await openTemporary();
      const channel = { platform: 'discord', channelId: 'channel-1' } as const;
      await store.deliveries.add([deliveryRecord('d', subscriptionRecord('s'))]);
      expect(await store.leases.claimDueChannels('a', ['discord'], T0, 10, LEASE_MS)).toEqual([channel]);
      expect(await store.leases.claimDueChannels('b', ['discord'], at(LEASE_MS), 10, LEASE_MS)).toEqual([]);
      await store.leases.releaseChannel('b', channel);
      expect(await store.leases.claimDueChannels('b', ['discord'], at(LEASE_MS), 10, LEASE_MS)).toEqual([]);
      expect(await store.leases.claimDueChannels('b', ['discord'], at(LEASE_MS + 1), 10, LEASE_MS)).toEqual([channel]);
      await store.leases.releaseChannel('b', channel);
      expect(await store.leases.claimDueChannels('a', ['discord'], at(LEASE_MS + 2), 10, LEASE_MS)).toEqual([channel]);
    });
  });
});
