/**
 * Gateway shard leases and membership (migration 003). A shard row is made when some process first wants a
 * shard of that count, then leased like a feed: one UPDATE over a sub-select of free rows, SKIP LOCKED on
 * PostgreSQL. The IDENTIFY slot of a bucket is one row whose `next_at` moves forward by one conditional UPDATE.
 */
import type { Kysely } from 'kysely';
import type { ShardRepository } from '../store.ts';
import type { Database, Engine } from './database.ts';
import { leaseIsFree, skippingLocked } from './lease-repository.ts';

export class SqlShardRepository implements ShardRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly engine: Engine,
  ) {}

  async heartbeat(owner: string, now: Date, leaseMs: number): Promise<number> {
    const at = now.getTime();
    await this.db
      .insertInto('gateway_members')
      .values({ owner, seen_until: at + leaseMs })
      .onConflict((conflict) => conflict.column('owner').doUpdateSet({ seen_until: at + leaseMs }))
      .execute();
    await this.db.deleteFrom('gateway_members').where('seen_until', '<', at).execute();
    const { count } = await this.db
      .selectFrom('gateway_members')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .executeTakeFirstOrThrow();
    return Number(count);
  }

  async countsInUse(now: Date): Promise<number[]> {
    const rows = await this.db
      .selectFrom('gateway_shards')
      .select('shard_count')
      .distinct()
      .where('lease_owner', 'is not', null)
      .where('lease_until', '>=', now.getTime())
      .execute();
    return rows.map((row) => Number(row.shard_count)).sort((a, b) => a - b);
  }

  async claim(owner: string, shardCount: number, now: Date, limit: number, leaseMs: number): Promise<number[]> {
    if (limit <= 0) return [];
    const at = now.getTime();
    await this.db
      .insertInto('gateway_shards')
      .values(Array.from({ length: shardCount }, (_, shardId) => ({ shard_count: shardCount, shard_id: shardId, lease_owner: null, lease_until: null })))
      .onConflict((conflict) => conflict.columns(['shard_count', 'shard_id']).doNothing())
      .execute();
    const rows = await this.db
      .updateTable('gateway_shards')
      .set({ lease_owner: owner, lease_until: at + leaseMs })
      .where('shard_count', '=', shardCount)
      .where(({ eb, selectFrom }) =>
        eb(
          'shard_id',
          'in',
          skippingLocked(
            this.engine,
            selectFrom('gateway_shards as free')
              .select('free.shard_id')
              .where('free.shard_count', '=', shardCount)
              .where(leaseIsFree('free', at))
              .orderBy('free.shard_id')
              .limit(limit),
          ),
        ),
      )
      .where(leaseIsFree('gateway_shards', at))
      .returning('shard_id')
      .execute();
    return rows.map((row) => Number(row.shard_id)).sort((a, b) => a - b);
  }

  async renew(owner: string, shardCount: number, now: Date, leaseMs: number): Promise<number[]> {
    const at = now.getTime();
    const rows = await this.db
      .updateTable('gateway_shards')
      .set({ lease_until: at + leaseMs })
      .where('lease_owner', '=', owner)
      .where('shard_count', '=', shardCount)
      .where('lease_until', '>=', at)
      .returning('shard_id')
      .execute();
    return rows.map((row) => Number(row.shard_id)).sort((a, b) => a - b);
  }

  async release(owner: string, shardCount: number, shardId: number): Promise<void> {
    await this.db
      .updateTable('gateway_shards')
      .set({ lease_owner: null, lease_until: null })
      .where('shard_count', '=', shardCount)
      .where('shard_id', '=', shardId)
      .where('lease_owner', '=', owner)
      .execute();
  }

  async leave(owner: string): Promise<void> {
    await this.db.updateTable('gateway_shards').set({ lease_owner: null, lease_until: null }).where('lease_owner', '=', owner).execute();
    await this.db.deleteFrom('gateway_members').where('owner', '=', owner).execute();
  }

  async takeIdentifySlot(bucket: number, now: Date, spacingMs: number): Promise<number> {
    const at = now.getTime();
    await this.db.insertInto('gateway_identify').values({ bucket, next_at: 0 }).onConflict((conflict) => conflict.column('bucket').doNothing()).execute();
    const taken = await this.db
      .updateTable('gateway_identify')
      .set({ next_at: at + spacingMs })
      .where('bucket', '=', bucket)
      .where('next_at', '<=', at)
      .executeTakeFirst();
    if (Number(taken.numUpdatedRows) > 0) return 0;
    const row = await this.db.selectFrom('gateway_identify').select('next_at').where('bucket', '=', bucket).executeTakeFirst();
    return Math.max(1, Number(row?.next_at ?? at) - at);
  }
}
