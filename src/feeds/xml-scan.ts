/**
 * Herald's own reader of XML, the fast path of xml.ts: one left-to-right scan with indexOf that builds the element
 * tree directly, where fast-xml-parser builds its own tree first and xml.ts then converts it (two trees, and text
 * collected one character at a time). It reads exactly what xml.ts reads through fast-xml-parser with Herald's
 * options, and no more: at anything that reader would treat in a way of its own (a DOCTYPE left in the document,
 * an end tag that does not match, a document cut off, a name that is not plain ASCII, nesting deeper than its
 * limit, ...) it gives up and returns UNREAD, and xml.ts reads the document through fast-xml-parser as before.
 *
 * Also here: the element building both readers share (namespace scopes, canonical names, merged character data).
 */
import { decodeEntities } from '../text/html-to-text.ts';
import type { XmlElement, XmlNode } from './xml.ts';

/** What scanXml returns for a document it leaves to fast-xml-parser. */
export const UNREAD = Symbol('unread');

export type Scope = ReadonlyMap<string, string>;

/** Reads a stop node's raw content that holds '<' (CDATA, comments or naked markup) into `children`. */
export type RawReader = (children: XmlNode[], raw: string, parent: XmlElement, scope: Scope) => void;

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

/** A new element (children still empty) and the namespace scope in force inside it. */
export function openElement(
  qualified: string,
  attrs: Readonly<Record<string, string>>,
  parent: XmlElement | undefined,
  inherited: Scope,
  declaresNamespaces = true,
): { element: XmlElement & { children: XmlNode[] }; scope: Scope } {
  const scope = declaresNamespaces ? extendScope(inherited, attrs) : inherited;
  const colon = qualified.indexOf(':');
  const prefix = colon === -1 ? '' : qualified.slice(0, colon);
  const local = colon === -1 ? qualified : qualified.slice(colon + 1);
  const canonical = canonicalPrefix(prefix, scope);
  const children: XmlNode[] = [];
  // Unprefixed (RSS) names are matched case-insensitively: feeds write <TiTlE> and CDF writes <ITEM>.
  const name = canonical === '' ? local.toLowerCase() : canonical === prefix ? qualified : `${canonical}:${local}`;
  return { element: { name, local, attrs, children, parent }, scope };
}

function extendScope(inherited: Scope, attrs: Readonly<Record<string, string>>): Scope {
  let scope: Map<string, string> | undefined;
  for (const name in attrs) {
    if (name !== 'xmlns' && !name.startsWith('xmlns:')) continue;
    const prefix = name === 'xmlns' ? '' : name.slice(6);
    const uri = (attrs[name] ?? '').trim().toLowerCase();
    // Feeds repeat the declarations in force on element after element: those change nothing and copy nothing.
    if ((scope ?? inherited).get(prefix) === uri) continue;
    scope ??= new Map(inherited);
    scope.set(prefix, uri);
  }
  return scope ?? inherited;
}

function canonicalPrefix(prefix: string, scope: Scope): string {
  const uri = scope.get(prefix);
  if (uri === undefined) return prefix; // undeclared: trust the conventional prefix ('dc', 'content', ...)
  const known = NAMESPACES[uri] ?? (uri.endsWith('/') ? NAMESPACES[uri.slice(0, -1)] : undefined);
  if (known !== undefined) return known;
  return prefix === '' ? '' : `{${uri}}`;
}

/** Adds character data, merged with the text before it (an empty string still makes a node, as it always has). */
export function appendText(children: XmlNode[], text: string): void {
  const last = children.length - 1;
  const previous = children[last];
  if (typeof previous === 'string') children[last] = previous + text;
  else children.push(text);
}

/** A stop node's raw content as children: entity-decoded text, or through `readRaw` when it holds '<'. */
export function appendStopNodeContent(children: XmlNode[], raw: string, element: XmlElement, scope: Scope, readRaw: RawReader): void {
  if (raw.includes('<')) readRaw(children, raw, element, scope);
  else appendText(children, decodeEntities(raw));
}

// Names fast-xml-parser refuses or renames (prototype pollution guards): such documents are left to it.
const RESERVED_NAMES = new Set([
  '__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'valueOf', '__defineGetter__',
  '__defineSetter__', '__lookupGetter__', '__lookupSetter__',
]);
// fast-xml-parser's own attribute pattern, so that odd attributes (unquoted values, bare names) read the same.
const ATTRIBUTE = /([^\s=]+)\s*(=\s*(?:"([^"]*)"|'([^']*)'))?/g;
// What elements without attributes share (most of a feed's elements): nothing to allocate for them.
const NO_ATTRIBUTES: Readonly<Record<string, string>> = Object.freeze(Object.create(null) as Record<string, string>);
// fast-xml-parser throws past this depth; well short of it, the document is left to it.
const MAX_DEPTH = 250;

const enum Code {
  Tab = 0x09, LineFeed = 0x0a, VerticalTab = 0x0b, FormFeed = 0x0c, Space = 0x20, Quote = 0x22, Apostrophe = 0x27,
  Slash = 0x2f, Less = 0x3c, Greater = 0x3e, Bang = 0x21, Question = 0x3f, Dash = 0x2d, Bracket = 0x5b,
}

/**
 * The root element of a document, read by the fast path; UNREAD when fast-xml-parser must read it instead. A
 * fragment (markup found inside a stop node) is read with its place in the document: the parent and scope there.
 */
export function scanXml(
  source: string,
  stopNodes: ReadonlySet<string>,
  readRaw: RawReader,
  within: { readonly parent?: XmlElement; readonly scope?: Scope } = {},
): XmlElement | typeof UNREAD {
  // fast-xml-parser normalises line ends before anything else.
  const text = source.includes('\r') ? source.replace(/\r\n?/g, '\n') : source;
  const length = text.length;
  const elements: (XmlElement & { children: XmlNode[] })[] = [];
  const rawNames: string[] = [];
  const scopes: Scope[] = [];
  let root: XmlElement | undefined;
  let pending = '';
  let position = 0;
  const flush = (): void => {
    if (pending === '') return;
    const current = elements[elements.length - 1];
    if (current !== undefined) appendText(current.children, decodeEntities(pending));
    pending = '';
  };
  while (position < length) {
    const open = text.indexOf('<', position);
    if (open === -1) {
      if (elements.length > 0) return UNREAD; // cut off inside the root element
      break;
    }
    if (open > position) pending += text.slice(position, open);
    const next = text.charCodeAt(open + 1);
    if (next === Code.Slash) {
      const close = text.indexOf('>', open);
      if (close === -1) return UNREAD;
      const name = text.substring(open + 2, close).trim();
      if (elements.length === 0 || name !== rawNames[rawNames.length - 1]) return UNREAD;
      flush();
      const element = elements.pop();
      rawNames.pop();
      scopes.pop();
      position = close + 1;
      if (elements.length === 0) {
        root = element;
        break;
      }
      continue;
    }
    if (next === Code.Bang) {
      if (text.charCodeAt(open + 2) === Code.Dash && text.charCodeAt(open + 3) === Code.Dash) {
        // Comments are dropped; the text on either side stays one run, as fast-xml-parser reads it.
        const end = text.indexOf('-->', open + 4);
        if (end === -1) return UNREAD;
        position = end + 3;
        continue;
      }
      if (!text.startsWith('<![CDATA[', open) || elements.length === 0) return UNREAD;
      const end = text.indexOf(']]>', open);
      if (end === -1) return UNREAD;
      flush();
      appendText((elements[elements.length - 1] as XmlElement & { children: XmlNode[] }).children, text.substring(open + 9, end));
      position = end + 3;
      continue;
    }
    if (next === Code.Question) {
      // Processing instructions (the XML declaration among them) are ignored; only before the root is that plain.
      if (elements.length > 0) return UNREAD;
      const end = tagEnd(text, open + 1, true);
      if (end === -1 || hasReservedWord(text, open, end)) return UNREAD;
      pending = '';
      position = end + 2;
      continue;
    }
    const end = tagEnd(text, open + 1, false);
    if (end === -1) return UNREAD;
    const tag = readTag(text, open + 1, end);
    if (tag === undefined) return UNREAD;
    const current = elements[elements.length - 1];
    if (current === undefined) {
      // Text before the root element is dropped.
      pending = '';
      if (stopNodes.has(tag.name)) return UNREAD;
    } else {
      flush();
    }
    const inherited = scopes[scopes.length - 1] ?? within.scope ?? new Map<string, string>();
    const { element, scope } = openElement(tag.name, tag.attrs, current ?? within.parent, inherited, tag.declaresNamespaces === true);
    current?.children.push(element);
    if (stopNodes.has(tag.name)) {
      let raw = '';
      if (tag.selfClosing) position = end + 1;
      else {
        const content = readStopNodeContent(text, tag.name, end + 1);
        if (content === undefined) return UNREAD;
        raw = content.raw;
        position = content.next;
      }
      appendStopNodeContent(element.children, raw, element, scope, readRaw);
      continue;
    }
    position = end + 1;
    if (tag.selfClosing) {
      if (current === undefined) {
        root = element;
        break;
      }
      continue;
    }
    if (elements.length >= MAX_DEPTH) return UNREAD;
    elements.push(element);
    rawNames.push(tag.name);
    scopes.push(scope);
  }
  if (root === undefined || !onlyCommentsAndTextFrom(text, position)) return UNREAD;
  return root;
}

interface Tag {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly selfClosing: boolean;
  /** Whether an attribute is xmlns or xmlns:*, which changes the namespace scope. */
  readonly declaresNamespaces?: boolean;
}

/**
 * The index of the '>' (or of the '?' of '?>') ending the tag whose name starts at `from`, skipping quoted
 * strings as fast-xml-parser does; -1 when it never ends.
 */
function tagEnd(text: string, from: number, instruction: boolean): number {
  for (let index = from; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code === Code.Quote || code === Code.Apostrophe) {
      index = text.indexOf(code === Code.Quote ? '"' : "'", index + 1);
      if (index === -1) return -1;
    } else if (instruction ? code === Code.Question && text.charCodeAt(index + 1) === Code.Greater : code === Code.Greater) {
      return index;
    }
  }
  return -1;
}

function hasReservedWord(text: string, from: number, to: number): boolean {
  const instruction = text.slice(from, to);
  for (const name of RESERVED_NAMES) if (instruction.includes(name)) return true;
  return false;
}

/** The start tag between `from` (after '<') and `end` (its '>'); undefined for a name the fast path does not read. */
function readTag(text: string, from: number, end: number): Tag | undefined {
  let nameEnd = from;
  while (nameEnd < end && isNameCode(text.charCodeAt(nameEnd))) nameEnd += 1;
  if (nameEnd === from || !isNameStart(text.charCodeAt(from))) return undefined;
  const name = text.slice(from, nameEnd);
  if (RESERVED_NAMES.has(name)) return undefined;
  const after = text.charCodeAt(nameEnd);
  if (nameEnd === end) return { name, attrs: NO_ATTRIBUTES, selfClosing: false };
  if (after === Code.Slash) return nameEnd + 1 === end ? { name, attrs: NO_ATTRIBUTES, selfClosing: true } : undefined;
  if (!isSpace(after)) return undefined;
  let rest = text.slice(nameEnd + 1, end).trimStart();
  const selfClosing = rest.length > 0 && rest.charCodeAt(rest.length - 1) === Code.Slash;
  if (selfClosing) rest = rest.slice(0, -1);
  // fast-xml-parser reads no attributes when what follows the name is the name again.
  if (rest === name || rest === '') return { name, attrs: NO_ATTRIBUTES, selfClosing };
  const attrs = Object.create(null) as Record<string, string>;
  let declaresNamespaces = false;
  ATTRIBUTE.lastIndex = 0;
  for (let match = ATTRIBUTE.exec(rest); match !== null; match = ATTRIBUTE.exec(rest)) {
    const [, attribute = '', , double, single] = match;
    if (RESERVED_NAMES.has(attribute)) return undefined;
    if (attribute.startsWith('xmlns')) declaresNamespaces = true;
    const value = double ?? single;
    attrs[attribute] = value === undefined ? '' : decodeEntities(value);
  }
  return { name, attrs, selfClosing, declaresNamespaces };
}

/**
 * A stop node's raw content up to its matching end tag (same-named elements inside are counted), as
 * fast-xml-parser's readStopNodeData reads it; undefined where that throws or finds no end.
 */
function readStopNodeContent(text: string, name: string, from: number): { raw: string; next: number } | undefined {
  let depth = 1;
  let lenient = false;
  let nextGreater = -1;
  for (let index = text.indexOf('<', from); index !== -1 && index < text.length; index = text.indexOf('<', index + 1)) {
    const next = text.charCodeAt(index + 1);
    if (next === Code.Slash) {
      const close = text.indexOf('>', index);
      if (close === -1) return undefined;
      if (text.substring(index + 2, close).trim() === name) {
        depth -= 1;
        if (depth === 0) return { raw: text.substring(from, index), next: close + 1 };
      }
      index = close;
    } else if (next === Code.Question) {
      const close = text.indexOf('?>', index + 1);
      if (close === -1) return undefined;
      index = close + 1;
    } else if (next === Code.Bang && text.charCodeAt(index + 2) === Code.Dash && text.charCodeAt(index + 3) === Code.Dash) {
      const close = text.indexOf('-->', index + 3);
      if (close === -1) return undefined;
      index = close + 2;
    } else if (next === Code.Bang && text.charCodeAt(index + 2) === Code.Bracket) {
      const close = text.indexOf(']]>', index);
      if (close === -1) return undefined;
      index = close;
    } else {
      const end = lenient ? -1 : tagEnd(text, index + 1, false);
      if (end !== -1) {
        const expression = text.substring(index + 1, end);
        if (tagNameOf(expression) === name && !expression.endsWith('/')) depth += 1;
        index = end;
        continue;
      }
      lenient = true;
      if (nextGreater < index) {
        nextGreater = text.indexOf('>', index);
        if (nextGreater === -1) return undefined;
      }
      const nextLess = text.indexOf('<', index + 1);
      if (nextLess === -1 || nextLess > nextGreater) {
        const expression = text.substring(index + 1, nextGreater);
        if (tagNameOf(expression) === name && !expression.endsWith('/')) depth += 1;
        index = nextGreater;
      }
    }
  }
  return undefined;
}

/** fast-xml-parser's tag name of a tag expression: up to the first whitespace. */
function tagNameOf(expression: string): string {
  const separator = expression.search(/\s/);
  return separator === -1 ? expression : expression.slice(0, separator);
}

/** Whether only text and comments follow the root element (fast-xml-parser would drop them too). */
function onlyCommentsAndTextFrom(text: string, from: number): boolean {
  let position = from;
  for (;;) {
    const open = text.indexOf('<', position);
    if (open === -1) return true;
    if (!text.startsWith('<!--', open)) return false;
    const end = text.indexOf('-->', open + 4);
    if (end === -1) return false;
    position = end + 3;
  }
}

function isNameStart(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) || code === 0x5f;
}

function isNameCode(code: number): boolean {
  return isNameStart(code) || (code >= 0x30 && code <= 0x39) || code === Code.Dash || code === 0x2e || code === 0x3a;
}

function isSpace(code: number): boolean {
  return code === Code.Space || code === Code.Tab || code === Code.LineFeed || code === Code.FormFeed || code === Code.VerticalTab;
}
