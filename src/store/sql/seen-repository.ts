/**
 * Seen sets: one `seen_items` row per remembered key or link, in order by `position`, and the set's identity on
 * the feed's row (null there: no seen set yet; an empty set has an identity and no rows).
 *
 * Saving writes the difference only. Rows that stay keep their positions while those still rise in the new
 * order; the first that does not, and every row after it, is placed after all the rest. A poll, which drops the
 * oldest and moves the document's items to the recent end, so rewrites about one document's worth of rows.
 */
import type { Kysely } from 'kysely';
import { seenSetSchema } from '../records.ts';
import type { SeenSet } from '../records.ts';
import type { SeenRepository } from '../store.ts';
import { atomically, chunksOf } from './batches.ts';
import { validRecord } from './columns.ts';
import type { Database, SeenItemsTable } from './database.ts';

type Kind = SeenItemsTable['kind'];

export class SqlSeenRepository implements SeenRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async get(feedUrl: string): Promise<SeenSet | undefined> {
    const feed = await this.db.selectFrom('feeds').select('seen_identity').where('url', '=', feedUrl).executeTakeFirst();
    if (feed?.seen_identity === null || feed?.seen_identity === undefined) return undefined;
    const rows = await this.db.selectFrom('seen_items').select(['kind', 'value']).where('feed_url', '=', feedUrl).orderBy('position').execute();
    return validRecord(
      seenSetSchema,
      {
        identity: feed.seen_identity,
        keys: rows.filter((row) => row.kind === 'key').map((row) => row.value),
        links: rows.filter((row) => row.kind === 'link').map((row) => row.value),
      },
      { table: 'feeds', id: feedUrl },
    );
  }

  async save(feedUrl: string, seen: SeenSet): Promise<void> {
    await atomically(this.db, async (db) => {
      await db
        .insertInto('feeds')
        .values({ url: feedUrl, consecutive_failures: 0, seen_identity: seen.identity })
        .onConflict((conflict) => conflict.column('url').doUpdateSet({ seen_identity: seen.identity }))
        .execute();
      const stored = await db.selectFrom('seen_items').select(['kind', 'value', 'position']).where('feed_url', '=', feedUrl).execute();
      await writeDifference(db, feedUrl, 'key', seen.keys, stored);
      await writeDifference(db, feedUrl, 'link', seen.links, stored);
    });
  }
}

async function writeDifference(
  db: Kysely<Database>,
  feedUrl: string,
  kind: Kind,
  wanted: readonly string[],
  stored: ReadonlyArray<Pick<SeenItemsTable, 'kind' | 'value' | 'position'>>,
): Promise<void> {
  const storedPositions = new Map(stored.filter((row) => row.kind === kind).map((row) => [row.value, row.position]));
  const placed = placeInOrder(new Set(wanted), storedPositions);
  const removed = [...storedPositions.keys()].filter((value) => !placed.has(value));
  for (const chunk of chunksOf(removed)) {
    await db.deleteFrom('seen_items').where('feed_url', '=', feedUrl).where('kind', '=', kind).where('value', 'in', chunk).execute();
  }
  const changed = [...placed].filter(([value, position]) => storedPositions.get(value) !== position);
  for (const chunk of chunksOf(changed)) {
    await db
      .insertInto('seen_items')
      .values(chunk.map(([value, position]) => ({ feed_url: feedUrl, kind, value, position })))
      .onConflict((conflict) => conflict.columns(['feed_url', 'kind', 'value']).doUpdateSet(({ ref }) => ({ position: ref('excluded.position') })))
      .execute();
  }
}

/** A rising position for each wanted value (a repeated value counts once, where it first stands). */
function placeInOrder(wanted: ReadonlySet<string>, storedPositions: ReadonlyMap<string, number>): Map<string, number> {
  let nextFree = 0;
  for (const position of storedPositions.values()) nextFree = Math.max(nextFree, position + 1);
  let last = -1;
  const placed = new Map<string, number>();
  for (const value of wanted) {
    const stored = storedPositions.get(value);
    const position = stored !== undefined && stored > last ? stored : nextFree++;
    placed.set(value, position);
    last = position;
  }
  return placed;
}
