/**
 * When each channel next has work: `channels.next_due_at` is the due time of its oldest pending delivery, so the
 * delivery worker claims channels by one index instead of scanning the outbox. Adding work only ever moves a
 * channel's time earlier (or sets it when the channel was idle).
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Platform } from '../records.ts';
import { chunksOf } from './batches.ts';
import type { Database } from './database.ts';

export interface ChannelWork {
  readonly platform: Platform;
  readonly channelId: string;
  /** Epoch milliseconds. */
  readonly dueAt: number;
}

/** Makes each channel due at its `dueAt`, unless it is already due earlier. */
export async function markChannelsDue(db: Kysely<Database>, work: readonly ChannelWork[]): Promise<void> {
  const earliest = new Map<string, ChannelWork>();
  for (const item of work) {
    const key = `${item.platform}\u0000${item.channelId}`;
    const known = earliest.get(key);
    if (known === undefined || item.dueAt < known.dueAt) earliest.set(key, item);
  }
  // One order for every writer, so two transactions marking the same channels cannot deadlock on PostgreSQL.
  const ordered = [...earliest.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, item]) => item);
  for (const chunk of chunksOf(ordered)) {
    await db
      .insertInto('channels')
      .values(chunk.map(({ platform, channelId, dueAt }) => ({ platform, channel_id: channelId, next_due_at: dueAt })))
      .onConflict((conflict) =>
        conflict.columns(['platform', 'channel_id']).doUpdateSet({
          next_due_at: sql<number>`case when channels.next_due_at is null or excluded.next_due_at < channels.next_due_at
            then excluded.next_due_at else channels.next_due_at end`,
        }),
      )
      .execute();
  }
}
