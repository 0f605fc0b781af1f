/**
 * The XML layer: a small element tree whose names are namespace-resolved to the short prefixes the feed parsers
 * look for ('atom:link', 'dc:creator', 'media:content'; RSS's own elements have none). Character data is
 * entity-decoded once, CDATA kept literal. Herald's own scanner (xml-scan.ts) reads the documents plain enough for
 * it; the others go through fast-xml-parser 5 (ordered output, no entity processing, lenient) and are converted,
 * and both give the same tree for what both read. Throws a plain Error when the XML cannot be read at all;
 * parse.ts turns that into a FeedParseError.
 */
import { XMLParser } from 'fast-xml-parser';
import { decodeEntities } from '../text/html-to-text.ts';
import { expandInternalEntities, stripControlCharacters, withoutTrailingPartialTag } from './xml-prolog.ts';
import { appendStopNodeContent, appendText, openElement, scanXml, UNREAD, type Scope } from './xml-scan.ts';

export interface XmlElement {
  /**
   * Canonical name: 'title', 'pubdate' (no namespace: lower-cased), 'atom:link', 'dc:creator';
   * '{uri}:local' for an unknown namespace, the raw prefix when the prefix was never declared.
   */
  readonly name: string;
  /** The name as written, without prefix (what XHTML is serialised with). */
  readonly local: string;
  /** Attributes by the name as written ('href', 'xml:base', 'rdf:resource'), values entity-decoded. */
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: readonly XmlNode[];
  readonly parent: XmlElement | undefined;
}

/** An element, or character data (entities decoded, CDATA literal). */
export type XmlNode = XmlElement | string;

const OPTIONS = {
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  allowBooleanAttributes: true,
  processEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  cdataPropName: '#cdata',
  ignoreDeclaration: true,
  ignorePiTags: true,
  jPath: false,
  maxNestedTags: 256,
} as const;

// fast-xml-parser builds text one character at a time; for the elements that carry whole articles it is far
// faster to take their content raw (a "stop node") and read it here.
const BULKY_ELEMENTS = ['description', 'content:encoded', 'content', 'summary', 'itunes:summary', 'media:description', 'body'];
/**
 * The options of the fast-xml-parser read (the scanner reads the same stop nodes the same way), exported for the
 * parse benchmark's "fast-xml-parser alone" figure.
 */
export const FAST_PARSER_OPTIONS = { ...OPTIONS, stopNodes: BULKY_ELEMENTS.map((name) => `*.${name}`) };
const FAST_PARSER = new XMLParser(FAST_PARSER_OPTIONS);
const STOP_NODES: ReadonlySet<string> = new Set(BULKY_ELEMENTS);
const NO_STOP_NODES: ReadonlySet<string> = new Set();
// Stop nodes need their end tag; a document that breaks one is read again the ordinary way.
const PLAIN_PARSER = new XMLParser(OPTIONS);

type RawNode = Record<string, unknown>;

/**
 * Parses a document and returns its root element, or undefined when it holds no element at all.
 * A document cut off inside its last tag (a truncated download, a missing final '>') is read without that tag.
 */
export function parseXml(text: string): XmlElement | undefined {
  const prepared = expandInternalEntities(stripControlCharacters(text));
  const scanned = readWithScanner(prepared);
  return scanned === UNREAD ? readWithLibrary(prepared) : scanned;
}

/** The document read by xml-scan.ts, or UNREAD; exported, with readWithLibrary, for the test that they agree. */
export function readWithScanner(prepared: string): XmlElement | typeof UNREAD {
  return scanXml(prepared, STOP_NODES, appendRaw);
}

/** The document read through fast-xml-parser (after the prolog work parseXml does); exported for xml-scan's test. */
export function readWithLibrary(prepared: string): XmlElement | undefined {
  const nodes = parseLeniently(prepared);
  for (const node of nodes) {
    const name = tagNameOf(node);
    if (name !== undefined) return convert(node, name, undefined, new Map());
  }
  return undefined;
}

function parseLeniently(text: string): RawNode[] {
  try {
    return FAST_PARSER.parse(text) as RawNode[];
  } catch {
    try {
      return PLAIN_PARSER.parse(text) as RawNode[];
    } catch (error) {
      const repaired = withoutTrailingPartialTag(text);
      if (repaired === undefined) throw error;
      return PLAIN_PARSER.parse(repaired) as RawNode[];
    }
  }
}

function tagNameOf(node: RawNode): string | undefined {
  for (const key in node) {
    if (key !== ':@' && key !== '#text' && key !== '#cdata') return key;
  }
  return undefined;
}

function convert(node: RawNode, qualified: string, parent: XmlElement | undefined, inherited: Scope): XmlElement {
  const { element, scope } = openElement(qualified, readAttributes(node[':@']), parent, inherited);
  const { children } = element;
  const rawChildren = node[qualified];
  if (Array.isArray(rawChildren)) {
    for (const child of rawChildren as RawNode[]) {
      const text = child['#text'];
      if (text !== undefined) {
        // Only a stop node's raw content can hold '<' (CDATA, or markup written unescaped).
        appendStopNodeContent(children, String(text), element, scope, appendRaw);
        continue;
      }
      const cdata = child['#cdata'];
      if (cdata !== undefined) {
        appendText(children, cdataText(cdata));
        continue;
      }
      const name = tagNameOf(child);
      if (name !== undefined) children.push(convert(child, name, element, scope));
    }
  }
  return element;
}

/** Reads a stop node's raw content: text and CDATA by hand, anything with elements through the parser. */
function appendRaw(children: XmlNode[], raw: string, parent: XmlElement, scope: Scope): void {
  let position = 0;
  while (position < raw.length) {
    const open = raw.indexOf('<', position);
    if (open === -1) {
      appendText(children, decodeEntities(raw.slice(position)));
      return;
    }
    if (open > position) appendText(children, decodeEntities(raw.slice(position, open)));
    if (raw.startsWith('<![CDATA[', open)) {
      const end = raw.indexOf(']]>', open + 9);
      appendText(children, raw.slice(open + 9, end === -1 ? raw.length : end));
      position = end === -1 ? raw.length : end + 3;
    } else if (raw.startsWith('<!--', open)) {
      const end = raw.indexOf('-->', open + 4);
      position = end === -1 ? raw.length : end + 3;
    } else {
      appendFragment(children, raw.slice(open), parent, scope);
      return;
    }
  }
}

function appendFragment(children: XmlNode[], raw: string, parent: XmlElement, scope: Scope): void {
  const document = `<fragment>${raw}</fragment>`;
  // Read as the plain parser reads it (no stop nodes): by the scanner when it can, else by fast-xml-parser.
  const scanned = scanXml(document, NO_STOP_NODES, appendRaw, { parent, scope });
  let converted: XmlElement | undefined;
  if (scanned !== UNREAD) converted = scanned;
  else {
    let nodes: RawNode[];
    try {
      nodes = PLAIN_PARSER.parse(document) as RawNode[];
    } catch {
      // Markup too broken to read: keep it as the text it is.
      appendText(children, decodeEntities(raw));
      return;
    }
    const wrapper = nodes.find((node) => tagNameOf(node) === 'fragment');
    converted = wrapper === undefined ? undefined : convert(wrapper, 'fragment', parent, scope);
  }
  for (const child of converted?.children ?? []) {
    if (typeof child === 'string') appendText(children, child);
    else children.push({ ...child, parent });
  }
}

function cdataText(cdata: unknown): string {
  if (!Array.isArray(cdata)) return '';
  return cdata.map((part: RawNode) => String(part['#text'] ?? '')).join('');
}

function readAttributes(raw: unknown): Record<string, string> {
  const attrs: Record<string, string> = Object.create(null) as Record<string, string>;
  if (raw === null || typeof raw !== 'object') return attrs;
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    attrs[name] = value === true ? '' : decodeEntities(String(value));
  }
  return attrs;
}
