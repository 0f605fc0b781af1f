/**
 * The parser's one entry point: decoded feed text and the URL it came from in, the normalised feed out.
 * Detects the format (RSS 0.9x/1.0/2.0, Atom 0.3/1.0, JSON Feed 1.0/1.1) from the document itself, not from
 * headers. Throws FeedParseError and nothing else: 'not-a-feed' for HTML pages, unknown XML or empty input,
 * 'malformed' for XML or JSON that cannot be read.
 */
import { HeraldError, messageOf } from '../errors.ts';
import type { ParsedFeed } from './item.ts';
import { parseAtom } from './parse-atom.ts';
import { isJsonFeed, parseJsonFeed } from './parse-json.ts';
import { parseRss } from './parse-rss.ts';
import { parseXml, type XmlElement } from './xml.ts';
import { rootElementName } from './xml-prolog.ts';

export type FeedParseErrorCode = 'not-a-feed' | 'malformed';

export class FeedParseError extends HeraldError {
  declare readonly code: FeedParseErrorCode;

  constructor(code: FeedParseErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(code, message, {
      ...options,
      userMessage:
        code === 'not-a-feed'
          ? 'That address does not point to an RSS, Atom or JSON feed.'
          : 'That feed is broken and cannot be read; its publisher needs to fix it.',
    });
    this.name = 'FeedParseError';
  }
}

const FEED_ROOTS = new Set(['rss', 'rdf', 'feed', 'channel']);

export function parseFeed(text: string, feedUrl: string): ParsedFeed {
  const start = firstSignificantIndex(text);
  if (start === -1) throw new FeedParseError('not-a-feed', `Empty document at ${feedUrl}`);
  const first = text[start];
  if (first === '{' || first === '[') return parseJsonDocument(text, feedUrl);
  if (first !== '<') throw new FeedParseError('not-a-feed', `Neither XML nor JSON at ${feedUrl}`);
  const rootName = rootElementName(text, start);
  if (rootName === undefined) throw new FeedParseError('not-a-feed', `No feed at ${feedUrl}: the document has no element`);
  if (!FEED_ROOTS.has(localOf(rootName).toLowerCase())) {
    throw new FeedParseError('not-a-feed', `No feed at ${feedUrl}: the document's root element is <${rootName}>`);
  }
  const root = readXml(text, start, feedUrl);
  return parseFeedElement(root, feedUrl);
}

function parseFeedElement(root: XmlElement, feedUrl: string): ParsedFeed {
  const local = root.local.toLowerCase();
  try {
    if (local === 'feed') return parseAtom(root, feedUrl);
    return parseRss(root, feedUrl);
  } catch (error) {
    throw new FeedParseError('malformed', `Could not read the ${local} feed at ${feedUrl}: ${String(error)}`, { cause: error });
  }
}

function readXml(text: string, start: number, feedUrl: string): XmlElement {
  let root: XmlElement | undefined;
  try {
    root = parseXml(start === 0 ? text : text.slice(start));
  } catch (error) {
    const reason = messageOf(error);
    throw new FeedParseError('malformed', `Broken XML at ${feedUrl}: ${reason}`, { cause: error });
  }
  if (root === undefined) throw new FeedParseError('malformed', `No XML element could be read at ${feedUrl}`);
  return root;
}

function parseJsonDocument(text: string, feedUrl: string): ParsedFeed {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new FeedParseError('malformed', `Broken JSON at ${feedUrl}: ${(error as Error).message}`, { cause: error });
  }
  if (!isJsonFeed(value)) throw new FeedParseError('not-a-feed', `JSON at ${feedUrl} is not a JSON Feed`);
  try {
    return parseJsonFeed(value, feedUrl);
  } catch (error) {
    throw new FeedParseError('malformed', `Could not read the JSON Feed at ${feedUrl}: ${String(error)}`, { cause: error });
  }
}

/** Index of the first character that is not whitespace, a BOM or a NUL; -1 for a blank document. */
function firstSignificantIndex(text: string): number {
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code > 0x20 && code !== 0xfeff && code !== 0xa0) return index;
  }
  return -1;
}

function localOf(name: string): string {
  const colon = name.lastIndexOf(':');
  return colon === -1 ? name : name.slice(colon + 1);
}
