/**
 * Leases on feeds and channels (and, for renewals and take-overs, gateway shards), kept on their rows (`lease_owner`, `lease_until`). A lease is held while
 * `lease_until >= now` and free once it is null or past. A claim is one UPDATE over a sub-select of due, free rows;
 * on PostgreSQL the sub-select locks them FOR UPDATE SKIP LOCKED, so concurrent claimers take disjoint rows
 * without waiting for each other, and the lease condition is checked again on the rows actually updated.
 */
import { sql } from 'kysely';
import type { Kysely, RawBuilder, SelectQueryBuilder, SqlBool } from 'kysely';
import type { Platform } from '../records.ts';
import type { ChannelKey, LeaseRepository } from '../store.ts';
import { atomically } from './batches.ts';
import type { Database, Engine } from './database.ts';

export class SqlLeaseRepository implements LeaseRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly engine: Engine,
  ) {}

  async claimDueFeeds(owner: string, now: Date, limit: number, leaseMs: number): Promise<string[]> {
    const at = now.getTime();
    const rows = await this.db
      .updateTable('feeds')
      .set({ lease_owner: owner, lease_until: at + leaseMs })
      .where(({ eb, selectFrom }) =>
        eb(
          'url',
          'in',
          skippingLocked(
            this.engine,
            selectFrom('feeds as due')
              .select('due.url')
              .where(feedIsDue('due', at))
              .where(leaseIsFree('due', at))
              .where(isFollowed('due'))
              .orderBy('due.next_poll_at', (order) => order.asc().nullsFirst())
              .limit(limit),
          ),
        ),
      )
      .where(leaseIsFree('feeds', at))
      .returning(['url', 'next_poll_at'])
      .execute();
    return rows.sort((a, b) => (a.next_poll_at ?? -Infinity) - (b.next_poll_at ?? -Infinity)).map((row) => row.url);
  }

  async holdsFeed(owner: string, url: string, now: Date): Promise<boolean> {
    const row = await this.db
      .selectFrom('feeds')
      .select('url')
      .where('url', '=', url)
      .where('lease_owner', '=', owner)
      .where('lease_until', '>=', now.getTime())
      .executeTakeFirst();
    return row !== undefined;
  }

  /** With `notBefore`, the row is left with no owner but a lease time: claims skip it, and nobody renews it. */
  async releaseFeed(owner: string, url: string, notBefore?: Date): Promise<void> {
    await this.db
      .updateTable('feeds')
      .set({ lease_owner: null, lease_until: notBefore?.getTime() ?? null })
      .where('url', '=', url)
      .where('lease_owner', '=', owner)
      .execute();
  }

  async claimDueChannels(owner: string, platforms: readonly Platform[], now: Date, limit: number, leaseMs: number): Promise<ChannelKey[]> {
    if (platforms.length === 0) return [];
    const at = now.getTime();
    const rows = await this.db
      .updateTable('channels')
      .set({ lease_owner: owner, lease_until: at + leaseMs })
      .where(({ eb, refTuple, selectFrom }) =>
        eb(
          refTuple('platform', 'channel_id'),
          'in',
          skippingLocked(
            this.engine,
            selectFrom('channels as due')
              .select(['due.platform', 'due.channel_id'])
              .where('due.platform', 'in', platforms)
              .where('due.next_due_at', '<=', at)
              .where(leaseIsFree('due', at))
              .orderBy('due.next_due_at')
              .limit(limit),
          ).$asTuple('platform', 'channel_id'),
        ),
      )
      .where(leaseIsFree('channels', at))
      .returning(['platform', 'channel_id'])
      .execute();
    return rows.map((row) => ({ platform: row.platform as Platform, channelId: row.channel_id }));
  }

  /**
   * The channel row is locked before its queue is read, so a delivery added meanwhile by another transaction is
   * either seen here or marks the channel due after this release.
   */
  async releaseChannel(owner: string, channel: ChannelKey): Promise<void> {
    await atomically(this.db, async (db) => {
      const held = db
        .selectFrom('channels')
        .select('channel_id')
        .where('platform', '=', channel.platform)
        .where('channel_id', '=', channel.channelId)
        .where('lease_owner', '=', owner);
      if ((await (this.engine === 'postgres' ? held.forUpdate() : held).executeTakeFirst()) === undefined) return;
      const head = await db
        .selectFrom('deliveries')
        .select('next_attempt_at')
        .where('platform', '=', channel.platform)
        .where('channel_id', '=', channel.channelId)
        .where('state', '=', 'pending')
        .orderBy('seq')
        .limit(1)
        .executeTakeFirst();
      await db
        .updateTable('channels')
        .set({ lease_owner: null, lease_until: null, next_due_at: head?.next_attempt_at ?? null })
        .where('platform', '=', channel.platform)
        .where('channel_id', '=', channel.channelId)
        .where('lease_owner', '=', owner)
        .execute();
    });
  }

  renew(owner: string, now: Date, leaseMs: number): Promise<number> {
    return this.changeLeasesOf(owner, { lease_until: now.getTime() + leaseMs }, now);
  }

  async owners(): Promise<string[]> {
    const rows = await this.db
      .selectFrom('feeds')
      .select('lease_owner as owner')
      .where('lease_owner', 'is not', null)
      .union(this.db.selectFrom('channels').select('lease_owner as owner').where('lease_owner', 'is not', null))
      .union(this.db.selectFrom('gateway_shards').select('lease_owner as owner').where('lease_owner', 'is not', null))
      .execute();
    return rows.flatMap(({ owner }) => (owner === null ? [] : [owner]));
  }

  async releaseAll(owner: string): Promise<number> {
    await this.db.deleteFrom('gateway_members').where('owner', '=', owner).execute();
    return this.changeLeasesOf(owner, { lease_owner: null, lease_until: null });
  }

  async countDueFeeds(now: Date): Promise<number> {
    const at = now.getTime();
    const { count } = await this.db
      .selectFrom('feeds')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where(feedIsDue('feeds', at))
      .where(leaseIsFree('feeds', at))
      .where(isFollowed('feeds'))
      .executeTakeFirstOrThrow();
    return Number(count);
  }

  /** Changes the owner's leases on feeds, channels and shards (with `heldAt`, only those it still holds then); returns how many. */
  private async changeLeasesOf(owner: string, lease: { lease_owner?: null; lease_until: number | null }, heldAt?: Date): Promise<number> {
    let changed = 0;
    for (const table of ['feeds', 'channels', 'gateway_shards'] as const) {
      let update = this.db.updateTable(table).set(lease).where('lease_owner', '=', owner);
      if (heldAt !== undefined) update = update.where('lease_until', '>=', heldAt.getTime());
      const { numUpdatedRows } = await update.executeTakeFirstOrThrow();
      changed += Number(numUpdatedRows);
    }
    return changed;
  }
}

/** On PostgreSQL, locks the rows a claim selects and passes over those another claim has locked. */
export function skippingLocked<DB, TB extends keyof DB, O>(engine: Engine, query: SelectQueryBuilder<DB, TB, O>): SelectQueryBuilder<DB, TB, O> {
  return engine === 'postgres' ? query.forUpdate().skipLocked() : query;
}

export function leaseIsFree(table: string, at: number): RawBuilder<SqlBool> {
  const until = sql.ref(`${table}.lease_until`);
  return sql<SqlBool>`(${until} is null or ${until} < ${at})`;
}

function feedIsDue(table: string, at: number): RawBuilder<SqlBool> {
  const next = sql.ref(`${table}.next_poll_at`);
  return sql<SqlBool>`(${next} is null or ${next} <= ${at})`;
}

function isFollowed(table: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`exists (select 1 from subscriptions where subscriptions.feed_url = ${sql.ref(`${table}.url`)})`;
}
