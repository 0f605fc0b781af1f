/**
 * What a fetched body is: bytes and their Content-Type in, the parsed feed out, or (when discovering) the feed
 * links of the web page it is. The CPU-bound part of loading a feed, in one function that the parse pool's worker
 * threads run (parse-pool.ts) and that runs inline for bodies too small to be worth a thread.
 */
import { decodeFeedBytes } from './decode.ts';
import { discoverFeedLinks, looksLikeHtml } from './discover.ts';
import type { ParsedFeed } from './item.ts';
import { parseFeed } from './parse.ts';

export interface FeedBodyJob {
  readonly bytes: Uint8Array;
  readonly contentType?: string;
  /** The URL the body came from, after redirects: relative links resolve against it. */
  readonly finalUrl: string;
  /** Whether a web page is searched for its feed links instead of being refused. */
  readonly discover: boolean;
}

export type FeedBody = { readonly kind: 'feed'; readonly feed: ParsedFeed } | { readonly kind: 'page'; readonly links: readonly string[] };

export function readFeedBody(job: FeedBodyJob): FeedBody {
  const text = decodeFeedBytes(job.bytes, job.contentType);
  if (job.discover && looksLikeHtml(text)) return { kind: 'page', links: discoverFeedLinks(text, job.finalUrl) };
  return { kind: 'feed', feed: parseFeed(text, job.finalUrl) };
}
