/**
 * The outbox: deliveries in the `deliveries` table, sent per channel in `seq` order (the order they were added
 * in). Adding work marks its channel due (channel-schedule.ts) so the delivery worker finds it by one index.
 */
import type { Kysely, Selectable } from 'kysely';
import { storedDeliverySchema } from '../records.ts';
import type { Delivery, Platform, StoredDelivery } from '../records.ts';
import { DEFAULT_MAX_PARKED_PER_SUBSCRIPTION } from '../store.ts';
import type { AddDeliveriesOptions, DeliveryFilter, DeliveryRepository, OutboxStats, SubscriptionDeliveryCounts } from '../store.ts';
import { atomically, chunksOf } from './batches.ts';
import { markChannelsDue } from './channel-schedule.ts';
import { isoOf, millisOf, optionalIsoOf, parseJsonColumn, validRecord, wellFormedRecords } from './columns.ts';
import type { MalformedRowReport } from './columns.ts';
import type { Database, DeliveriesTable } from './database.ts';

export class SqlDeliveryRepository implements DeliveryRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly reportMalformed?: MalformedRowReport,
  ) {}

  async add(deliveries: readonly Delivery[], options: AddDeliveriesOptions = {}): Promise<void> {
    if (deliveries.length === 0) return;
    const rows = deliveries.map((delivery) => rowOf(delivery));
    await atomically(this.db, async (db) => {
      const paused = await pausedAmong(db, [...new Set(deliveries.map((delivery) => delivery.subscriptionId))]);
      for (const row of rows) if (paused.has(row.subscription_id)) row.state = 'parked';
      for (const chunk of chunksOf(rows)) {
        await db.insertInto('deliveries').values(chunk).onConflict((conflict) => conflict.column('id').doNothing()).execute();
      }
      const pending = rows.filter((row) => row.state === 'pending');
      await markChannelsDue(db, pending.map((row) => ({ platform: row.platform as Platform, channelId: row.channel_id, dueAt: row.next_attempt_at })));
      const limit = Math.max(0, options.maxParkedPerSubscription ?? DEFAULT_MAX_PARKED_PER_SUBSCRIPTION);
      for (const subscriptionId of [...paused].sort()) await dropOldestParked(db, subscriptionId, limit);
    });
  }

  async countsBySubscription(subscriptionIds: readonly string[], sentSince: Date): Promise<Map<string, SubscriptionDeliveryCounts>> {
    const counts = new Map<string, { pending: number; parked: number; dead: number; sentSince: number }>();
    for (const id of subscriptionIds) counts.set(id, { pending: 0, parked: 0, dead: 0, sentSince: 0 });
    for (const chunk of chunksOf([...counts.keys()])) {
      const waiting = await this.db
        .selectFrom('deliveries')
        .select(['subscription_id', 'state', (eb) => eb.fn.countAll<number>().as('count')])
        .where('subscription_id', 'in', chunk)
        .where('state', 'in', ['pending', 'parked', 'dead'])
        .groupBy(['subscription_id', 'state'])
        .execute();
      for (const row of waiting) {
        const entry = counts.get(row.subscription_id);
        if (entry !== undefined) entry[row.state as 'pending' | 'parked' | 'dead'] = Number(row.count);
      }
      const sent = await this.db
        .selectFrom('deliveries')
        .select(['subscription_id', (eb) => eb.fn.countAll<number>().as('count')])
        .where('subscription_id', 'in', chunk)
        .where('state', '=', 'sent')
        .where('sent_at', '>=', sentSince.getTime())
        .groupBy('subscription_id')
        .execute();
      for (const row of sent) {
        const entry = counts.get(row.subscription_id);
        if (entry !== undefined) entry.sentSince = Number(row.count);
      }
    }
    return counts;
  }

  async get(id: string): Promise<StoredDelivery | undefined> {
    const row = await this.db.selectFrom('deliveries').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : storedDeliveryOf(row);
  }

  async list(filter: DeliveryFilter = {}): Promise<StoredDelivery[]> {
    let query = this.db.selectFrom('deliveries').selectAll();
    if (filter.state !== undefined) query = query.where('state', '=', filter.state);
    if (filter.platform !== undefined) query = query.where('platform', '=', filter.platform);
    if (filter.channelId !== undefined) query = query.where('channel_id', '=', filter.channelId);
    if (filter.subscriptionId !== undefined) query = query.where('subscription_id', '=', filter.subscriptionId);
    const rows = await query.orderBy('seq').execute();
    return wellFormedRecords('deliveries', rows, storedDeliveryOf, this.reportMalformed).records;
  }

  async nextForChannel(platform: Platform, channelId: string, limit: number): Promise<StoredDelivery[]> {
    const rows = await this.db
      .selectFrom('deliveries')
      .selectAll()
      .where('platform', '=', platform)
      .where('channel_id', '=', channelId)
      .where('state', '=', 'pending')
      .orderBy('seq')
      .limit(limit)
      .execute();
    const { records, malformed } = wellFormedRecords('deliveries', rows, storedDeliveryOf, this.reportMalformed);
    // Left pending, a row that cannot be read would hold its channel's queue for good: dead-letter it with why.
    if (malformed.length > 0) {
      await this.db
        .updateTable('deliveries')
        .set({ state: 'dead', last_error: 'malformed stored record: it could not be read back, so it was never sent', sending_since: null })
        .where('id', 'in', malformed.map((origin) => origin.id))
        .execute();
    }
    return records;
  }

  async markSent(id: string, at: Date): Promise<void> {
    await this.db.updateTable('deliveries').set({ state: 'sent', sent_at: at.getTime(), sending_since: null }).where('id', '=', id).execute();
  }

  async markSending(id: string, at: Date): Promise<void> {
    await this.db.updateTable('deliveries').set({ sending_since: at.getTime() }).where('id', '=', id).execute();
  }

  async markRetry(id: string, attempts: number, nextAttemptAt: Date, error: string): Promise<void> {
    // sending_since stays: a post whose answer was lost (a timeout, a dropped connection) may have landed.
    await this.db
      .updateTable('deliveries')
      .set({ attempts, next_attempt_at: nextAttemptAt.getTime(), last_error: error })
      .where('id', '=', id)
      .execute();
  }

  async markFailed(id: string, state: 'dead' | 'rejected', attempts: number, error: string): Promise<void> {
    await this.db.updateTable('deliveries').set({ state, attempts, last_error: error, sending_since: null }).where('id', '=', id).execute();
  }

  async stats(now: Date): Promise<OutboxStats> {
    const counts = await this.db
      .selectFrom('deliveries')
      .select(['state', (eb) => eb.fn.countAll<number>().as('count')])
      .where('state', 'in', ['pending', 'parked', 'dead'])
      .groupBy('state')
      .execute();
    const { oldest } = await this.db
      .selectFrom('deliveries')
      .select((eb) => eb.fn.min('next_attempt_at').as('oldest'))
      .where('state', '=', 'pending')
      .where('next_attempt_at', '<=', now.getTime())
      .executeTakeFirstOrThrow();
    const countOf = (state: string) => Number(counts.find((row) => row.state === state)?.count ?? 0);
    return {
      pending: countOf('pending'),
      parked: countOf('parked'),
      dead: countOf('dead'),
      ...(oldest === null ? {} : { oldestDueAt: new Date(Number(oldest)) }),
    };
  }

  /** A rejected delivery has no time of its own for when it was refused: the attempt was due at `next_attempt_at`. */
  async pruneFinished(before: Date): Promise<number> {
    const { numDeletedRows } = await this.db
      .deleteFrom('deliveries')
      .where(({ and, or, eb }) =>
        or([
          and([eb('state', '=', 'sent'), eb('sent_at', '<', before.getTime())]),
          and([eb('state', '=', 'rejected'), eb('next_attempt_at', '<', before.getTime())]),
        ]),
      )
      .executeTakeFirstOrThrow();
    return Number(numDeletedRows);
  }
}

async function pausedAmong(db: Kysely<Database>, subscriptionIds: readonly string[]): Promise<Set<string>> {
  const paused = new Set<string>();
  for (const chunk of chunksOf(subscriptionIds)) {
    const rows = await db.selectFrom('subscriptions').select('id').where('id', 'in', chunk).where('paused', '=', 1).execute();
    for (const { id } of rows) paused.add(id);
  }
  return paused;
}

/** Keeps the subscription's `limit` newest parked deliveries; the older ones are deleted and counted as dropped. */
async function dropOldestParked(db: Kysely<Database>, subscriptionId: string, limit: number): Promise<void> {
  const parked = db.selectFrom('deliveries').where('subscription_id', '=', subscriptionId).where('state', '=', 'parked');
  const { count } = await parked.select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow();
  const excess = Number(count) - limit;
  if (excess <= 0) return;
  const oldest = await parked.select('id').orderBy('seq').limit(excess).execute();
  for (const chunk of chunksOf(oldest.map(({ id }) => id))) await db.deleteFrom('deliveries').where('id', 'in', chunk).execute();
  await db
    .updateTable('subscriptions')
    .set((eb) => ({ parked_dropped: eb('parked_dropped', '+', oldest.length) }))
    .where('id', '=', subscriptionId)
    .execute();
}

/** Without sending_since (null until a post is under way), so migration 002's import, which runs before 005, can use it. */
function rowOf(delivery: Delivery): Omit<DeliveriesTable, 'seq' | 'sending_since'> {
  const field = (name: string) => `delivery ${delivery.id} ${name}`;
  return {
    id: delivery.id,
    subscription_id: delivery.subscriptionId,
    platform: delivery.platform,
    channel_id: delivery.channelId,
    item_id: delivery.itemId,
    message: JSON.stringify(delivery.message),
    created_at: millisOf(delivery.createdAt, field('createdAt')),
    attempts: delivery.attempts,
    next_attempt_at: millisOf(delivery.nextAttemptAt, field('nextAttemptAt')),
    last_error: delivery.lastError ?? null,
    state: 'pending',
    sent_at: null,
  };
}

function storedDeliveryOf(row: Selectable<DeliveriesTable>): StoredDelivery {
  const origin = { table: 'deliveries', id: row.id };
  return validRecord(
    storedDeliverySchema,
    {
      id: row.id,
      subscriptionId: row.subscription_id,
      platform: row.platform,
      channelId: row.channel_id,
      itemId: row.item_id,
      message: parseJsonColumn(row.message, 'message', origin),
      createdAt: isoOf(row.created_at),
      attempts: row.attempts,
      nextAttemptAt: isoOf(row.next_attempt_at),
      lastError: row.last_error,
      state: row.state,
      sentAt: optionalIsoOf(row.sent_at),
      sendingSince: optionalIsoOf(row.sending_since),
    },
    origin,
  );
}
