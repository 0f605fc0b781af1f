/**
 * Feed discovery for when a user gives a web page instead of a feed. Takes the page's HTML and URL;
 * returns the absolute URLs of its `<link rel="alternate">` feeds in document order, and tells a
 * web page from a feed document (`looksLikeHtml`). A tolerant one-pass tag scanner, not a DOM:
 * pages are often invalid, and only <link> and <base> tags matter here.
 */
import { resolveUrl } from '../net/http-url.ts';

const FEED_TYPES = new Set([
  'application/rss+xml',
  'application/atom+xml',
  'application/feed+json',
  'application/json',
  'application/rdf+xml',
]);

const NAMED_ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/** Elements whose content is text, not tags, so a "<link" inside them is not a link. */
const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'iframe', 'noembed', 'noframes', 'noscript']);

/** The page's feed links, absolute, without duplicates, in the order they appear. */
export function discoverFeedLinks(html: string, pageUrl: string): string[] {
  let base = pageUrl;
  let baseSeen = false;
  const found: string[] = [];
  for (const { name, attributes } of scanStartTags(html)) {
    if (name !== 'link' && name !== 'base') continue;
    const href = attributes.get('href')?.trim();
    if (href === undefined || href === '') continue;
    if (name === 'base') {
      // Only the first <base href> counts, as in browsers.
      if (!baseSeen) base = resolveUrl(href, pageUrl) ?? pageUrl;
      baseSeen = true;
      continue;
    }
    if (!isFeedLink(attributes)) continue;
    const absolute = resolveUrl(href, base);
    if (absolute !== undefined && !found.includes(absolute)) found.push(absolute);
  }
  return found;
}

interface StartTag {
  readonly name: string;
  readonly attributes: ReadonlyMap<string, string>;
}

const TAG_NAME = /[a-z][a-z0-9-]*/iy;

/**
 * The start tags of `html` with their attributes (names lower-cased, values entity-decoded), skipping
 * comments and raw-text elements. One pass over the text: each character is looked at a bounded
 * number of times, so hostile pages cannot make it slow; a tag still open at the end is dropped,
 * as browsers do.
 */
function* scanStartTags(html: string): Generator<StartTag> {
  let at = 0;
  for (;;) {
    const open = html.indexOf('<', at);
    if (open === -1) return;
    if (html.startsWith('<!--', open)) {
      const close = html.indexOf('-->', open + 4);
      if (close === -1) return;
      at = close + 3;
      continue;
    }
    TAG_NAME.lastIndex = open + 1;
    const nameMatch = TAG_NAME.exec(html);
    if (nameMatch === null) {
      at = open + 1;
      continue;
    }
    const name = nameMatch[0].toLowerCase();
    const parsed = parseAttributes(html, open + 1 + name.length);
    if (parsed === undefined) return;
    yield { name, attributes: parsed.attributes };
    at = parsed.end;
    if (RAW_TEXT.has(name)) {
      const closing = new RegExp(`</${name}[\\s/>]`, 'gi');
      closing.lastIndex = at;
      if (closing.exec(html) === null) return;
      at = closing.lastIndex;
    }
  }
}

/** Reads attributes from `start` to the tag's ">"; undefined when the text ends first. */
function parseAttributes(html: string, start: number): { attributes: Map<string, string>; end: number } | undefined {
  const attributes = new Map<string, string>();
  let at = start;
  const skip = (pattern: RegExp): void => {
    while (at < html.length && pattern.test(html.charAt(at))) at += 1;
  };
  for (;;) {
    skip(/[\s/]/);
    if (at >= html.length) return undefined;
    if (html[at] === '>') return { attributes, end: at + 1 };
    const nameStart = at;
    at += 1; // an attribute name may start with "=", so always take one character
    skip(/[^\s/>=]/);
    const attributeName = html.slice(nameStart, at).toLowerCase();
    skip(/\s/);
    let value = '';
    if (html[at] === '=') {
      at += 1;
      skip(/\s/);
      const quote = html[at];
      if (quote === '"' || quote === "'") {
        const close = html.indexOf(quote, at + 1);
        if (close === -1) return undefined;
        value = html.slice(at + 1, close);
        at = close + 1;
      } else {
        const valueStart = at;
        skip(/[^\s>]/);
        value = html.slice(valueStart, at);
      }
    }
    // The first occurrence of an attribute wins, as in HTML parsing.
    if (!attributes.has(attributeName)) attributes.set(attributeName, decodeEntities(value));
  }
}

function isFeedLink(attributes: ReadonlyMap<string, string>): boolean {
  const rel = (attributes.get('rel') ?? '').toLowerCase().split(/\s+/);
  if (!rel.includes('alternate')) return false;
  const type = (attributes.get('type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (!FEED_TYPES.has(type)) return false;
  // WordPress marks its REST API endpoints as alternate application/json; they are not feeds.
  return !(type === 'application/json' && /\/wp-json\//.test(attributes.get('href') ?? ''));
}

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, body: string) => {
    if (body.startsWith('#')) {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
    }
    return NAMED_ENTITIES[body.toLowerCase()] ?? entity;
  });
}


/**
 * True when `text` is a web page rather than a feed: after any byte order mark, XML declaration,
 * processing instructions and comments, it opens with an HTML doctype or an <html>, <head> or
 * <body> tag. RSS, Atom, RDF and JSON documents are never taken for pages.
 */
export function looksLikeHtml(text: string): boolean {
  const start = text
    .slice(0, 4096)
    .replace(/^\uFEFF/, '')
    .replace(/^(?:\s+|<\?[\s\S]*?\?>|<!--[\s\S]*?-->)*/, '');
  if (/^<!doctype\s+html[\s>]/i.test(start)) return true;
  if (/^<(?:html|head|body)[\s>]/i.test(start)) return true;
  if (/^<(?:rss|feed|rdf:rdf|\?xml)[\s>:]/i.test(start) || /^[{[]/.test(start)) return false;
  // Pages that start with something else (a stray <meta>, text) still carry an <html> or <body> tag early on.
  return /^<(?:meta|title|link|script|style|div|p)[\s>]/i.test(start) && /<(?:html|body)[\s>]/i.test(text.slice(0, 4096));
}
