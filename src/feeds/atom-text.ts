/**
 * Atom text constructs (title, subtitle, summary, content): takes the element and reads it by its type
 * (text, html, xhtml; Atom 1.0 MIME types for content; Atom 0.3's MIME types and escaped/base64 modes).
 * Returns plain text for text constructs and HTML for the others; textOf/htmlOf convert on demand, so that
 * a long content is never turned into text nobody reads.
 */
import { Buffer, isUtf8 } from 'node:buffer';
import { capText, foldWhitespace } from './normalise.ts';
import type { XmlElement, XmlNode } from './xml.ts';
import { childElements, htmlContent, serializeMarkup, textContent } from './xml-read.ts';
import { htmlToText } from '../text/html-to-text.ts';

export type TextConstruct =
  | { readonly kind: 'text'; /** Plain text as written. */ readonly value: string }
  | { readonly kind: 'html' | 'xhtml'; /** HTML. */ readonly value: string };

export function readTextConstruct(element: XmlElement): TextConstruct {
  const type = (element.attrs.type ?? '').trim().toLowerCase();
  const mode = (element.attrs.mode ?? '').trim().toLowerCase();
  if (mode === 'base64' || isBinaryType(type)) {
    const decoded = decodeBase64Text(textContent(element));
    if (decoded !== undefined) return isHtmlType(type) ? { kind: 'html', value: decoded } : { kind: 'text', value: decoded };
  }
  if (isHtmlType(type) || (mode === 'escaped' && !isTextType(type))) return { kind: 'html', value: htmlContent(element) };
  if (isXmlType(type)) return { kind: 'xhtml', value: serializeMarkup(unwrapDiv(element.children)) };
  // Plain text; elements in it are markup the publisher forgot to escape, kept as such.
  if (childElements(element).length > 0 && mode !== 'escaped') return { kind: 'xhtml', value: serializeMarkup(element.children) };
  return { kind: 'text', value: textContent(element) };
}

/** The construct as plain text, whitespace folded. */
export function textOf(construct: TextConstruct): string {
  return construct.kind === 'text' ? foldWhitespace(construct.value) : htmlToText(capText(construct.value));
}

/** The construct as HTML. */
export function htmlOf(construct: TextConstruct): string {
  if (construct.kind !== 'text') return construct.value;
  return construct.value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function isHtmlType(type: string): boolean {
  return type === 'html' || type === 'text/html';
}

function isTextType(type: string): boolean {
  return type === '' || type === 'text' || type === 'text/plain';
}

function isXmlType(type: string): boolean {
  return type === 'xhtml' || type.endsWith('+xml') || type.endsWith('/xml');
}

/** Atom 1.0: a MIME type that is neither text nor XML means base64-encoded content. */
function isBinaryType(type: string): boolean {
  return type.includes('/') && !type.startsWith('text/') && !isXmlType(type);
}

/** Base64 that decodes to UTF-8 text; undefined when the content is not that (it is then read as text). */
function decodeBase64Text(content: string): string | undefined {
  const compact = content.replace(/\s+/g, '');
  if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return undefined;
  const bytes = Buffer.from(compact, 'base64');
  return isUtf8(bytes) ? bytes.toString('utf8') : undefined;
}

/** Atom xhtml content is wrapped in one <div> that is not part of the content. */
function unwrapDiv(children: readonly XmlNode[]): readonly XmlNode[] {
  const elements = children.filter((child) => typeof child !== 'string');
  const onlyWhitespace = children.every((child) => typeof child !== 'string' || child.trim() === '');
  const [only] = elements;
  if (elements.length === 1 && onlyWhitespace && only !== undefined && only.local === 'div') return only.children;
  return children;
}
