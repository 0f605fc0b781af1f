/** Subscriptions in the `subscriptions` table; a subscription's feed always has a `feeds` row to be polled by. */
import type { Kysely, Selectable } from 'kysely';
import { subscriptionSchema } from '../records.ts';
import type { Mention, Platform, Subscription } from '../records.ts';
import type { SubscriptionRepository } from '../store.ts';
import { atomically } from './batches.ts';
import { markChannelsDue } from './channel-schedule.ts';
import { isoOf, jsonOrNull, millisOf, parseJsonColumn, validRecord, wellFormedRecords } from './columns.ts';
import type { MalformedRowReport } from './columns.ts';
import type { Database, SubscriptionsTable } from './database.ts';
import { ensureFeedRow } from './feed-repository.ts';

export class SqlSubscriptionRepository implements SubscriptionRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly reportMalformed?: MalformedRowReport,
  ) {}

  async get(id: string): Promise<Subscription | undefined> {
    const row = await this.db.selectFrom('subscriptions').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : subscriptionOf(row);
  }

  async put(subscription: Subscription): Promise<void> {
    const { id, ...columns } = subscriptionRow(subscription);
    await atomically(this.db, async (db) => {
      await db
        .insertInto('subscriptions')
        .values({ id, ...columns })
        .onConflict((conflict) => conflict.column('id').doUpdateSet(columns))
        .execute();
      await ensureFeedRow(db, subscription.feedUrl);
    });
  }

  delete(id: string): Promise<boolean> {
    return atomically(this.db, async (db) => {
      await db.deleteFrom('deliveries').where('subscription_id', '=', id).where('state', 'in', ['pending', 'parked']).execute();
      const { numDeletedRows } = await db.deleteFrom('subscriptions').where('id', '=', id).executeTakeFirstOrThrow();
      return numDeletedRows > 0n;
    });
  }

  async listByFeed(feedUrl: string): Promise<Subscription[]> {
    const rows = await this.db.selectFrom('subscriptions').selectAll().where('feed_url', '=', feedUrl).orderBy('created_at').orderBy('id').execute();
    return wellFormedRecords('subscriptions', rows, subscriptionOf, this.reportMalformed).records;
  }

  async listByWorkspace(platform: Platform, workspaceId: string, channelId?: string): Promise<Subscription[]> {
    let query = this.db.selectFrom('subscriptions').selectAll().where('platform', '=', platform).where('workspace_id', '=', workspaceId);
    if (channelId !== undefined) query = query.where('channel_id', '=', channelId);
    const rows = await query.orderBy('created_at').orderBy('id').execute();
    return wellFormedRecords('subscriptions', rows, subscriptionOf, this.reportMalformed).records;
  }

  async listConfigured(): Promise<Subscription[]> {
    const rows = await this.db.selectFrom('subscriptions').selectAll().where('source', '=', 'config').orderBy('created_at').orderBy('id').execute();
    return rows.map(subscriptionOf);
  }

  setPaused(id: string, paused: boolean, reason: string | undefined, now: Date): Promise<Subscription | undefined> {
    return atomically(this.db, async (db) => {
      const row = await db
        .updateTable('subscriptions')
        .set({ paused: paused ? 1 : 0, paused_reason: paused ? (reason ?? null) : null, ...(paused ? {} : { parked_dropped: 0 }) })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      if (row === undefined) return undefined;
      const subscription = subscriptionOf(row);
      if (paused) {
        await db.updateTable('deliveries').set({ state: 'parked' }).where('subscription_id', '=', id).where('state', '=', 'pending').execute();
      } else {
        const { numUpdatedRows } = await db
          .updateTable('deliveries')
          .set({ state: 'pending', next_attempt_at: now.getTime() })
          .where('subscription_id', '=', id)
          .where('state', '=', 'parked')
          .executeTakeFirstOrThrow();
        if (numUpdatedRows > 0n) {
          await markChannelsDue(db, [{ platform: subscription.platform, channelId: subscription.channelId, dueAt: now.getTime() }]);
        }
      }
      return subscription;
    });
  }

  async setRule(id: string, rule: string): Promise<Subscription | undefined> {
    const row = await this.db.updateTable('subscriptions').set({ rule }).where('id', '=', id).returningAll().executeTakeFirst();
    return row === undefined ? undefined : subscriptionOf(row);
  }

  async setMention(id: string, mention: Mention | undefined): Promise<Subscription | undefined> {
    const row = await this.db.updateTable('subscriptions').set(mentionColumns(mention)).where('id', '=', id).returningAll().executeTakeFirst();
    return row === undefined ? undefined : subscriptionOf(row);
  }

  async setTemplate(id: string, template: string | undefined): Promise<Subscription | undefined> {
    const row = await this.db.updateTable('subscriptions').set({ template: template ?? null }).where('id', '=', id).returningAll().executeTakeFirst();
    return row === undefined ? undefined : subscriptionOf(row);
  }

  moveFeed(from: string, to: string): Promise<number> {
    return atomically(this.db, async (db) => {
      const { numUpdatedRows } = await db.updateTable('subscriptions').set({ feed_url: to }).where('feed_url', '=', from).executeTakeFirstOrThrow();
      if (numUpdatedRows > 0n) await ensureFeedRow(db, to);
      return Number(numUpdatedRows);
    });
  }

  async count(): Promise<number> {
    const { count } = await this.db.selectFrom('subscriptions').select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow();
    return Number(count);
  }
}

function mentionColumns(mention: Mention | undefined): Pick<SubscriptionsTable, 'mention_role_id' | 'mention_role_name' | 'mention_rule'> {
  return { mention_role_id: mention?.roleId ?? null, mention_role_name: mention?.roleName ?? null, mention_rule: mention?.rule || null };
}

/** Without parked_dropped: the store alone keeps that count, so putting a subscription again leaves it as it is. */
/** A subscription as its row (every column but the store's own parked_dropped count). */
export function subscriptionRow(subscription: Subscription): Omit<SubscriptionsTable, 'parked_dropped'> {
  return {
    id: subscription.id,
    platform: subscription.platform,
    workspace_id: subscription.workspaceId,
    channel_id: subscription.channelId,
    channel_name: subscription.channelName ?? null,
    feed_url: subscription.feedUrl,
    feed_title: subscription.feedTitle,
    rule: subscription.rule,
    created_at: millisOf(subscription.createdAt, `subscription ${subscription.id} createdAt`),
    created_by: subscription.createdBy,
    paused: subscription.paused ? 1 : 0,
    paused_reason: subscription.pausedReason ?? null,
    skip_item_ids: jsonOrNull(subscription.skipItemIds),
    source: subscription.source ?? null,
    interval_seconds: subscription.intervalSeconds ?? null,
    ...mentionColumns(subscription.mention),
    template: subscription.template ?? null,
  };
}

function subscriptionOf(row: Selectable<SubscriptionsTable>): Subscription {
  const origin = { table: 'subscriptions', id: row.id };
  return validRecord(
    subscriptionSchema,
    {
      id: row.id,
      platform: row.platform,
      workspaceId: row.workspace_id,
      channelId: row.channel_id,
      channelName: row.channel_name,
      feedUrl: row.feed_url,
      feedTitle: row.feed_title,
      rule: row.rule,
      createdAt: isoOf(row.created_at),
      createdBy: row.created_by,
      paused: row.paused === 1,
      pausedReason: row.paused_reason,
      skipItemIds: parseJsonColumn(row.skip_item_ids, 'skip_item_ids', origin),
      source: row.source,
      intervalSeconds: row.interval_seconds,
      mention:
        row.mention_role_id === null
          ? undefined
          : { roleId: row.mention_role_id, roleName: row.mention_role_name ?? row.mention_role_id, ...(row.mention_rule ? { rule: row.mention_rule } : {}) },
      parkedDropped: row.parked_dropped > 0 ? Number(row.parked_dropped) : undefined,
      template: row.template,
    },
    origin,
  );
}
