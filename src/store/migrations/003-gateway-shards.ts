/**
 * Migration 003: the tables that spread Discord's gateway shards over the processes of a cluster.
 * `gateway_shards` leases each shard of a shard count to one process, as feeds and channels are leased;
 * `gateway_members` says which processes run the gateway now, so each can take its fair share;
 * `gateway_identify` spaces the IDENTIFYs of one rate-limit bucket cluster-wide (Discord allows
 * `max_concurrency` of them per 5 seconds).
 */
import type { Kysely, Migration } from 'kysely';
import type { Engine } from '../sql/database.ts';

export function gatewayShardsSchema(engine: Engine): Migration {
  const time = engine === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('gateway_shards')
        .addColumn('shard_count', 'integer', (column) => column.notNull())
        .addColumn('shard_id', 'integer', (column) => column.notNull())
        .addColumn('lease_owner', 'text')
        .addColumn('lease_until', time)
        .addPrimaryKeyConstraint('gateway_shards_pk', ['shard_count', 'shard_id'])
        .execute();
      await db.schema
        .createTable('gateway_members')
        .addColumn('owner', 'text', (column) => column.primaryKey())
        .addColumn('seen_until', time, (column) => column.notNull())
        .execute();
      await db.schema
        .createTable('gateway_identify')
        .addColumn('bucket', 'integer', (column) => column.primaryKey())
        .addColumn('next_at', time, (column) => column.notNull())
        .execute();
    },
  };
}
