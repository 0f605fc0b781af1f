/**
 * Atom 1.0 and 0.3: takes the <feed> root element and returns the normalised feed. Titles come out as plain
 * text and content as HTML whatever their type (atom-text.ts). Links are chosen as rel="alternate" (or no
 * rel), text/html first, resolved through xml:base.
 */
import type { ParsedFeed } from './item.ts';
import { parseFeedDate } from './dates.ts';
import { imageCandidates } from './media.ts';
import { htmlOf, readTextConstruct, textOf } from './atom-text.ts';
import { baseOf, buildItems, type ItemDraft } from './normalise.ts';
import { resolveUrl } from '../net/http-url.ts';
import type { XmlElement } from './xml.ts';
import { childElements, childText, firstChild, textContent } from './xml-read.ts';

/** Atom's element names: 'atom:x' normally, plain 'x' for the rare feed that forgot its namespace. */
type Names = (local: string) => string;

export function parseAtom(root: XmlElement, feedUrl: string): ParsedFeed {
  const n: Names = root.name === 'feed' ? (local) => local : (local) => `atom:${local}`;
  const feedAuthor = authorOf(root, n);
  const drafts = childElements(root, n('entry')).map((entry) => draftEntry(entry, n, feedUrl, feedAuthor));
  const title = firstChild(root, n('title'));
  const link = alternateLink(root, n, feedUrl);
  return {
    format: 'atom',
    title: title === undefined ? '' : textOf(readTextConstruct(title)),
    ...(link !== undefined && { link }),
    items: buildItems(drafts, feedUrl),
  };
}

function draftEntry(entry: XmlElement, n: Names, feedUrl: string, feedAuthor: string | undefined): ItemDraft {
  const title = firstChild(entry, n('title'));
  const summary = firstChild(entry, n('summary'));
  const content = firstChild(entry, n('content'));
  const summaryConstruct = summary === undefined ? undefined : readTextConstruct(summary);
  // Content with a src attribute lives elsewhere; the entry only points at it.
  const contentHtml = content === undefined || content.attrs.src !== undefined ? undefined : htmlOf(readTextConstruct(content));
  const source = firstChild(entry, n('source'));
  const group = firstChild(entry, 'media:group');
  return {
    guid: idOf(entry, n, feedUrl),
    title: title === undefined ? childText(entry, 'dc:title', 'media:title') : textOf(readTextConstruct(title)),
    // FeedBurner rewrites links to its redirector and keeps the real one in origLink.
    link: resolveUrl(childText(entry, 'feedburner:origLink'), feedUrl) ?? alternateLink(entry, n, feedUrl),
    published: dateOf(entry, n('published'), n('issued'), n('created'), 'dc:date', 'dcterms:issued'),
    updated: dateOf(entry, n('updated'), n('modified'), 'dcterms:modified'),
    author: authorOf(entry, n) ?? (source && authorOf(source, n)) ?? childText(entry, 'dc:creator') ?? feedAuthor,
    categories: [
      ...childElements(entry, n('category')).map((category) => category.attrs.label ?? category.attrs.term ?? textContent(category)),
      ...childElements(entry, 'dc:subject').map(textContent),
    ],
    summaryHtml: summaryConstruct?.kind === 'text' ? undefined : summaryConstruct?.value,
    summaryText:
      summaryConstruct?.kind === 'text'
        ? summaryConstruct.value
        : (childText(entry, 'media:description') ?? (group && childText(group, 'media:description'))),
    contentHtml,
    images: imageCandidates(entry, feedUrl),
    htmlBase: baseOf(content ?? summary ?? entry, feedUrl),
  };
}

/** The alternate link: rel="alternate" or no rel, text/html before other types, made absolute. */
function alternateLink(element: XmlElement, n: Names, feedUrl: string): string | undefined {
  const alternates = childElements(element, n('link')).filter((link) => (link.attrs.rel ?? 'alternate').trim() === 'alternate');
  const preferred =
    alternates.find((link) => (link.attrs.type ?? '').trim().toLowerCase() === 'text/html') ??
    alternates.find((link) => link.attrs.type === undefined) ??
    alternates[0];
  if (preferred === undefined) return undefined;
  return resolveUrl(preferred.attrs.href ?? textContent(preferred), baseOf(preferred, feedUrl));
}

/** The entry id; a relative one (invalid, but seen) is resolved through xml:base as other readers do. */
function idOf(entry: XmlElement, n: Names, feedUrl: string): string | undefined {
  const idElement = firstChild(entry, n('id'));
  const id = idElement === undefined ? undefined : textContent(idElement).trim();
  if (id === undefined || id === '' || /^[a-z][a-z0-9+.-]*:/i.test(id) || !/^[\w.~%-]*\/[\w./~%-]*$/.test(id)) return id || undefined;
  return resolveUrl(id, baseOf(idElement, feedUrl)) ?? id;
}

function authorOf(element: XmlElement, n: Names): string | undefined {
  for (const author of childElements(element, n('author'))) {
    const name = childText(author, n('name')) ?? childText(author, n('email'));
    if (name !== undefined) return name;
  }
  return undefined;
}

function dateOf(element: XmlElement, ...names: string[]): Date | undefined {
  for (const name of names) {
    const date = parseFeedDate(childText(element, name));
    if (date !== undefined) return date;
  }
  return undefined;
}
