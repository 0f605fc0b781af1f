/**
 * What happens to an XML document's text before fast-xml-parser sees it: reading the prolog (to find the root
 * element's name without parsing, and the DOCTYPE), expanding the DOCTYPE's internal entities, dropping
 * characters XML forbids, and cutting a truncated last tag. Text in, text out; never throws.
 */

/** The text without a tag cut off at its end (a truncated download, a missing final '>'), if it has one. */
export function withoutTrailingPartialTag(text: string): string | undefined {
  const open = text.lastIndexOf('<');
  return open !== -1 && text.indexOf('>', open) === -1 ? text.slice(0, open) : undefined;
}

/** XML 1.0 forbids C0 controls other than tab, LF and CR; feeds carry them anyway, and they break chat clients. */
export function stripControlCharacters(text: string): string {
  return /[\x00-\x08\x0B\x0C\x0E-\x1F]/.test(text) ? text.replace(/[\x00-\x08\x0B\x0C\x0E-\x1F]/g, '') : text;
}

const MAX_ENTITY_VALUE = 1_000;
const MAX_SUBSET_LENGTH = 65_536;
// How far into a document its DOCTYPE is looked for: prologs are short, documents can be megabytes.
const PROLOG_SEARCH_LIMIT = 16_384;

interface Prolog {
  /** Index of the root element's '<', -1 when there is none. */
  readonly rootStart: number;
  /** The DOCTYPE declaration's extent, and its internal subset's (between '[' and ']'). */
  readonly doctype?: { readonly start: number; readonly end: number; readonly subset: string };
}

/**
 * Reads what comes before the root element without parsing the document: the XML declaration, processing
 * instructions, comments and the DOCTYPE (whose internal subset may contain '>').
 */
function readProlog(text: string, from = 0): Prolog {
  let position = from;
  let doctype: Prolog['doctype'];
  while (position < text.length) {
    const open = text.indexOf('<', position);
    if (open === -1) break;
    let end: number;
    if (text.startsWith('<!--', open)) end = indexAfter(text, '-->', open + 4);
    else if (text.startsWith('<?', open)) end = indexAfter(text, '?>', open + 2);
    else if (text.startsWith('<!', open)) {
      const close = text.indexOf('>', open);
      const subsetStart = text.indexOf('[', open);
      const hasSubset = subsetStart !== -1 && close !== -1 && subsetStart < close;
      const subsetEnd = hasSubset ? text.indexOf(']', subsetStart) : -1;
      end = hasSubset ? indexAfter(text, '>', subsetEnd === -1 ? text.length : subsetEnd) : close === -1 ? -1 : close + 1;
      if (end !== -1 && /^<!DOCTYPE/i.test(text.slice(open, open + 9))) {
        doctype = { start: open, end, subset: hasSubset ? text.slice(subsetStart + 1, subsetEnd) : '' };
      }
    } else {
      return { rootStart: open, ...(doctype !== undefined && { doctype }) };
    }
    if (end === -1) break;
    position = end;
  }
  return { rootStart: -1, ...(doctype !== undefined && { doctype }) };
}

function indexAfter(text: string, terminator: string, from: number): number {
  const index = text.indexOf(terminator, from);
  return index === -1 ? -1 : index + terminator.length;
}

/** The qualified name of the document's root element, read from the start of the text only. */
export function rootElementName(text: string, from = 0): string | undefined {
  const { rootStart } = readProlog(text, from);
  return rootStart === -1 ? undefined : /^<([A-Za-z_][\w.:-]*)/.exec(text.slice(rootStart, rootStart + 200))?.[1];
}

// How many characters entity references may add to a document in all. Real feeds declare a few short entities
// (an id prefix, &nbsp;); a bomb repeats one reference until the expansion is hundreds of megabytes.
export const MAX_ENTITY_EXPANSION = 2_000_000;

/**
 * Cuts the DOCTYPE out (fast-xml-parser refuses external and parameter entities in it) and expands the general
 * entities its internal subset declares (`<!ENTITY id "tag:example.com,">`). One pass, no nesting, and the growth
 * counted as it happens: once the references would add more than MAX_ENTITY_EXPANSION characters, the expansion
 * stops and the document is read with its references left as written (an entity bomb costs one scan, not the
 * megabytes it asks for).
 */
export function expandInternalEntities(text: string): string {
  if (!/<!DOCTYPE/i.test(text.slice(0, PROLOG_SEARCH_LIMIT))) return text;
  const { doctype } = readProlog(text);
  if (doctype === undefined) return text;
  const body = text.slice(doctype.end);
  const entities = declaredEntities(doctype.subset);
  if (entities.size === 0) return text.slice(0, doctype.start) + body;
  return text.slice(0, doctype.start) + (expandWithin(body, entities, MAX_ENTITY_EXPANSION) ?? body);
}

/** `body` with the references to `entities` replaced, or undefined once they would add more than `budget` characters. */
function expandWithin(body: string, entities: ReadonlyMap<string, string>, budget: number): string | undefined {
  const reference = /&([A-Za-z_][\w.-]*);/g;
  const parts: string[] = [];
  let copied = 0;
  let added = 0;
  for (let match = reference.exec(body); match !== null; match = reference.exec(body)) {
    const value = entities.get(match[1] as string);
    if (value === undefined) continue;
    added += value.length - match[0].length;
    if (added > budget) return undefined;
    parts.push(body.slice(copied, match.index), value);
    copied = match.index + match[0].length;
  }
  if (copied === 0) return body;
  parts.push(body.slice(copied));
  return parts.join('');
}

function declaredEntities(subset: string): Map<string, string> {
  const entities = new Map<string, string>();
  if (subset.length > MAX_SUBSET_LENGTH) return entities;
  const declaration = /<!ENTITY\s+([A-Za-z_][\w.-]*)\s+(?:"([^"]*)"|'([^']*)')\s*>/g;
  for (const [, name, double, single] of subset.matchAll(declaration)) {
    const value = double ?? single ?? '';
    if (name !== undefined && value.length <= MAX_ENTITY_VALUE && !entities.has(name)) entities.set(name, value);
  }
  return entities;
}
