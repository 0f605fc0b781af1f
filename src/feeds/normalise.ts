/**
 * The format-neutral end of parsing. Format parsers fill an ItemDraft (values already pulled out of their wire
 * format, URLs already absolute); this module turns drafts into Items: plain-text summary, first image, folded
 * title, deduplicated categories, and ids that are unique within the document (identity.ts).
 * It also holds URL resolution (xml:base chain, then the feed URL) shared by the XML formats.
 */
import type { Item } from './item.ts';
import { assignIds } from './identity.ts';
import type { XmlElement } from './xml.ts';
import { decodeEntities, foldSpaces, htmlToText } from '../text/html-to-text.ts';
import { resolveUrl } from '../net/http-url.ts';

export interface ItemDraft {
  guid?: string | undefined;
  title?: string | undefined;
  link?: string | undefined;
  published?: Date | undefined;
  updated?: Date | undefined;
  author?: string | undefined;
  categories: string[];
  /** HTML of the description/summary. */
  summaryHtml?: string | undefined;
  /** Plain-text summary, used when there is no summaryHtml (Atom type="text", itunes:summary, JSON summary). */
  summaryText?: string | undefined;
  contentHtml?: string | undefined;
  /** Image URLs from the feed's own metadata, best first, absolute. */
  images: string[];
  /** Base URL for relative references inside the HTML (the <img> fallback). */
  htmlBase?: string | undefined;
}

/**
 * How much of one text (a title, summary, author or category, markup included) is read: the rest is cut before
 * markup is stripped and whitespace folded, so a feed's multi-megabyte title costs no more than a long article.
 */
export const MAX_TEXT_INPUT = 65_536;
/** A title is cut to this after folding (Discord shows 256 characters of it, Slack about as many). */
export const MAX_TITLE_LENGTH = 2_048;

/** The first `max` characters of `text`, never ending in half a surrogate pair. */
export function capText(text: string, max = MAX_TEXT_INPUT): string {
  if (text.length <= max) return text;
  const code = text.charCodeAt(max - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

export function buildItems(drafts: readonly ItemDraft[], feedUrl: string): Item[] {
  // The plain-text summary is worked out on first read, once: a poll reads it only for the few items that are new
  // (rules, the message), and identity only for items with neither guid nor link.
  const summaries = drafts.map((draft) => {
    let summary: string | undefined;
    return () => (summary ??= summaryOf(draft));
  });
  const titles = drafts.map((draft) => capText(foldWhitespace(draft.title ?? ''), MAX_TITLE_LENGTH).trimEnd());
  const ids = assignIds(
    drafts.map((draft, index) => ({
      guid: draft.guid,
      link: draft.link,
      title: titles[index] ?? '',
      date: draft.published ?? draft.updated,
      get summary() {
        return (summaries[index] as () => string)();
      },
    })),
  );
  return drafts.map((draft, index) => {
    const base = draft.htmlBase ?? feedUrl;
    const image = draft.images[0] ?? firstImageIn(draft.contentHtml, base) ?? firstImageIn(draft.summaryHtml, base);
    const summary = summaries[index] as () => string;
    // An own, enumerable getter: the Item reads, spreads and serialises as if the summary were a plain field.
    const item: Mutable<Item> = {
      feedUrl,
      id: ids[index] ?? '',
      title: titles[index] ?? '',
      categories: uniqueCategories(draft.categories),
      get summary() {
        return summary();
      },
    };
    // Optional fields only when present, in this order (assigned, not spread: no object per field and item).
    if (draft.link !== undefined) item.link = draft.link;
    if (draft.published !== undefined) item.published = draft.published;
    if (draft.updated !== undefined) item.updated = draft.updated;
    if (nonEmpty(draft.author) !== undefined) item.author = foldWhitespace(draft.author ?? '');
    if (nonEmpty(draft.contentHtml) !== undefined) item.contentHtml = draft.contentHtml;
    if (image !== undefined) item.image = image;
    return item;
  });
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function summaryOf(draft: ItemDraft): string {
  const html = nonEmpty(draft.summaryHtml);
  if (html !== undefined) return htmlToText(capText(html));
  if (nonEmpty(draft.summaryText) !== undefined) return foldWhitespace(draft.summaryText ?? '');
  return draft.contentHtml === undefined ? '' : htmlToText(capText(draft.contentHtml));
}

export function foldWhitespace(text: string): string {
  return foldSpaces(capText(text));
}

function nonEmpty(text: string | undefined): string | undefined {
  return text === undefined || !/\S/.test(text) ? undefined : text;
}

function uniqueCategories(categories: readonly string[]): string[] {
  const seen = new Set<string>();
  for (const category of categories) {
    const folded = foldWhitespace(category);
    if (folded !== '') seen.add(folded);
  }
  return [...seen];
}

// ---- URLs ----


/** The base URL in force at an element: the xml:base attributes of it and its ancestors over the feed URL. */
export function baseOf(element: XmlElement | undefined, feedUrl: string): string {
  const bases: string[] = [];
  for (let node = element; node !== undefined; node = node.parent) {
    const base = node.attrs['xml:base'];
    if (base !== undefined) bases.push(base);
  }
  let resolved = feedUrl;
  for (let index = bases.length - 1; index >= 0; index -= 1) {
    resolved = resolveUrl(bases[index], resolved) ?? resolved;
  }
  return resolved;
}

// ---- images ----

const SRC_ATTRIBUTE = /\ssrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/i;
const TRACKING_PIXEL = /\s(?:width|height)\s*=\s*["']?[01](?:px)?["'\s/>]/i;
// FeedBurner's share buttons ("flares") and its tracking pixel.
const FEED_FURNITURE = /^https?:\/\/feeds\.feedburner\.com\/~(?:ff|r)\//i;

/** The first <img src> in some HTML that is not a tracking pixel or a share button, absolute. */
export function firstImageIn(html: string | undefined, base: string): string | undefined {
  if (html === undefined) return undefined;
  // Tag starts by a fixed pattern, tag ends by indexOf: a '<img' that never closes costs no rescan.
  const opening = /<img\b/gi;
  for (let match = opening.exec(html); match !== null; match = opening.exec(html)) {
    const close = html.indexOf('>', match.index);
    if (close === -1) return undefined;
    const tag = html.slice(match.index, close + 1);
    if (TRACKING_PIXEL.test(tag)) continue;
    const attribute = SRC_ATTRIBUTE.exec(tag);
    const src = attribute?.[1] ?? attribute?.[2] ?? attribute?.[3];
    const resolved = resolveUrl(src === undefined ? undefined : decodeEntities(src), base);
    if (resolved !== undefined && !FEED_FURNITURE.test(resolved)) return resolved;
  }
  return undefined;
}
