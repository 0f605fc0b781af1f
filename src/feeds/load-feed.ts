/**
 * Fetches a URL and returns its parsed feed: fetch -> decode -> parse.
 * With `discover`, a web page is searched for its <link rel="alternate"> feeds and the first one that parses is
 * used (for URLs people paste in chat; polling never follows pages). "Not modified" is a value, not an error.
 */
import { HeraldError } from '../errors.ts';
import { fetchFeed } from './fetch.ts';
import type { FetchOptions } from './fetch.ts';
import type { ParsedFeed } from './item.ts';
import { sharedParsePool, type ParsePool } from './parse-pool.ts';
import { readFeedFile } from './read-feed-file.ts';

export type LoadedFeed =
  | { readonly status: 'not-modified'; readonly url: string; readonly permanentUrl?: string; readonly etag?: string; readonly lastModified?: string; readonly maxAgeSeconds?: number }
  | {
      readonly status: 'ok';
      /** The feed's URL: the one given, or the feed discovered from the page that was given. */
      readonly url: string;
      /** Where a permanent redirect says the feed now lives. */
      readonly permanentUrl?: string;
      readonly feed: ParsedFeed;
      readonly etag?: string;
      readonly lastModified?: string;
      readonly maxAgeSeconds?: number;
      readonly bytes: number;
    };

export interface LoadFeedOptions extends FetchOptions {
  readonly discover?: boolean;
  /** Where the body is parsed: the process's worker pool unless given (bench/hostile.ts compares). */
  readonly parser?: Pick<ParsePool, 'read'>;
  /** The URL is the operator's (the config file's): a file: URL is read from disk. Otherwise it is refused. */
  readonly allowFile?: boolean;
}

export async function loadFeed(url: string, options: LoadFeedOptions): Promise<LoadedFeed> {
  if (url.startsWith('file:') && options.allowFile === true) return loadFeedFile(url, options);
  const fetched = await fetchFeed(url, options);
  if (fetched.status === 'not-modified') {
    return { status: 'not-modified', url, permanentUrl: fetched.permanentUrl, etag: fetched.etag, lastModified: fetched.lastModified, maxAgeSeconds: fetched.maxAgeSeconds };
  }
  const parser = options.parser ?? sharedParsePool();
  const body = await parser.read({
    bytes: fetched.body,
    ...(fetched.contentType !== undefined && { contentType: fetched.contentType }),
    finalUrl: fetched.finalUrl,
    discover: options.discover === true,
  });
  if (body.kind === 'page') return loadDiscoveredFeed(url, body.links, options);
  return {
    status: 'ok',
    url,
    permanentUrl: fetched.permanentUrl,
    feed: body.feed,
    etag: fetched.etag,
    lastModified: fetched.lastModified,
    maxAgeSeconds: fetched.maxAgeSeconds,
    bytes: fetched.body.length,
  };
}

async function loadFeedFile(url: string, options: LoadFeedOptions): Promise<LoadedFeed> {
  const read = await readFeedFile(url, options);
  if (read.status === 'not-modified') return { status: 'not-modified', url, etag: read.etag };
  const body = await (options.parser ?? sharedParsePool()).read({ bytes: read.body, finalUrl: url, discover: false });
  if (body.kind === 'page') throw new HeraldError('not-a-feed', `${url} is a web page, not a feed`, { userMessage: `${url} is a web page, not a feed.` });
  return { status: 'ok', url, feed: body.feed, etag: read.etag, bytes: read.body.length };
}

async function loadDiscoveredFeed(pageUrl: string, candidates: readonly string[], options: LoadFeedOptions): Promise<LoadedFeed> {
  if (candidates.length === 0) {
    throw new HeraldError('not-a-feed', `${pageUrl} is a web page with no <link rel="alternate"> feed`, {
      userMessage: `${pageUrl} is a web page, not a feed, and it does not link to a feed. Paste the feed's own URL (often ending in /feed, /rss or .xml).`,
    });
  }
  let lastError: unknown;
  for (const candidate of candidates.slice(0, 3)) {
    try {
      return await loadFeed(candidate, { ...options, discover: false, etag: undefined, lastModified: undefined });
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}
