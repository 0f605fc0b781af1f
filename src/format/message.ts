/**
 * Turns a parsed feed Item into the platform-neutral Message every renderer works from.
 * Takes the item and its feed's title; returns clean plain text (control characters removed,
 * whitespace folded), a title that is never empty, and only http(s) links. Escaping and length
 * limits belong to each platform's renderer, not here.
 */
import type { Item } from '../feeds/item.ts';
import { hostOf, resolveUrl } from '../net/http-url.ts';
import { truncateText } from './truncate.ts';

export interface Message {
  readonly title: string;
  readonly url?: string;
  readonly summary: string;
  readonly author?: string;
  readonly imageUrl?: string;
  readonly feedTitle: string;
  readonly feedUrl: string;
  readonly timestamp?: Date;
  readonly categories: readonly string[];
  /** The role (Discord) or user group (Slack) this post pings: set only by a subscription's mention, never by feed text. */
  readonly mentionRoleId?: string;
  /** The subscription's layout when the item was routed (template.ts); none: the platform's own layout. */
  readonly template?: string;
}

const UNTITLED = '(untitled)';
/** How much of the summary stands in for a missing title. */
const TITLE_FROM_SUMMARY_LENGTH = 80;

export function toMessage(item: Item, feedTitle: string): Message {
  const summary = cleanParagraphs(item.summary);
  const url = resolveUrl(item.link);
  const author = foldText(item.author ?? '');
  const imageUrl = resolveUrl(item.image);
  const timestamp = validDate(item.published) ?? validDate(item.updated);
  return {
    title: foldText(item.title) || truncateText(foldText(summary), TITLE_FROM_SUMMARY_LENGTH) || UNTITLED,
    summary,
    feedTitle: foldText(feedTitle) || hostOf(item.feedUrl),
    feedUrl: item.feedUrl,
    categories: uniqueNonEmpty(item.categories.map(foldText)),
    ...(url === undefined ? {} : { url }),
    ...(author === '' ? {} : { author }),
    ...(imageUrl === undefined ? {} : { imageUrl }),
    ...(timestamp === undefined ? {} : { timestamp }),
  };
}

// C0 and C1 controls except tab and line breaks, plus bidi overrides that could reorder what a reader sees.
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/gu;

/** One line: every run of whitespace becomes a single space. */
function foldText(text: string): string {
  return text.replace(CONTROL_CHARACTERS, '').replace(/\s+/gu, ' ').trim();
}

/** Keeps paragraph breaks the text converter produced, folding everything else. */
function cleanParagraphs(text: string): string {
  return text
    .replace(CONTROL_CHARACTERS, '')
    .replace(/\r\n?/gu, '\n')
    .split('\n')
    .map((line) => line.replace(/\s+/gu, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/gu, '\n\n')
    .trim();
}


function validDate(date: Date | undefined): Date | undefined {
  return date !== undefined && !Number.isNaN(date.getTime()) ? date : undefined;
}


function uniqueNonEmpty(values: readonly string[]): string[] {
  return [...new Set(values.filter((value) => value !== ''))];
}
