/**
 * JSON Feed 1.0 and 1.1: takes the parsed JSON value and returns the normalised feed, or undefined when the
 * value is not a JSON Feed. Untrusted input goes through zod; a field of the wrong type is dropped rather than
 * failing the whole feed, since one bad item should not hide the others.
 */
import { z } from 'zod';
import type { ParsedFeed } from './item.ts';
import { parseFeedDate } from './dates.ts';
import { buildItems, foldWhitespace, type ItemDraft } from './normalise.ts';
import { resolveUrl } from '../net/http-url.ts';

const text = z.string().optional().catch(undefined);
const author = z.object({ name: text }).optional().catch(undefined);

const jsonItem = z.object({
  id: z.union([z.string(), z.number()]).optional().catch(undefined),
  url: text,
  external_url: text,
  title: text,
  content_html: text,
  content_text: text,
  summary: text,
  image: text,
  banner_image: text,
  date_published: text,
  date_modified: text,
  author,
  authors: z.array(author).optional().catch(undefined),
  tags: z.array(z.unknown()).optional().catch(undefined),
});

const jsonFeed = z.object({
  version: text,
  title: text,
  home_page_url: text,
  author,
  authors: z.array(author).optional().catch(undefined),
  items: z.array(z.unknown()).optional().catch(undefined),
});

type JsonItem = z.infer<typeof jsonItem>;

/** Whether a parsed JSON value claims to be a JSON Feed. */
export function isJsonFeed(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const { version, items } = value as { version?: unknown; items?: unknown };
  return (typeof version === 'string' && version.includes('jsonfeed.org')) || Array.isArray(items);
}

export function parseJsonFeed(value: unknown, feedUrl: string): ParsedFeed {
  const feed = jsonFeed.parse(value);
  const feedAuthor = firstAuthor(feed.authors, feed.author);
  const drafts: ItemDraft[] = [];
  for (const raw of feed.items ?? []) {
    const item = jsonItem.safeParse(raw);
    if (item.success) drafts.push(draftItem(item.data, feedUrl, feedAuthor));
  }
  const link = resolveUrl(feed.home_page_url, feedUrl);
  return {
    format: 'json',
    title: foldWhitespace(feed.title ?? ''),
    ...(link !== undefined && { link }),
    items: buildItems(drafts, feedUrl),
  };
}

function draftItem(item: JsonItem, feedUrl: string, feedAuthor: string | undefined): ItemDraft {
  const link = resolveUrl(item.url, feedUrl) ?? resolveUrl(item.external_url, feedUrl);
  const images = [item.image, item.banner_image].flatMap((url) => resolveUrl(url, feedUrl) ?? []);
  return {
    guid: item.id === undefined ? undefined : String(item.id),
    title: item.title,
    link,
    published: parseFeedDate(item.date_published),
    updated: parseFeedDate(item.date_modified),
    author: firstAuthor(item.authors, item.author) ?? feedAuthor,
    categories: (item.tags ?? []).filter((tag): tag is string => typeof tag === 'string'),
    summaryText: item.summary ?? item.content_text,
    contentHtml: item.content_html,
    images,
    htmlBase: link ?? feedUrl,
  };
}

function firstAuthor(authors: JsonItem['authors'], single: JsonItem['author']): string | undefined {
  const name = authors?.find((entry) => entry?.name !== undefined && entry.name.trim() !== '')?.name ?? single?.name;
  return name === undefined || name.trim() === '' ? undefined : name;
}
