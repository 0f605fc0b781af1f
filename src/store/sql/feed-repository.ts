/**
 * Feed state in the `feeds` table. The row also carries the feed's lease (see lease-repository.ts) and its seen
 * set's identity (see seen-repository.ts); saving the state touches neither.
 */
import type { Kysely, Selectable } from 'kysely';
import { feedStateSchema } from '../records.ts';
import type { FeedState } from '../records.ts';
import type { FeedRepository } from '../store.ts';
import { atomically, chunksOf } from './batches.ts';
import { optionalIsoOf, optionalMillisOf, validRecord } from './columns.ts';
import type { Database, FeedsTable } from './database.ts';

type FeedStateColumns = Omit<FeedsTable, 'url' | 'seen_identity' | 'lease_owner' | 'lease_until' | 'min_interval_source'> & { min_interval_source?: string };

export class SqlFeedRepository implements FeedRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async get(url: string): Promise<FeedState | undefined> {
    const row = await this.db.selectFrom('feeds').selectAll().where('url', '=', url).executeTakeFirst();
    return row === undefined ? undefined : feedStateOf(row);
  }

  async save(state: FeedState): Promise<void> {
    const columns = stateColumnsOf(state);
    await this.db
      .insertInto('feeds')
      .values({ url: state.url, ...columns })
      .onConflict((conflict) => conflict.column('url').doUpdateSet(columns))
      .execute();
  }

  async forget(url: string): Promise<void> {
    await atomically(this.db, async (db) => {
      await db.deleteFrom('seen_items').where('feed_url', '=', url).execute();
      await db.deleteFrom('feeds').where('url', '=', url).execute();
    });
  }

  forgetUnfollowed(): Promise<number> {
    return atomically(this.db, async (db) => {
      const unfollowed = await db
        .selectFrom('feeds')
        .select('url')
        .where(({ exists, not, selectFrom }) => not(exists(selectFrom('subscriptions').select('id').whereRef('subscriptions.feed_url', '=', 'feeds.url'))))
        .execute();
      for (const chunk of chunksOf(unfollowed.map(({ url }) => url))) {
        await db.deleteFrom('seen_items').where('feed_url', 'in', chunk).execute();
        await db.deleteFrom('feeds').where('url', 'in', chunk).execute();
      }
      return unfollowed.length;
    });
  }
}

/** Gives the feed a row (due at once) unless it has one. */
export async function ensureFeedRow(db: Kysely<Database>, url: string): Promise<void> {
  await db
    .insertInto('feeds')
    .values({ url, consecutive_failures: 0 })
    .onConflict((conflict) => conflict.column('url').doNothing())
    .execute();
}

function stateColumnsOf(state: FeedState): FeedStateColumns {
  const field = (name: string) => `feed ${state.url} ${name}`;
  return {
    title: state.title ?? null,
    etag: state.etag ?? null,
    last_modified: state.lastModified ?? null,
    last_polled_at: optionalMillisOf(state.lastPolledAt, field('lastPolledAt')),
    next_poll_at: optionalMillisOf(state.nextPollAt, field('nextPollAt')),
    min_interval_seconds: state.minIntervalSeconds ?? null,
    // Written only when known: migration 002's import saves states before migration 011 added the column. A source
    // is read only beside the minimum it explains, and whoever sets a minimum sets its source.
    ...(state.minIntervalSource === undefined ? {} : { min_interval_source: state.minIntervalSource }),
    consecutive_failures: state.consecutiveFailures,
    last_error: state.lastError ?? null,
    failing_since: optionalMillisOf(state.failingSince, field('failingSince')),
  };
}

function feedStateOf(row: Selectable<FeedsTable>): FeedState {
  return validRecord(
    feedStateSchema,
    {
      url: row.url,
      title: row.title,
      etag: row.etag,
      lastModified: row.last_modified,
      lastPolledAt: optionalIsoOf(row.last_polled_at),
      nextPollAt: optionalIsoOf(row.next_poll_at),
      minIntervalSeconds: row.min_interval_seconds,
      minIntervalSource: row.min_interval_seconds === null ? null : row.min_interval_source,
      consecutiveFailures: row.consecutive_failures,
      lastError: row.last_error,
      failingSince: optionalIsoOf(row.failing_since),
    },
    { table: 'feeds', id: row.url },
  );
}
