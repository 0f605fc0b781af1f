/**
 * The router's decisions, for `/feed why`: items in `seen_item_records` (one row per feed and item) and decisions
 * in `item_decisions` (one per item and subscription), written with multi-row statements in the poll's transaction.
 * Each feed keeps its MAX_ITEMS_PER_FEED newest items; housekeeping prunes by age.
 */
import type { Kysely, Selectable } from 'kysely';
import { itemDecisionSchema, seenItemRecordSchema } from '../records.ts';
import type { ItemDecision, SeenItemRecord } from '../records.ts';
import { MAX_ITEMS_PER_FEED } from '../store.ts';
import type { DecisionRepository } from '../store.ts';
import { atomically, chunksOf } from './batches.ts';
import { isoOf, millisOf, validRecord } from './columns.ts';
import type { Database, ItemDecisionsTable, SeenItemRecordsTable } from './database.ts';

/** How many items one lookup returns at most (one link in many feeds). */
const FOUND_ITEMS_LIMIT = 20;

export class SqlDecisionRepository implements DecisionRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async record(items: readonly SeenItemRecord[], decisions: readonly ItemDecision[]): Promise<void> {
    if (items.length === 0 && decisions.length === 0) return;
    await atomically(this.db, async (db) => {
      for (const chunk of chunksOf(items.map(itemRowOf))) {
        await db.insertInto('seen_item_records').values(chunk).onConflict((conflict) => conflict.columns(['feed_url', 'item_id']).doNothing()).execute();
      }
      for (const chunk of chunksOf(decisions.map(decisionRowOf))) {
        await db
          .insertInto('item_decisions')
          .values(chunk)
          .onConflict((conflict) =>
            conflict.columns(['feed_url', 'item_id', 'subscription_id']).doUpdateSet(({ ref }) => ({
              delivered: ref('excluded.delivered'),
              reason: ref('excluded.reason'),
              decided_at: ref('excluded.decided_at'),
            })),
          )
          .execute();
      }
      for (const feedUrl of new Set(items.map((item) => item.feedUrl))) await keepNewest(db, feedUrl);
    });
  }

  async findItems(query: { readonly linkKey?: string; readonly itemId?: string }): Promise<SeenItemRecord[]> {
    if (query.linkKey === undefined && query.itemId === undefined) return [];
    const rows = await this.db
      .selectFrom('seen_item_records')
      .selectAll()
      .where(({ eb, or }) =>
        or([...(query.linkKey === undefined ? [] : [eb('link_key', '=', query.linkKey)]), ...(query.itemId === undefined ? [] : [eb('item_id', '=', query.itemId)])]),
      )
      .orderBy('seq')
      .limit(FOUND_ITEMS_LIMIT)
      .execute();
    return rows.map(seenItemOf);
  }

  async forItem(feedUrl: string, itemId: string): Promise<ItemDecision[]> {
    const rows = await this.db.selectFrom('item_decisions').selectAll().where('feed_url', '=', feedUrl).where('item_id', '=', itemId).orderBy('subscription_id').execute();
    return rows.map(decisionOf);
  }

  async prune(before: Date): Promise<number> {
    await this.db.deleteFrom('item_decisions').where('decided_at', '<', before.getTime()).execute();
    const { numDeletedRows } = await this.db.deleteFrom('seen_item_records').where('first_seen_at', '<', before.getTime()).executeTakeFirstOrThrow();
    return Number(numDeletedRows);
  }
}

/** Drops the feed's items beyond the newest MAX_ITEMS_PER_FEED, and their decisions. Reads at most that many index entries. */
async function keepNewest(db: Kysely<Database>, feedUrl: string): Promise<void> {
  const cutoff = await db
    .selectFrom('seen_item_records')
    .select('seq')
    .where('feed_url', '=', feedUrl)
    .orderBy('seq', 'desc')
    .limit(1)
    .offset(MAX_ITEMS_PER_FEED)
    .executeTakeFirst();
  if (cutoff === undefined) return;
  const oldItems = db.selectFrom('seen_item_records').select('item_id').where('feed_url', '=', feedUrl).where('seq', '<=', cutoff.seq);
  await db.deleteFrom('item_decisions').where('feed_url', '=', feedUrl).where('item_id', 'in', oldItems).execute();
  await db.deleteFrom('seen_item_records').where('feed_url', '=', feedUrl).where('seq', '<=', cutoff.seq).execute();
}

function itemRowOf(item: SeenItemRecord): Omit<SeenItemRecordsTable, 'seq'> {
  return {
    feed_url: item.feedUrl,
    item_id: item.itemId,
    item_link: item.link ?? null,
    link_key: item.linkKey ?? null,
    item_title: item.title,
    first_seen_at: millisOf(item.firstSeenAt, `item ${item.itemId} firstSeenAt`),
    baseline: item.baseline ? 1 : 0,
  };
}

function decisionRowOf(decision: ItemDecision): ItemDecisionsTable {
  return {
    feed_url: decision.feedUrl,
    item_id: decision.itemId,
    subscription_id: decision.subscriptionId,
    delivered: decision.delivered ? 1 : 0,
    reason: decision.reason,
    decided_at: millisOf(decision.decidedAt, `decision on ${decision.itemId} decidedAt`),
  };
}

function seenItemOf(row: Selectable<SeenItemRecordsTable>): SeenItemRecord {
  return validRecord(
    seenItemRecordSchema,
    {
      feedUrl: row.feed_url,
      itemId: row.item_id,
      link: row.item_link,
      linkKey: row.link_key,
      title: row.item_title,
      firstSeenAt: isoOf(row.first_seen_at),
      baseline: row.baseline === 1,
    },
    { table: 'seen_item_records', id: `${row.feed_url} ${row.item_id}` },
  );
}

function decisionOf(row: Selectable<ItemDecisionsTable>): ItemDecision {
  return validRecord(
    itemDecisionSchema,
    {
      feedUrl: row.feed_url,
      itemId: row.item_id,
      subscriptionId: row.subscription_id,
      delivered: row.delivered === 1,
      reason: row.reason,
      decidedAt: isoOf(row.decided_at),
    },
    { table: 'item_decisions', id: `${row.feed_url} ${row.item_id} ${row.subscription_id}` },
  );
}
