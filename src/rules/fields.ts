/**
 * The item fields a rule can scope a term to (`title:rust`), the fields an unscoped term searches,
 * and a "did you mean" lookup for misspelt field names.
 */
import { countEdits } from '../text/edit-distance.ts';

export type FieldName = 'title' | 'summary' | 'content' | 'author' | 'category' | 'link' | 'feed';

export const FIELD_NAMES: readonly FieldName[] = ['title', 'summary', 'content', 'author', 'category', 'link', 'feed'];

/**
 * What an unscoped term searches, in the order a reason names the first hit. Author, link and feed
 * title are left out on purpose: a byline ("Rust Cohle"), a URL path or the feed's own name would
 * otherwise match nearly every item of a feed; scope them explicitly (`author:`, `link:`, `feed:`).
 */
export const UNSCOPED_FIELDS: readonly FieldName[] = ['title', 'summary', 'content', 'category'];

/** A field as one bit (its place in FIELD_NAMES), so a set of fields is a number. */
export function fieldBit(field: FieldName): number {
  return 1 << FIELD_NAMES.indexOf(field);
}

export function fieldMask(fields: readonly FieldName[]): number {
  let mask = 0;
  for (const field of fields) mask |= fieldBit(field);
  return mask;
}

/** The fields a term searches: its own, or the unscoped ones. One list per field, so finding a term allocates none. */
const SCOPED: Readonly<Record<FieldName, readonly FieldName[]>> = {
  title: ['title'], summary: ['summary'], content: ['content'], author: ['author'], category: ['category'], link: ['link'], feed: ['feed'],
};

export function fieldsOfTerm(field: FieldName | null): readonly FieldName[] {
  return field === null ? UNSCOPED_FIELDS : SCOPED[field];
}

/** Names people reach for that are not fields, and the field they mean. */
const ALIASES: Readonly<Record<string, FieldName>> = {
  tag: 'category',
  tags: 'category',
  categories: 'category',
  url: 'link',
  href: 'link',
  description: 'summary',
  body: 'content',
  source: 'feed',
  creator: 'author',
  by: 'author',
};

export function isFieldName(name: string): name is FieldName {
  return (FIELD_NAMES as readonly string[]).includes(name);
}

/** The field `name` most likely means (an alias, or a known field one or two edits away), if any. */
export function suggestField(name: string): FieldName | undefined {
  const lower = name.toLowerCase();
  const alias = ALIASES[lower];
  if (alias !== undefined) return alias;
  let best: FieldName | undefined;
  // Two edits turn most four-letter words into a field ("lang" into "link"); allow one there.
  let bestDistance = lower.length <= 4 ? 2 : 3;
  for (const field of FIELD_NAMES) {
    const distance = countEdits(lower, field);
    if (distance < bestDistance) {
      best = field;
      bestDistance = distance;
    }
  }
  return best;
}
