/**
 * The ShardCoordinator over a real store (SQLite; the claims themselves are tested on both engines in the
 * store's contract tests) with a recording connector: fair shares, hand-over to a newcomer, take-over from a
 * process that stopped renewing, a lost lease, an agreed shard count, and a shard that fails to connect.
 */
import { describe, expect, it } from 'vitest';
import { useTemporaryStores } from '../../../test/support/temporary-store.ts';
import { createSilentLogger } from '../../log.ts';
import type { Store } from '../../store/store.ts';
import { ShardCoordinator } from './shard-coordinator.ts';
import type { ShardConnector } from './shard-coordinator.ts';

const LEASE_MS = 30_000;
const T0 = Date.parse('2026-12-01T00:00:00Z');

class RecordingConnector implements ShardConnector {
  readonly connected = new Set<number>();
  failing = new Set<number>();

  async connect(shardId: number): Promise<void> {
    if (this.failing.has(shardId)) throw new Error('refused');
    this.connected.add(shardId);
  }

  async disconnect(shardId: number): Promise<void> {
    this.connected.delete(shardId);
  }
}

describe('ShardCoordinator', () => {
  const openTemporary = useTemporaryStores('sqlite');
  let now = T0;
  const clock = () => new Date(now);

  function coordinator(store: Store, owner: string, shardCount: number | 'auto' = 4, recommended = 4) {
    const connector = new RecordingConnector();
    const instance = new ShardCoordinator({
      shards: store.shards, owner, shardCount, recommendedShardCount: async () => recommended, connector, leaseMs: LEASE_MS, clock, log: createSilentLogger(),
    });
    return { instance, connector };
  }

  it('takes every shard alone, hands half to a newcomer, and takes them back when it stops renewing', async () => {
    now = T0;
    const { store } = await openTemporary();
    const a = coordinator(store, 'a');
    await a.instance.start();
    expect(a.instance.heldShards()).toEqual([0, 1, 2, 3]);
    expect([...a.connector.connected].sort()).toEqual([0, 1, 2, 3]);

    const b = coordinator(store, 'b');
    await b.instance.start();
    // b counts two processes but a still holds everything: b waits for a's next round.
    expect(b.instance.heldShards()).toEqual([]);
    await a.instance.tick();
    expect(a.instance.heldShards()).toEqual([0, 1]);
    expect([...a.connector.connected].sort()).toEqual([0, 1]);
    await b.instance.tick();
    expect(b.instance.heldShards()).toEqual([2, 3]);

    // a goes silent (a SIGKILL): a lease later b is alone and takes a's shards.
    now += LEASE_MS + 1;
    await b.instance.tick();
    expect(b.instance.heldShards()).toEqual([0, 1, 2, 3]);
    // a wakes up: its renew finds its leases gone, so it disconnects them rather than hold a shard twice.
    await a.instance.tick();
    expect(a.instance.heldShards()).toEqual([]);
    expect(a.connector.connected.size).toBe(0);
    await b.instance.stop();
    await a.instance.stop();
  });

  it('gives its shards back on a clean stop, so another takes them at once', async () => {
    now = T0;
    const { store } = await openTemporary();
    const a = coordinator(store, 'a', 2);
    const b = coordinator(store, 'b', 2);
    await a.instance.start();
    await b.instance.start();
    await a.instance.stop();
    expect(a.connector.connected.size).toBe(0);
    await b.instance.tick();
    expect(b.instance.heldShards()).toEqual([0, 1]);
    await b.instance.stop();
  });

  it('with auto, adopts the count already in use rather than a new recommendation', async () => {
    now = T0;
    const { store } = await openTemporary();
    const a = coordinator(store, 'a', 'auto', 2);
    await a.instance.start();
    const b = coordinator(store, 'b', 'auto', 5);
    await b.instance.start();
    expect(b.instance.shardCount).toBe(2);
    await a.instance.stop();
    await b.instance.stop();
  });

  it('waits, holding nothing, while other processes hold shards of a different set count', async () => {
    now = T0;
    const { store } = await openTemporary();
    const a = coordinator(store, 'a', 2);
    await a.instance.start();
    const b = coordinator(store, 'b', 3);
    await b.instance.start();
    expect(b.instance.heldShards()).toEqual([]);
    // b did not join the membership, so a keeps both shards instead of handing one to a process that would not take it.
    await a.instance.tick();
    expect(a.instance.heldShards()).toEqual([0, 1]);
    await a.instance.stop();
    await b.instance.tick();
    expect(b.instance.heldShards()).toEqual([0, 1, 2]);
    await b.instance.stop();
  });

  it('gives back a shard that fails to connect, and connects it on a later round', async () => {
    now = T0;
    const { store } = await openTemporary();
    const a = coordinator(store, 'a', 2);
    a.connector.failing.add(1);
    await a.instance.start();
    expect(a.instance.heldShards()).toEqual([0]);
    a.connector.failing.clear();
    await a.instance.tick();
    expect(a.instance.heldShards()).toEqual([0, 1]);
    await a.instance.stop();
  });
});
