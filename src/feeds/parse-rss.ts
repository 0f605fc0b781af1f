/**
 * RSS 0.9x, 1.0 (RDF) and 2.0, and Microsoft's CDF, which has the same shape: takes the root element (rss,
 * rdf:RDF or a bare channel) and returns the normalised feed. Titles and descriptions are read as HTML (RSS
 * never says, and feeds put markup in both); Dublin Core, content:encoded, Media RSS, iTunes and atom:link
 * fill the gaps RSS leaves.
 */
import type { ParsedFeed } from './item.ts';
import { parseFeedDate } from './dates.ts';
import { imageCandidates } from './media.ts';
import { baseOf, buildItems, capText, type ItemDraft } from './normalise.ts';
import { resolveUrl } from '../net/http-url.ts';
import type { XmlElement } from './xml.ts';
import { childElements, childText, firstChild, htmlContent, serializeMarkup, textContent } from './xml-read.ts';
import { htmlToText } from '../text/html-to-text.ts';

export function parseRss(root: XmlElement, feedUrl: string): ParsedFeed {
  const channel = root.name === 'channel' ? root : (firstChild(root, 'channel') ?? root);
  // RSS 1.0 keeps items beside the channel, RSS 2.0 inside it; broken feeds do either.
  const itemElements = [...childElements(channel, 'item'), ...(channel === root ? [] : childElements(root, 'item'))];
  const channelAuthor = childText(channel, 'itunes:author', 'dc:creator');
  const drafts = itemElements.map((item) => draftItem(item, feedUrl, channelAuthor));
  const ttl = Number.parseInt(childText(channel, 'ttl') ?? '', 10);
  const link = linkOf(channel, feedUrl);
  return {
    format: 'rss',
    title: htmlTitle(channel, 'title', 'dc:title', 'atom:title'),
    ...(link !== undefined && { link }),
    ...(Number.isFinite(ttl) && ttl > 0 && { ttlMinutes: ttl }),
    items: buildItems(drafts, feedUrl),
  };
}

function draftItem(item: XmlElement, feedUrl: string, channelAuthor: string | undefined): ItemDraft {
  const guidElement = firstChild(item, 'guid');
  // RSS 1.0 identifies items by rdf:about.
  const guid = guidElement === undefined ? item.attrs['rdf:about']?.trim() : htmlContent(guidElement).trim();
  const content = firstChild(item, 'content:encoded', 'xhtml:body', 'body', 'xhtml:div', 'fullitem');
  const description = firstChild(item, 'description', 'dc:description', 'atom:summary', 'abstract');
  return {
    guid: guid === '' ? undefined : guid,
    title: htmlTitle(item, 'title', 'dc:title', 'atom:title', 'media:title'),
    // FeedBurner rewrites links to its redirector and keeps the real one in origLink.
    link: resolveUrl(childText(item, 'feedburner:origLink'), feedUrl) ?? linkOf(item, feedUrl) ?? permalinkOf(guidElement, guid, feedUrl),
    published:
      dateOf(item, 'pubdate', 'dc:date', 'dcterms:issued', 'dcterms:created', 'atom:published') ?? parseFeedDate(item.attrs.LASTMOD),
    updated: dateOf(item, 'atom:updated', 'dcterms:modified'),
    author: authorOf(item) ?? channelAuthor,
    categories: [...childElements(item, 'category'), ...childElements(item, 'dc:subject')].map(textContent),
    summaryHtml: description === undefined ? undefined : htmlContent(description),
    summaryText: childText(item, 'itunes:summary', 'itunes:subtitle') ?? mediaDescription(item),
    contentHtml: content === undefined ? undefined : contentOf(content),
    images: imageCandidates(item, feedUrl),
    htmlBase: baseOf(content ?? description ?? item, feedUrl),
  };
}

function htmlTitle(element: XmlElement, ...names: string[]): string {
  for (const name of names) {
    const title = firstChild(element, name);
    if (title === undefined) continue;
    const text = htmlToText(capText(htmlContent(title)));
    if (text !== '') return text;
  }
  return '';
}

function contentOf(content: XmlElement): string {
  // XHTML bodies hold markup; content:encoded holds escaped HTML.
  return content.name === 'content:encoded' || content.name === 'fullitem' ? htmlContent(content) : serializeMarkup(content.children);
}

/** The <link> text (or an href some feeds put on it), else an atom:link to the alternate page, else CDF's HREF. */
function linkOf(element: XmlElement, feedUrl: string): string | undefined {
  for (const link of childElements(element, 'link')) {
    const target = textContent(link).trim() || link.attrs.href;
    const resolved = resolveUrl(target, baseOf(link, feedUrl));
    if (resolved !== undefined) return resolved;
  }
  for (const link of childElements(element, 'atom:link')) {
    const rel = link.attrs.rel ?? 'alternate';
    if (rel !== 'alternate') continue;
    const resolved = resolveUrl(link.attrs.href, baseOf(link, feedUrl));
    if (resolved !== undefined) return resolved;
  }
  return resolveUrl(element.attrs.HREF, baseOf(element, feedUrl));
}

/** A guid is the item's page when it is not marked isPermaLink="false" and is an absolute http(s) URL. */
function permalinkOf(guidElement: XmlElement | undefined, guid: string | undefined, feedUrl: string): string | undefined {
  if (guidElement === undefined || guid === undefined) return undefined;
  if ((guidElement.attrs.isPermaLink ?? '').trim().toLowerCase() === 'false') return undefined;
  if (!/^https?:\/\//i.test(guid)) return undefined;
  return resolveUrl(guid, baseOf(guidElement, feedUrl));
}

function dateOf(element: XmlElement, ...names: string[]): Date | undefined {
  for (const name of names) {
    for (const child of childElements(element, name)) {
      const date = parseFeedDate(textContent(child));
      if (date !== undefined) return date;
    }
  }
  return undefined;
}

function authorOf(item: XmlElement): string | undefined {
  const rssAuthor = childText(item, 'author');
  if (rssAuthor !== undefined) return nameFromAddress(rssAuthor);
  const atomAuthor = firstChild(item, 'atom:author');
  return childText(item, 'dc:creator', 'itunes:author') ?? (atomAuthor && childText(atomAuthor, 'atom:name'));
}

/** RSS authors are e-mail addresses, often "jo@example.com (Jo Bloggs)": keep the name when there is one. */
function nameFromAddress(author: string): string {
  const match = author.length < 300 ? /^\S+@\S+\s*\((.+)\)$/.exec(author) : null;
  return match?.[1]?.trim() || author;
}

function mediaDescription(item: XmlElement): string | undefined {
  const group = firstChild(item, 'media:group');
  return childText(item, 'media:description') ?? (group && childText(group, 'media:description'));
}
