/**
 * OPML 2.0 subscription lists, the format feed readers and other bots import and export: read (outlines nested
 * in folders at any depth, each feed an outline with xmlUrl) and written back. A Herald rule travels in the
 * `herald:rule` attribute of Herald's namespace, which other readers ignore. Reading goes through the feed
 * parser's XML reader with its limits; anything that is not an OPML list is refused with one clear message.
 */
import { HeraldError } from '../errors.ts';
import { childElements } from './xml-read.ts';
import type { XmlElement } from './xml.ts';
import { parseXml } from './xml.ts';

export const HERALD_OPML_NAMESPACE = 'https://github.com/herald-bot/herald/opml';

export interface OpmlFeed {
  readonly xmlUrl: string;
  readonly title: string;
  readonly htmlUrl?: string;
  /** A Herald rule ('' or absent: every item). */
  readonly rule?: string;
  /** The folders it sits in, outermost first. */
  readonly folders: readonly string[];
}

export interface OpmlDocument {
  readonly title: string;
  readonly feeds: readonly OpmlFeed[];
}

/** Larger lists than any reader exports; a bigger file is refused before it is read. */
export const MAX_OPML_CHARACTERS = 5 * 1024 * 1024;
export const MAX_OPML_FEEDS = 10_000;

function invalid(problem: string): HeraldError {
  return new HeraldError('opml-invalid', `not a usable OPML file: ${problem}`);
}

export function parseOpml(text: string): OpmlDocument {
  if (text.length > MAX_OPML_CHARACTERS) throw invalid(`it is ${text.length} characters long, over the ${MAX_OPML_CHARACTERS} Herald reads`);
  let root: XmlElement | undefined;
  try {
    root = parseXml(text);
  } catch (error) {
    throw invalid(`the XML cannot be read (${error instanceof Error ? error.message.split('\n', 1)[0] : String(error)})`);
  }
  if (root === undefined) throw invalid('it holds no XML element');
  if (root.name !== 'opml') throw invalid(`its root element is <${root.local}>, not <opml>`);
  const body = childElements(root, 'body')[0];
  if (body === undefined) throw invalid('it has no <body>');
  const head = childElements(root, 'head')[0];
  const title = head === undefined ? '' : (childElements(head, 'title')[0]?.children.filter((child) => typeof child === 'string').join('').trim() ?? '');
  const ruleAttribute = ruleAttributeName(root);
  const feeds: OpmlFeed[] = [];
  const visit = (element: XmlElement, folders: readonly string[]) => {
    for (const outline of childElements(element, 'outline')) {
      const label = (outline.attrs.title ?? outline.attrs.text ?? '').trim();
      const xmlUrl = outline.attrs.xmlUrl?.trim();
      if (xmlUrl !== undefined && xmlUrl !== '') {
        if (feeds.length >= MAX_OPML_FEEDS) throw invalid(`it lists more than ${MAX_OPML_FEEDS} feeds`);
        const htmlUrl = outline.attrs.htmlUrl?.trim();
        const rule = ruleAttribute === undefined ? undefined : outline.attrs[ruleAttribute];
        feeds.push({ xmlUrl, title: label === '' ? xmlUrl : label, ...(htmlUrl ? { htmlUrl } : {}), ...(rule ? { rule } : {}), folders });
      }
      visit(outline, label === '' || xmlUrl ? folders : [...folders, label]);
    }
  };
  visit(body, []);
  return { title, feeds };
}

/** The attribute name (prefix:rule) under which this document keeps Herald rules, if it declares the namespace. */
function ruleAttributeName(root: XmlElement): string | undefined {
  for (const [name, value] of Object.entries(root.attrs)) {
    if (name.startsWith('xmlns:') && value === HERALD_OPML_NAMESPACE) return `${name.slice('xmlns:'.length)}:rule`;
  }
  return undefined;
}

/** The list as an OPML 2.0 document: feeds grouped into their folders (one level per folder name). */
export function writeOpml(document: OpmlDocument, now = new Date()): string {
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<opml version="2.0" xmlns:herald="${HERALD_OPML_NAMESPACE}">`,
    '  <head>',
    `    <title>${escapeXml(document.title)}</title>`,
    `    <dateCreated>${now.toUTCString()}</dateCreated>`,
    '  </head>',
    '  <body>',
  ];
  const byFolder = new Map<string, OpmlFeed[]>();
  for (const feed of document.feeds) {
    const folder = feed.folders[0] ?? '';
    byFolder.set(folder, [...(byFolder.get(folder) ?? []), feed]);
  }
  for (const [folder, feeds] of byFolder) {
    const indent = folder === '' ? '    ' : '      ';
    if (folder !== '') lines.push(`    <outline text="${escapeXml(folder)}" title="${escapeXml(folder)}">`);
    for (const feed of feeds) lines.push(`${indent}${outlineOf(feed)}`);
    if (folder !== '') lines.push('    </outline>');
  }
  lines.push('  </body>', '</opml>', '');
  return lines.join('\n');
}

function outlineOf(feed: OpmlFeed): string {
  const attributes: Array<[string, string | undefined]> = [
    ['type', 'rss'],
    ['text', feed.title],
    ['title', feed.title],
    ['xmlUrl', feed.xmlUrl],
    ['htmlUrl', feed.htmlUrl],
    ['herald:rule', feed.rule === '' ? undefined : feed.rule],
  ];
  return `<outline ${attributes.filter(([, value]) => value !== undefined).map(([name, value]) => `${name}="${escapeXml(value!)}"`).join(' ')}/>`;
}

/** Text safe in character data and in a double-quoted attribute; line breaks kept as references so they survive. */
function escapeXml(text: string): string {
  return text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;');
}
