/**
 * The XML layer: fast-xml-parser 5 (ordered output, no entity processing, lenient) turned into a small element
 * tree whose names are namespace-resolved to the short prefixes the feed parsers look for ('atom:link',
 * 'dc:creator', 'media:content'; RSS's own elements have none). Character data is entity-decoded once,
 * CDATA kept literal. Throws a plain Error when the XML cannot be read at all; parse.ts turns that into a
 * FeedParseError.
 */
import { XMLParser } from 'fast-xml-parser';
import { decodeEntities } from '../text/html-to-text.ts';
import { expandInternalEntities, stripControlCharacters, withoutTrailingPartialTag } from './xml-prolog.ts';

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

// Namespace URI -> the prefix the parsers use. RSS 0.90/1.0 and the Userland RSS 2 namespace are RSS's own (no prefix).
const NAMESPACES: Readonly<Record<string, string>> = {
  'http://www.w3.org/2005/atom': 'atom',
  'http://purl.org/atom/ns#': 'atom',
  'http://purl.org/rss/1.0/': '',
  'http://my.netscape.com/rdf/simple/0.9/': '',
  'http://backend.userland.com/rss2': '',
  'http://blogs.law.harvard.edu/tech/rss': '',
  'http://www.w3.org/1999/02/22-rdf-syntax-ns#': 'rdf',
  'http://purl.org/dc/elements/1.1/': 'dc',
  'http://purl.org/dc/terms/': 'dcterms',
  'http://purl.org/rss/1.0/modules/content/': 'content',
  'http://search.yahoo.com/mrss/': 'media',
  'http://search.yahoo.com/mrss': 'media',
  'http://www.itunes.com/dtds/podcast-1.0.dtd': 'itunes',
  'http://www.w3.org/1999/xhtml': 'xhtml',
  'http://rssnamespace.org/feedburner/ext/1.0': 'feedburner',
};

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
/** The options of Herald's fast path, exported for the parse benchmark's "fast-xml-parser alone" figure. */
export const FAST_PARSER_OPTIONS = { ...OPTIONS, stopNodes: BULKY_ELEMENTS.map((name) => `*.${name}`) };
const FAST_PARSER = new XMLParser(FAST_PARSER_OPTIONS);
// Stop nodes need their end tag; a document that breaks one is read again the ordinary way.
const PLAIN_PARSER = new XMLParser(OPTIONS);

type RawNode = Record<string, unknown>;
type Scope = ReadonlyMap<string, string>;

/**
 * Parses a document and returns its root element, or undefined when it holds no element at all.
 * A document cut off inside its last tag (a truncated download, a missing final '>') is read without that tag.
 */
export function parseXml(text: string): XmlElement | undefined {
  const nodes = parseLeniently(expandInternalEntities(stripControlCharacters(text)));
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
  const attrs = readAttributes(node[':@']);
  const scope = extendScope(inherited, attrs);
  const colon = qualified.indexOf(':');
  const prefix = colon === -1 ? '' : qualified.slice(0, colon);
  const local = colon === -1 ? qualified : qualified.slice(colon + 1);
  const canonical = canonicalPrefix(prefix, scope);
  const children: XmlNode[] = [];
  // Unprefixed (RSS) names are matched case-insensitively: feeds write <TiTlE> and CDF writes <ITEM>.
  const name = canonical === '' ? local.toLowerCase() : `${canonical}:${local}`;
  const element: XmlElement = { name, local, attrs, children, parent };
  const rawChildren = node[qualified];
  if (Array.isArray(rawChildren)) {
    for (const child of rawChildren as RawNode[]) {
      const text = child['#text'];
      if (text !== undefined) {
        const raw = String(text);
        // Only a stop node's raw content can hold '<' (CDATA, or markup written unescaped).
        if (raw.includes('<')) appendRaw(children, raw, element, scope);
        else appendText(children, decodeEntities(raw));
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
  let nodes: RawNode[];
  try {
    nodes = PLAIN_PARSER.parse(`<fragment>${raw}</fragment>`) as RawNode[];
  } catch {
    // Markup too broken to read: keep it as the text it is.
    appendText(children, decodeEntities(raw));
    return;
  }
  const wrapper = nodes.find((node) => tagNameOf(node) === 'fragment');
  const converted = wrapper === undefined ? undefined : convert(wrapper, 'fragment', parent, scope);
  for (const child of converted?.children ?? []) {
    if (typeof child === 'string') appendText(children, child);
    else children.push({ ...child, parent });
  }
}

function appendText(children: XmlNode[], text: string): void {
  const last = children.length - 1;
  const previous = children[last];
  if (typeof previous === 'string') children[last] = previous + text;
  else children.push(text);
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

function extendScope(inherited: Scope, attrs: Readonly<Record<string, string>>): Scope {
  let scope: Map<string, string> | undefined;
  for (const name in attrs) {
    if (name !== 'xmlns' && !name.startsWith('xmlns:')) continue;
    scope ??= new Map(inherited);
    scope.set(name === 'xmlns' ? '' : name.slice(6), (attrs[name] ?? '').trim().toLowerCase());
  }
  return scope ?? inherited;
}

function canonicalPrefix(prefix: string, scope: Scope): string {
  const uri = scope.get(prefix);
  if (uri === undefined) return prefix; // undeclared: trust the conventional prefix ('dc', 'content', ...)
  const known = NAMESPACES[uri] ?? NAMESPACES[uri.replace(/\/$/, '')];
  if (known !== undefined) return known;
  return prefix === '' ? '' : `{${uri}}`;
}

