/**
 * Decides which items of a freshly parsed feed are new (DESIGN.md, "Newness, once and only once").
 * Takes the document's items and the feed's stored seen set; returns the new items and the seen set to store
 * once their deliveries are safely in the outbox. Pure: no I/O, no clock.
 *
 * - No seen set yet: this poll is the baseline; everything is seen, nothing is new.
 * - Identity is the item id; a seen id is never new again, whatever its date says.
 * - A feed that regenerates ids on every fetch shows up as "most items new, yet their links were seen":
 *   the feed switches to link identity and those items are not posted.
 * - The seen set is bounded, keeping at least max(2 x feed size, 200) keys, newest last.
 */
import type { Item } from '../feeds/item.ts';
import type { SeenSet } from '../store/records.ts';

export interface NewnessResult {
  readonly newItems: readonly Item[];
  readonly seen: SeenSet;
  readonly baseline: boolean;
  readonly switchedToLinkIdentity: boolean;
}

const MIN_REMEMBERED = 200;
/** A poll must find at least this many "new" items, most of them with known links, to call the ids unstable. */
const MIN_ITEMS_FOR_ID_CHURN = 3;

export function identityKey(item: Item, identity: SeenSet['identity']): string {
  return identity === 'link' && item.link ? item.link : item.id;
}

export function selectNewItems(items: readonly Item[], previous: SeenSet | undefined): NewnessResult {
  if (previous === undefined) {
    return { newItems: [], seen: remember(emptySeenSet('id'), items), baseline: true, switchedToLinkIdentity: false };
  }

  const seenKeys = new Set(previous.keys);
  let identity = previous.identity;
  let candidates = items.filter((item) => !seenKeys.has(identityKey(item, identity)));

  if (identity === 'id' && idsLookRegenerated(candidates, items.length, new Set(previous.links))) {
    identity = 'link';
    const seenLinks = new Set(previous.links);
    candidates = items.filter((item) => !(item.link && seenLinks.has(item.link)) && !seenKeys.has(item.id));
    const relinked: SeenSet = { identity, keys: previous.links, links: previous.links };
    return { newItems: candidates, seen: remember(relinked, items), baseline: false, switchedToLinkIdentity: true };
  }

  return { newItems: candidates, seen: remember({ ...previous, identity }, items), baseline: false, switchedToLinkIdentity: false };
}

function idsLookRegenerated(candidates: readonly Item[], documentSize: number, seenLinks: ReadonlySet<string>): boolean {
  if (candidates.length < MIN_ITEMS_FOR_ID_CHURN || candidates.length * 2 <= documentSize) return false;
  const knownLinks = candidates.filter((item) => item.link !== undefined && seenLinks.has(item.link)).length;
  return knownLinks * 2 > candidates.length;
}

function emptySeenSet(identity: SeenSet['identity']): SeenSet {
  return { identity, keys: [], links: [] };
}

/** Moves the document's keys to the recent end and trims the oldest beyond the bound. */
function remember(seen: SeenSet, items: readonly Item[]): SeenSet {
  const bound = Math.max(2 * items.length, MIN_REMEMBERED);
  const keys = appendRecent(seen.keys, items.map((item) => identityKey(item, seen.identity)), bound);
  const links = appendRecent(seen.links, items.flatMap((item) => (item.link ? [item.link] : [])), bound);
  return { identity: seen.identity, keys, links };
}

function appendRecent(previous: readonly string[], current: readonly string[], bound: number): string[] {
  const currentSet = new Set(current);
  const merged = [...previous.filter((key) => !currentSet.has(key)), ...currentSet];
  return merged.slice(Math.max(0, merged.length - bound));
}
