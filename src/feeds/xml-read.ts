/**
 * Reading the element tree of xml.ts: children by canonical name, text content, and serialisation back to
 * (X)HTML for content that holds markup. Pure functions over XmlElement.
 */
import type { XmlElement, XmlNode } from './xml.ts';

/** The child elements with this canonical name (all child elements without one), in document order. */
export function childElements(element: XmlElement, name?: string): XmlElement[] {
  const found: XmlElement[] = [];
  for (const child of element.children) {
    if (typeof child !== 'string' && (name === undefined || child.name === name)) found.push(child);
  }
  return found;
}

/** The first child element with the first of these names that occurs at all. */
export function firstChild(element: XmlElement, ...names: string[]): XmlElement | undefined {
  for (const name of names) {
    for (const child of element.children) {
      if (typeof child !== 'string' && child.name === name) return child;
    }
  }
  return undefined;
}

/** All character data inside an element, in document order. */
export function textContent(element: XmlElement): string {
  let text = '';
  for (const child of element.children) text += typeof child === 'string' ? child : textContent(child);
  return text;
}

/** The trimmed text of the first child with one of these names that has any; undefined if none. */
export function childText(element: XmlElement, ...names: string[]): string | undefined {
  for (const name of names) {
    for (const child of element.children) {
      if (typeof child === 'string' || child.name !== name) continue;
      const text = textContent(child).trim();
      if (text !== '') return text;
    }
  }
  return undefined;
}

const VOID_ELEMENTS = new Set(['br', 'img', 'hr', 'input', 'meta', 'link', 'area', 'base', 'col', 'embed', 'source', 'track', 'wbr', 'param']);

/** Serialises nodes as (X)HTML markup: character data escaped, elements by their local names. */
export function serializeMarkup(nodes: readonly XmlNode[]): string {
  let html = '';
  for (const node of nodes) {
    if (typeof node === 'string') {
      html += escapeText(node);
      continue;
    }
    html += `<${node.local}`;
    for (const name in node.attrs) {
      if (name === 'xmlns' || name.startsWith('xmlns:')) continue;
      html += ` ${name}="${escapeAttribute(node.attrs[name] ?? '')}"`;
    }
    if (node.children.length === 0 && VOID_ELEMENTS.has(node.local.toLowerCase())) html += ' />';
    else html += `>${serializeMarkup(node.children)}</${node.local}>`;
  }
  return html;
}

/**
 * The HTML held by an element whose content is escaped HTML (RSS description, Atom type="html"): character data
 * is the HTML source itself; elements written there unescaped ("naked markup") are serialised back.
 */
export function htmlContent(element: XmlElement): string {
  let html = '';
  for (const child of element.children) html += typeof child === 'string' ? child : serializeMarkup([child]);
  return html;
}

function escapeText(text: string): string {
  if (!/[&<>]/.test(text)) return text;
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttribute(text: string): string {
  if (!/[&"<]/.test(text)) return text;
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}
