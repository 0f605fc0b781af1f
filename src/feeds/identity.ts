/**
 * Item identity within one document. An item's id is its guid (RSS guid, Atom id, JSON Feed id), else its link,
 * else a short SHA-256 of title, date and summary. When a key is not unique within the document (feeds that
 * repeat one guid for every item), the whole document falls back to the next key: links, then hashes.
 */
import { createHash } from 'node:crypto';

export interface IdentityFields {
  readonly guid?: string | undefined;
  readonly link?: string | undefined;
  readonly title: string;
  readonly date?: Date | undefined;
  readonly summary: string;
}

type Level = 'guid' | 'link';

/** One id per item, in the same order. */
export function assignIds(items: readonly IdentityFields[]): string[] {
  for (const level of ['guid', 'link'] as const) {
    const keys = items.map((item) => keyAt(item, level));
    if (isUnique(keys)) return keys.map((key, index) => key ?? hashOf(items[index] as IdentityFields));
  }
  return items.map((item) => hashOf(item));
}

/** The item's key at a level (a guid falls back to the link), or undefined when only a hash is left. */
function keyAt(item: IdentityFields, level: Level): string | undefined {
  return (level === 'guid' ? clean(item.guid) : undefined) ?? clean(item.link);
}

/** Whether the keys present (undefined ones are skipped) are all different. */
function isUnique(keys: readonly (string | undefined)[]): boolean {
  const seen = new Set<string>();
  for (const key of keys) {
    if (key === undefined) continue;
    if (seen.has(key)) return false;
    seen.add(key);
  }
  return true;
}

/** A short, stable hash of the fields a reader sees. */
export function hashOf(item: Pick<IdentityFields, 'title' | 'date' | 'summary'>): string {
  const date = item.date === undefined ? '' : item.date.toISOString();
  const digest = createHash('sha256').update(`${item.title}\u0000${date}\u0000${item.summary}`).digest('hex');
  return `sha256:${digest.slice(0, 32)}`;
}

function clean(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}
