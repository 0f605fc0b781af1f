/** Helpers for statements over many rows: multi-row writes in chunks, and work that must be atomic. */
import type { Kysely } from 'kysely';
import type { Database } from './database.ts';

/** Rows per multi-row statement: well under both engines' limits on bound parameters. */
export const ROWS_PER_STATEMENT = 500;

export function chunksOf<T>(items: readonly T[], size: number = ROWS_PER_STATEMENT): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

/** Runs `work` in a transaction, or in the caller's when `db` already is one. */
export function atomically<T>(db: Kysely<Database>, work: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work);
}
