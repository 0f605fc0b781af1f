/**
 * Reads the records the previous release kept in Keyv (table `herald`: key `herald:<kind>:<id>`, value JSON
 * `{"value": record}`, plus a `<kind>:index` record per kind). Feed state and seen sets are keyed by a hash of
 * the feed URL; the URL is found again among the feed records and the subscriptions' feed URLs. Every record is
 * validated; one that fails (or whose feed cannot be found) is skipped with the reason.
 */
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { messageOf } from '../../errors.ts';
import { deliverySchema, feedStateSchema, seenSetSchema, subscriptionSchema } from '../records.ts';
import type { Delivery, FeedState, SeenSet, Subscription } from '../records.ts';

export interface KeyvRow {
  readonly key: string;
  readonly value: string;
}

export interface SkippedRecord {
  readonly key: string;
  readonly reason: string;
}

export interface LegacyRecords {
  readonly subscriptions: Subscription[];
  readonly feeds: FeedState[];
  readonly seenSets: Array<{ readonly feedUrl: string; readonly seen: SeenSet }>;
  /** Oldest first. */
  readonly deliveries: Delivery[];
  readonly skipped: SkippedRecord[];
}

const NAMESPACE = 'herald:';

/** The key the previous release filed a feed's state and seen set under. */
export function legacyFeedKey(url: string): string {
  return createHash('sha256').update(url).digest('hex').slice(0, 24);
}

export function readLegacyRecords(rows: readonly KeyvRow[]): LegacyRecords {
  const skipped: SkippedRecord[] = [];
  const byKind = new Map<string, Array<{ key: string; raw: unknown }>>();
  for (const row of rows) {
    const [kind, id] = splitKey(row.key);
    if (id === 'index') continue;
    const stored = unwrap(row.value);
    if ('problem' in stored) skipped.push({ key: row.key, reason: stored.problem });
    else if (kind === undefined) skipped.push({ key: row.key, reason: 'not a record Herald kept' });
    else {
      const ofKind = byKind.get(kind) ?? [];
      ofKind.push({ key: row.key, raw: stored.value });
      byKind.set(kind, ofKind);
    }
  }
  const valid = <S extends z.ZodType>(kind: string, schema: S): Array<{ key: string; record: z.infer<S> }> =>
    (byKind.get(kind) ?? []).flatMap(({ key, raw }) => {
      const result = schema.safeParse(raw);
      if (result.success) return [{ key, record: result.data }];
      skipped.push({ key, reason: result.error.message });
      return [];
    });

  const subscriptions = valid('subscription', subscriptionSchema).map(({ record }) => record);
  const feeds = valid('feed', feedStateSchema).map(({ record }) => record);
  const urlsByKey = new Map([...feeds.map((feed) => feed.url), ...subscriptions.map((subscription) => subscription.feedUrl)].map((url) => [legacyFeedKey(url), url]));
  const seenSets = valid('seen', seenSetSchema).flatMap(({ key, record }) => {
    const feedUrl = urlsByKey.get(key.slice(`${NAMESPACE}seen:`.length));
    if (feedUrl !== undefined) return [{ feedUrl, seen: record }];
    skipped.push({ key, reason: 'no feed or subscription has the URL this seen set was filed under' });
    return [];
  });
  const deliveries = valid('outbox', deliverySchema)
    .map(({ record }) => record)
    .sort((a, b) => timeOf(a.createdAt) - timeOf(b.createdAt) || a.id.localeCompare(b.id));
  for (const [kind, records] of byKind) {
    if (!['subscription', 'feed', 'seen', 'outbox'].includes(kind)) skipped.push(...records.map(({ key }) => ({ key, reason: 'not a record Herald kept' })));
  }
  return { subscriptions, feeds, seenSets, deliveries, skipped };
}

/** For ordering only: a time that does not parse sorts first (the store refuses the record anyway). */
function timeOf(iso: string): number {
  return Date.parse(iso) || 0;
}

/** [kind, id] of a key in Herald's namespace; kind undefined for any other key. */
function splitKey(key: string): [string | undefined, string] {
  if (!key.startsWith(NAMESPACE)) return [undefined, key];
  const rest = key.slice(NAMESPACE.length);
  const colon = rest.indexOf(':');
  return colon < 0 ? [undefined, rest] : [rest.slice(0, colon), rest.slice(colon + 1)];
}

function unwrap(text: string): { value: unknown } | { problem: string } {
  let stored: unknown;
  try {
    stored = JSON.parse(text);
  } catch (error) {
    return { problem: `not JSON (${messageOf(error)})` };
  }
  return typeof stored === 'object' && stored !== null && 'value' in stored ? { value: stored.value } : { problem: 'not a Keyv value ({"value": …})' };
}
