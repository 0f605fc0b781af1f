/**
 * Spreads Discord's gateway shards over the processes that run the gateway role, through the store alone.
 * Every third of a lease, each process says it is alive, renews the shards it holds, gives up shards beyond its
 * fair share (ceil(shards / live gateway processes)) so a newcomer can take them, and claims free ones up to it.
 * A shard is connected only while its lease is held: one whose lease was lost (this process stalled) is
 * disconnected at once, and one given up is disconnected before its lease is released, so no two processes ever
 * hold the same shard's connection. A process that dies stops renewing; its shards are free within a lease.
 */
import { messageOf } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import type { ShardRepository } from '../../store/store.ts';

export interface ShardConnector {
  /** Connects one shard; resolves once it is ready to receive events, throws if it cannot be. */
  connect(shardId: number, shardCount: number): Promise<void>;
  disconnect(shardId: number): Promise<void>;
}

export interface ShardCoordinatorOptions {
  readonly shards: ShardRepository;
  readonly owner: string;
  /** A number, or Discord's recommendation when no process holds shards of some count yet. */
  readonly shardCount: number | 'auto';
  readonly recommendedShardCount: () => Promise<number>;
  readonly connector: ShardConnector;
  readonly leaseMs: number;
  readonly clock: () => Date;
  readonly log: Logger;
  readonly onStoreError?: (error: unknown) => void;
}

export class ShardCoordinator {
  private readonly held = new Set<number>();
  private count: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private running = false;
  private waitingReported = false;

  constructor(private readonly options: ShardCoordinatorOptions) {}

  /** Takes this process's first share (and connects it) before resolving. */
  async start(): Promise<void> {
    this.running = true;
    await this.tick();
    this.timer = setInterval(() => void this.tick(), Math.max(100, Math.floor(this.options.leaseMs / 3)));
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearInterval(this.timer);
    await this.ticking;
    for (const shardId of [...this.held]) await this.disconnect(shardId);
    await this.options.shards.leave(this.options.owner).catch((error: unknown) => {
      this.options.log.warn('could not give up the gateway shards; they expire by themselves', { error: messageOf(error) });
    });
  }

  /** The shards this process holds and has connected, lowest first. */
  heldShards(): number[] {
    return [...this.held].sort((a, b) => a - b);
  }

  get shardCount(): number | undefined {
    return this.count;
  }

  /** One round of renew, give up, claim; rounds never overlap. */
  tick(): Promise<void> {
    this.ticking ??= this.round()
      .catch((error: unknown) => {
        this.options.log.error('could not coordinate gateway shards with the cluster; trying again shortly', { error: messageOf(error) });
        this.options.onStoreError?.(error);
      })
      .finally(() => {
        this.ticking = undefined;
      });
    return this.ticking;
  }

  private async round(): Promise<void> {
    if (!this.running) return;
    const { shards, owner, leaseMs, log } = this.options;
    const now = this.options.clock();
    const count = await this.resolveCount(now);
    if (count === undefined) return;
    this.count = count;

    const stillHeld = new Set(await shards.renew(owner, count, now, leaseMs));
    for (const shardId of [...this.held]) {
      if (stillHeld.has(shardId)) continue;
      log.warn('lost the lease on a gateway shard (this process was too slow to renew it); disconnecting it', { shard: shardId });
      await this.disconnect(shardId);
    }
    const members = await shards.heartbeat(owner, now, leaseMs);
    const share = Math.ceil(count / Math.max(1, members));

    const extra = this.heldShards().slice(share);
    for (const shardId of extra.reverse()) {
      log.info('handing a gateway shard to another process for balance', { shard: shardId, processes: members });
      await this.disconnect(shardId);
      await shards.release(owner, count, shardId);
    }
    if (!this.running || this.held.size >= share) return;
    const claimed = await shards.claim(owner, count, now, share - this.held.size, leaseMs);
    for (const shardId of claimed) {
      try {
        await this.options.connector.connect(shardId, count);
        this.held.add(shardId);
        log.info('gateway shard connected', { shard: shardId, shards: count, processes: members });
      } catch (error) {
        log.error('could not connect a gateway shard; another process or the next round takes it', { shard: shardId, error: messageOf(error) });
        await this.options.connector.disconnect(shardId).catch(() => undefined);
        await shards.release(owner, count, shardId);
      }
      if (!this.running) return;
    }
  }

  /**
   * All processes must agree on the count. `auto` adopts the count already in use, else Discord's recommendation.
   * A set number different from the one in use waits (and says so) until the processes holding it stop.
   */
  private async resolveCount(now: Date): Promise<number | undefined> {
    const inUse = await this.options.shards.countsInUse(now);
    const wanted = this.options.shardCount === 'auto' ? (inUse[0] ?? this.count ?? (await this.options.recommendedShardCount())) : this.options.shardCount;
    const others = inUse.filter((count) => count !== wanted);
    if (others.length === 0) {
      this.waitingReported = false;
      return wanted;
    }
    if (!this.waitingReported) {
      this.options.log.error('other processes hold gateway shards of another count; this one waits until they stop (give every process the same DISCORD_SHARDS)', {
        wanted, inUse: others.join(','),
      });
      this.waitingReported = true;
    }
    return this.held.size > 0 ? wanted : undefined;
  }

  private async disconnect(shardId: number): Promise<void> {
    this.held.delete(shardId);
    await this.options.connector.disconnect(shardId).catch((error: unknown) => {
      this.options.log.warn('a gateway shard did not disconnect cleanly', { shard: shardId, error: messageOf(error) });
    });
  }
}
