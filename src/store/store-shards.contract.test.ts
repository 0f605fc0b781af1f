/**
 * The Store's gateway shard leases (store.ts, ShardRepository) on both engines: claims take free shards once,
 * expired leases are taken over, renewals tell an owner which shards it still holds, membership counts live
 * gateway processes, concurrent claimers split the shards, and IDENTIFY slots are spaced cluster-wide.
 */
import { describe, expect, it } from 'vitest';
import { at, T0 } from '../../test/support/store-records.ts';
import { useTemporaryStores } from '../../test/support/temporary-store.ts';
import type { StoreEngine } from '../../test/support/temporary-store.ts';
import { openStore } from './open-store.ts';

const ENGINES: StoreEngine[] = ['sqlite', 'postgres'];
const LEASE_MS = 30_000;

describe.each(ENGINES)('Store gateway shards on %s', (engine) => {
  const openTemporary = useTemporaryStores(engine);

  it('leases each shard of a count to one owner, lowest first, until the lease expires', async () => {
    const { store } = await openTemporary();
    expect(await store.shards.claim('a', 4, T0, 2, LEASE_MS)).toEqual([0, 1]);
    expect(await store.shards.claim('b', 4, T0, 4, LEASE_MS)).toEqual([2, 3]);
    expect(await store.shards.claim('c', 4, at(LEASE_MS), 4, LEASE_MS)).toEqual([]);
    expect(await store.shards.countsInUse(T0)).toEqual([4]);

    // b renews, a does not: after a's lease ends, c takes a's shards and b keeps its own.
    expect(await store.shards.renew('b', 4, at(LEASE_MS - 1), LEASE_MS)).toEqual([2, 3]);
    expect(await store.shards.claim('c', 4, at(LEASE_MS + 1), 4, LEASE_MS)).toEqual([0, 1]);
    expect(await store.shards.renew('a', 4, at(LEASE_MS + 2), LEASE_MS)).toEqual([]);
  });

  it('releases one shard or all of an owner\'s, and a dead owner\'s shards with its other leases', async () => {
    const { store } = await openTemporary();
    await store.shards.claim('a', 3, T0, 3, LEASE_MS);
    await store.shards.release('a', 3, 1);
    expect(await store.shards.claim('b', 3, T0, 3, LEASE_MS)).toEqual([1]);
    expect(await store.leases.owners()).toEqual(expect.arrayContaining(['a', 'b']));
    await store.leases.releaseAll('a');
    expect(await store.shards.claim('b', 3, T0, 3, LEASE_MS)).toEqual([0, 2]);
    await store.shards.leave('b');
    expect(await store.shards.countsInUse(T0)).toEqual([]);
  });

  it('counts the processes running the gateway while their heartbeat lasts', async () => {
    const { store } = await openTemporary();
    expect(await store.shards.heartbeat('a', T0, LEASE_MS)).toBe(1);
    expect(await store.shards.heartbeat('b', at(1000), LEASE_MS)).toBe(2);
    // a stops beating: at T0 + 30.5 s only b (and c) count.
    expect(await store.shards.heartbeat('c', at(LEASE_MS + 500), LEASE_MS)).toBe(2);
    await store.shards.leave('c');
    expect(await store.shards.heartbeat('b', at(LEASE_MS + 600), LEASE_MS)).toBe(1);
  });

  it('gives concurrent claimers disjoint shards that together are all of them', async () => {
    const { store, uri } = await openTemporary();
    const claimers = await Promise.all(Array.from({ length: 4 }, () => openStore(uri)));
    try {
      const claimed = await Promise.all(claimers.map((claimer, index) => claimer.shards.claim(`worker-${index}`, 16, T0, 16, LEASE_MS)));
      const all = claimed.flat();
      expect(new Set(all).size).toBe(all.length);
      expect([...all].sort((a, b) => a - b)).toEqual(Array.from({ length: 16 }, (_, id) => id));
    } finally {
      await Promise.all(claimers.map((claimer) => claimer.close()));
    }
    expect(store.engine).toBe(engine);
  });

  it('hands out one IDENTIFY slot per bucket per spacing, and says how long to wait for the next', async () => {
    const { store } = await openTemporary();
    expect(await store.shards.takeIdentifySlot(0, T0, 5000)).toBe(0);
    expect(await store.shards.takeIdentifySlot(0, at(1000), 5000)).toBe(4000);
    expect(await store.shards.takeIdentifySlot(1, at(1000), 5000)).toBe(0);
    expect(await store.shards.takeIdentifySlot(0, at(5000), 5000)).toBe(0);
  });
});
