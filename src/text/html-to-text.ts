/**
 * The project's one HTML -> plain text converter. Takes an HTML fragment (feed summaries, content, titles) and
 * returns readable text: tags stripped, script/style content dropped, character references decoded exactly once,
 * block elements and <br> turned into spaces (or line breaks with `keepParagraphs`), whitespace folded.
 * A single left-to-right scan with indexOf: linear time whatever the input.
 */
import { lookupNamedEntity } from './html-entities.ts';

// HTML maps these C1 code points in numeric references to the windows-1252 characters authors meant.
const C1_REPLACEMENTS: Readonly<Record<number, number>> = {
  0x80: 0x20ac, 0x82: 0x201a, 0x83: 0x0192, 0x84: 0x201e, 0x85: 0x2026, 0x86: 0x2020, 0x87: 0x2021, 0x88: 0x02c6,
  0x89: 0x2030, 0x8a: 0x0160, 0x8b: 0x2039, 0x8c: 0x0152, 0x8e: 0x017d, 0x91: 0x2018, 0x92: 0x2019, 0x93: 0x201c,
  0x94: 0x201d, 0x95: 0x2022, 0x96: 0x2013, 0x97: 0x2014, 0x98: 0x02dc, 0x99: 0x2122, 0x9a: 0x0161, 0x9b: 0x203a,
  0x9c: 0x0153, 0x9e: 0x017e, 0x9f: 0x0178,
};

function characterFor(code: number): string {
  if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return '\uFFFD';
  return String.fromCodePoint(C1_REPLACEMENTS[code] ?? code);
}

/** Decodes named (HTML 4), decimal and hexadecimal character references in one pass; unknown names stay as written. */
export function decodeEntities(text: string): string {
  let ampersand = text.indexOf('&');
  if (ampersand === -1) return text;
  // A hand-written scan: feeds are dense with &lt; and &amp;, and a regex replace with a callback is several times slower.
  let result = '';
  let copied = 0;
  while (ampersand !== -1) {
    const semicolon = referenceEnd(text, ampersand + 1);
    const character = semicolon === -1 ? undefined : referenceAt(text, ampersand + 1, semicolon);
    if (character === undefined) {
      ampersand = text.indexOf('&', ampersand + 1);
      continue;
    }
    result += text.slice(copied, ampersand) + character;
    copied = semicolon + 1;
    ampersand = text.indexOf('&', copied);
  }
  return copied === 0 ? text : result + text.slice(copied);
}

/** The index of the ';' ending a reference that starts at `start`, looking no further than a reference can be long. */
function referenceEnd(text: string, start: number): number {
  const limit = Math.min(text.length, start + 33);
  for (let index = start; index < limit; index += 1) {
    const code = text.charCodeAt(index);
    if (code === 0x3b) return index > start ? index : -1;
    const alphanumeric = (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
    if (!alphanumeric && !(code === 0x23 && index === start)) return -1;
  }
  return -1;
}

/** The character for the reference between '&' and ';' (exclusive, alphanumeric or '#'), or undefined. */
function referenceAt(text: string, start: number, end: number): string | undefined {
  if (text.charCodeAt(start) !== 0x23 /* # */) return commonEntity(text, start, end - start) ?? lookupNamedEntity(text.slice(start, end));
  const hex = text.charCodeAt(start + 1) === 0x78 || text.charCodeAt(start + 1) === 0x58; /* x X */
  const first = start + (hex ? 2 : 1);
  if (first === end || end - first > 8) return undefined;
  let code = 0;
  for (let index = first; index < end; index += 1) {
    const digit = digitValue(text.charCodeAt(index), hex);
    if (digit === -1) return undefined;
    code = code * (hex ? 16 : 10) + digit;
  }
  return characterFor(code);
}

/** The five XML entities and &nbsp;, recognised without allocating (they are most of what feeds contain). */
function commonEntity(text: string, start: number, length: number): string | undefined {
  const first = text.charCodeAt(start);
  if (length === 2 && text.charCodeAt(start + 1) === 0x74 /* t */) {
    if (first === 0x6c /* l */) return '<';
    if (first === 0x67 /* g */) return '>';
  }
  if (length === 3 && first === 0x61 && text.startsWith('amp', start)) return '&';
  if (length === 4) {
    if (first === 0x71 && text.startsWith('quot', start)) return '"';
    if (first === 0x61 && text.startsWith('apos', start)) return "'";
    if (first === 0x6e && text.startsWith('nbsp', start)) return '\u00a0';
  }
  return undefined;
}

function digitValue(code: number, hex: boolean): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (!hex) return -1;
  if (code >= 0x61 && code <= 0x66) return code - 0x57;
  if (code >= 0x41 && code <= 0x46) return code - 0x37;
  return -1;
}

const SKIPPED_CONTENT = new Set(['script', 'style', 'noscript', 'template', 'iframe', 'object', 'svg', 'math']);

// Break markers in the text being built; runs of them collapse into one line or paragraph break in finish().
const LINE = '\n';
const PARAGRAPH = '\u2029';

/** What each block-level (or word-separating) element leaves in the text: a paragraph, a line or a space. */
const BREAKS = new Map<string, string>([
  ...['p', 'div', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre', 'ul', 'ol', 'dl', 'table', 'hr', 'section',
    'article', 'header', 'footer', 'aside', 'nav', 'main', 'figure', 'address', 'details', 'summary', 'form',
    'fieldset', 'center', 'body', 'html'].map((name) => [name, PARAGRAPH] as const),
  ...['br', 'li', 'tr', 'dt', 'dd', 'figcaption', 'caption', 'option'].map((name) => [name, LINE] as const),
  // Cells and replaced elements: keep the words apart, but on one line.
  ...['td', 'th', 'img', 'input', 'textarea', 'select', 'button'].map((name) => [name, ' '] as const),
]);

/**
 * Converts an HTML fragment to plain text. Any string is accepted: text that is not HTML comes back folded. With
 * `foldSpaces: false` (and no `keepParagraphs`), whitespace is left as the source and the markup make it, for a reader
 * that splits the text into words anyway (a rule index reading every item's content); foldSpaces of that text is
 * what this returns by default.
 */
export function htmlToText(html: string, options: { keepParagraphs?: boolean; foldSpaces?: boolean } = {}): string {
  const keepParagraphs = options.keepParagraphs === true;
  const fold = keepParagraphs || options.foldSpaces !== false;
  // Most titles and many summaries hold no markup at all.
  if (!html.includes('<')) {
    const text = decodeEntities(html);
    return fold ? finish(keepParagraphs ? foldRun(text) : text, keepParagraphs) : text;
  }
  const find = cachedSearch(html);
  let text = '';
  const length = html.length;
  let position = 0;
  while (position < length) {
    const open = html.indexOf('<', position);
    const textEnd = open === -1 ? length : open;
    if (textEnd > position) {
      const run = decodeEntities(html.slice(position, textEnd));
      // With paragraphs kept, line breaks in the source must not pass for the ones markup makes.
      text += keepParagraphs ? foldRun(run) : run;
    }
    if (open === -1) break;
    const markup = readMarkup(html, open, find);
    if (markup.text !== '') text += keepParagraphs ? markup.text : asSpaceIfBreak(markup.text);
    position = markup.next;
  }
  return fold ? finish(text, keepParagraphs) : text;
}

/**
 * Without paragraphs kept every break folds to a space anyway: writing the space at once keeps ASCII text in one-byte
 * form (a U+2029 would make all of it two-byte, and every later scan of it slower).
 */
function asSpaceIfBreak(markupText: string): string {
  return markupText === LINE || markupText === PARAGRAPH ? ' ' : markupText;
}

function foldRun(text: string): string {
  return text.replace(/[\s\u00a0]+/g, ' ');
}

interface Markup {
  /** What the markup contributes to the text: nothing, a break, or (for CDATA and stray '<') literal text. */
  readonly text: string;
  readonly next: number;
}

const LITERAL_LESS_THAN = (start: number): Markup => ({ text: '<', next: start + 1 });

/** Reads the markup starting at `start` (a '<'): what it adds to the text and where reading continues. */
function readMarkup(html: string, start: number, find: Search): Markup {
  const next = html.charCodeAt(start + 1);
  if (next === 0x21 /* ! */) {
    if (html.startsWith('<!--', start)) {
      // An unterminated comment ends at the next '>' rather than swallowing the rest of the text.
      const end = find('-->', start + 4);
      if (end !== -1) return { text: '', next: end + 3 };
      const close = find('>', start + 4);
      return { text: '', next: close === -1 ? html.length : close + 1 };
    }
    if (html.startsWith('<![CDATA[', start)) {
      const end = find(']]>', start + 9);
      const stop = end === -1 ? html.length : end;
      return { text: foldRun(html.slice(start + 9, stop)), next: end === -1 ? stop : end + 3 };
    }
  }
  if (next === 0x21 || next === 0x3f /* ? */) {
    const close = find('>', start + 2);
    return close === -1 ? LITERAL_LESS_THAN(start) : { text: '', next: close + 1 };
  }
  const closing = next === 0x2f; /* / */
  const nameStart = closing ? start + 2 : start + 1;
  if (!isLetter(html.charCodeAt(nameStart))) return LITERAL_LESS_THAN(start);
  let nameEnd = nameStart;
  let colon = -1;
  for (; nameEnd < html.length; nameEnd += 1) {
    const code = html.charCodeAt(nameEnd);
    if (code === 0x3a) colon = nameEnd;
    else if (!isNameChar(code)) break;
  }
  const tagEnd = findTagEnd(html, nameEnd, find);
  // Never closed: not a tag, just text that looks like one.
  if (tagEnd === -1) return LITERAL_LESS_THAN(start);
  const local = html.slice(colon === -1 ? nameStart : colon + 1, nameEnd).toLowerCase();
  const text = BREAKS.get(local) ?? '';
  const selfClosing = html.charCodeAt(tagEnd - 1) === 0x2f;
  if (!closing && !selfClosing && SKIPPED_CONTENT.has(local)) {
    return { text, next: skipElement(html, tagEnd + 1, html.slice(nameStart, nameEnd).toLowerCase(), find) };
  }
  return { text, next: tagEnd + 1 };
}

/** The index of the '>' closing a tag whose name ends at `from`, skipping quoted attribute values; -1 if none. */
function findTagEnd(html: string, from: number, find: Search): number {
  let position = from;
  while (position < html.length) {
    const code = html.charCodeAt(position);
    if (code === 0x3e) return position;
    if (code === 0x22 || code === 0x27) {
      const close = find(code === 0x22 ? '"' : "'", position + 1);
      if (close === -1) return find('>', position);
      position = close + 1;
    } else if (code === 0x3c) {
      // A '<' before any '>' means the earlier '<' did not open a tag.
      return -1;
    } else {
      position += 1;
    }
  }
  return -1;
}

/** Skips the content of a script-like element up to and including its end tag. */
function skipElement(html: string, from: number, name: string, find: Search): number {
  const end = find(`</${name}`, from);
  // Never closed: drop only the tag, keep the text after it.
  if (end === -1) return from;
  const close = find('>', end);
  return close === -1 ? html.length : close + 1;
}

/** indexOf, ASCII-case-insensitive for end tags, remembering failures (if X is not after p, it is not after p + 1). */
type Search = (term: string, from: number) => number;

function cachedSearch(html: string): Search {
  const notFoundFrom = new Map<string, number>();
  let lower: string | undefined;
  return (term, from) => {
    const failed = notFoundFrom.get(term);
    if (failed !== undefined && from >= failed) return -1;
    // End tags are matched case-insensitively (</SCRIPT>): against a copy lower-cased once, ASCII only so that
    // indexes stay the same.
    const haystack = term.startsWith('</') ? (lower ??= html.replace(/[A-Z]+/g, (letters) => letters.toLowerCase())) : html;
    const index = haystack.indexOf(term, from);
    if (index === -1) notFoundFrom.set(term, Math.min(from, failed ?? from));
    return index;
  };
}

function isLetter(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
}

function isNameChar(code: number): boolean {
  return isLetter(code) || (code >= 0x30 && code <= 0x39) || code === 0x2d || code === 0x5f || code === 0x2e;
}

function finish(text: string, keepParagraphs: boolean): string {
  if (!keepParagraphs) return foldSpaces(text);
  // Spaces first, so that the break pattern below never meets a long run of them.
  return text
    .replace(/ {2,}/g, ' ')
    .replace(/ ?[\n\u2029][ \n\u2029]*/g, (gap) => (gap.includes(PARAGRAPH) ? '\n\n' : '\n'))
    .trim();
}

/** Whether a UTF-16 code unit is whitespace as \s (and trim) mean it. */
function isSpaceCode(code: number): boolean {
  if (code <= 0x20) return code === 0x20 || (code >= 0x09 && code <= 0x0d);
  if (code < 0xa0) return false;
  return code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) || code === 0x2028 || code === 0x2029 ||
    code === 0x202f || code === 0x205f || code === 0x3000 || code === 0xfeff;
}

/**
 * Every run of whitespace (as \s means it) as one space, none at either end: `text.replace(/\s+/g, ' ').trim()`
 * in one hand-written pass (every item's content goes through it, and the regular expressions took three). Text
 * that is folded already (the usual title, category or name) is returned as it is, without a copy.
 */
export function foldSpaces(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isSpaceCode(text.charCodeAt(start))) start++;
  while (end > start && isSpaceCode(text.charCodeAt(end - 1))) end--;
  let folded = '';
  let copied = start;
  for (let at = start; at < end; at++) {
    const code = text.charCodeAt(at);
    if (!isSpaceCode(code)) continue;
    let runEnd = at + 1;
    while (isSpaceCode(text.charCodeAt(runEnd))) runEnd++;
    if (code === 0x20 && runEnd === at + 1) continue;
    folded += `${text.slice(copied, at)} `;
    copied = runEnd;
    at = runEnd - 1;
  }
  if (copied === start) return start === 0 && end === text.length ? text : text.slice(start, end);
  return folded + text.slice(copied, end);
}
