/**
 * Message templates: a manager's layout for a subscription's posts, such as `**{title}** by {author}\n{summary:200}`.
 * `parseTemplate` reads one once into literal parts and placeholders (refusing unknown ones with a did-you-mean);
 * `renderTemplate` fills it from a neutral Message within a length limit. Which text is escaped how is the
 * platform's business: the caller passes a TemplateStyle. The literal text is the manager's and keeps the
 * platform's markdown; placeholder values come from the feed, so the style escapes them.
 *
 * Syntax: `{name}` or `{name:N}` (at most N characters of that value, cut at a word with an ellipsis); `{{` and
 * `}}` are literal braces; `\n` is a line break (Discord's command boxes have no Enter).
 */
import { HeraldError, problemOf } from '../errors.ts';
import { countEdits } from '../text/edit-distance.ts';
import { fitText } from './fit-text.ts';
import type { Message } from './message.ts';

export const PLACEHOLDERS = ['title', 'link', 'summary', 'author', 'categories', 'feed', 'date'] as const;
export type PlaceholderName = (typeof PLACEHOLDERS)[number];

/** Placeholders whose value is feed text that may be cut; a link or date cut short would be broken. */
const CUTTABLE: ReadonlySet<PlaceholderName> = new Set(['title', 'summary', 'author', 'categories', 'feed']);

export const TEMPLATE_MAX_LENGTH = 1000;
/** The longest `{name:N}` worth asking for: Discord's description limit. */
export const PLACEHOLDER_MAX_CUT = 4096;

/** What a manager types to go back to Herald's own layout. */
export const DEFAULT_TEMPLATE_WORD = 'default';

export type TemplatePart =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'placeholder'; readonly name: PlaceholderName; readonly max?: number };

export interface Template {
  readonly source: string;
  readonly parts: readonly TemplatePart[];
}

/** How a platform writes each kind of part. `text` escapes feed text; `literal` the manager's own. */
export interface TemplateStyle {
  literal(text: string): string;
  text(raw: string): string;
  link(url: string): string;
  date(date: Date): string;
}

const PLACEHOLDER_LIST = PLACEHOLDERS.map((name) => `{${name}}`).join(', ');

export function parseTemplate(source: string): Template {
  if (source.length > TEMPLATE_MAX_LENGTH) refuse(`The template is too long: ${source.length} characters, at most ${TEMPLATE_MAX_LENGTH}.`);
  const parts: TemplatePart[] = [];
  let literal = '';
  let index = 0;
  while (index < source.length) {
    const character = source[index]!;
    const pair = source.slice(index, index + 2);
    if (pair === '{{' || pair === '}}') {
      literal += character;
      index += 2;
    } else if (pair === '\\n') {
      literal += '\n';
      index += 2;
    } else if (character === '{') {
      const end = source.indexOf('}', index + 1);
      const nextOpen = source.indexOf('{', index + 1);
      if (end === -1 || (nextOpen !== -1 && nextOpen < end)) {
        refuse(`The \`{\` at character ${index + 1} is never closed. Write placeholders as \`{title}\`, or \`{{\` for a brace itself.`);
      }
      if (literal !== '') parts.push({ kind: 'literal', text: literal });
      literal = '';
      parts.push(placeholderOf(source.slice(index + 1, end), index + 1));
      index = end + 1;
    } else {
      literal += character;
      index += 1;
    }
  }
  if (literal !== '') parts.push({ kind: 'literal', text: literal });
  return { source, parts };
}

/** The validator the config loader and commands share: what is wrong with a template, or undefined when it is fine. */
export function templateProblem(source: string): string | undefined {
  return problemOf(() => parseTemplate(source));
}

/**
 * The template a stored text stands for, or undefined for Herald's own layout. Stored templates were checked when
 * they were set; one that no longer parses (edited in the database) falls back to the default layout rather than
 * losing the post.
 */
export function storedTemplate(source: string | undefined): Template | undefined {
  if (source === undefined || source === '') return undefined;
  try {
    return parseTemplate(source);
  } catch {
    return undefined;
  }
}

/**
 * A post's body on any platform: the summary, escaped as the platform escapes feed text, or the subscription's
 * template filled in; at most `max` characters.
 */
export function renderBody(message: Message, style: TemplateStyle, max: number): string {
  const template = storedTemplate(message.template);
  if (template === undefined) return fitText(message.summary, max, style.text);
  return renderTemplate(template, message, style, max);
}

/**
 * The template filled from the message, at most `max` characters. Literal text and links and dates are kept
 * whole; when the feed text does not fit, the longest values are cut (at a word, with an ellipsis, never inside an
 * escape) so that short ones such as the author stay whole. A fixed part that no longer fits is left out.
 */
export function renderTemplate(template: Template, message: Message, style: TemplateStyle, max: number): string {
  const pieces = template.parts.map((part) => pieceOf(part, message, style));
  let budget = max;
  for (const piece of pieces) {
    if (piece.raw !== undefined) continue;
    if (piece.text.length > budget) piece.text = '';
    budget -= piece.text.length;
  }
  // Water-filling: the shortest values take what they need, the rest share what is left evenly.
  const variable = pieces.filter((piece) => piece.raw !== undefined).sort((a, b) => a.text.length - b.text.length);
  variable.forEach((piece, position) => {
    const share = Math.floor(Math.max(0, budget) / (variable.length - position));
    if (piece.text.length > share) piece.text = fitText(piece.raw!, share, style.text);
    budget -= piece.text.length;
  });
  return pieces
    .map((piece) => piece.text)
    .join('')
    .replace(/^\s+|\s+$/gu, '');
}

/** The message's body in plain text: the template filled in without markup, or the summary; at most `max`. */
export function plainTemplateText(message: Message, max: number): string {
  const template = storedTemplate(message.template);
  if (template === undefined) return fitText(message.summary, max, (text) => text);
  return renderTemplate(template, message, PLAIN_STYLE, max);
}

const PLAIN_STYLE: TemplateStyle = {
  literal: (text) => text,
  text: (raw) => raw,
  link: (url) => url,
  date: (date) => `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
};

interface Piece {
  text: string;
  /** Feed text that can be cut to fit; undefined for fixed parts. */
  readonly raw?: string;
}

function pieceOf(part: TemplatePart, message: Message, style: TemplateStyle): Piece {
  if (part.kind === 'literal') return { text: style.literal(part.text) };
  if (part.name === 'link') return { text: message.url === undefined ? '' : style.link(message.url) };
  if (part.name === 'date') return { text: message.timestamp === undefined || Number.isNaN(message.timestamp.getTime()) ? '' : style.date(message.timestamp) };
  const value = textValue(part.name, message);
  const raw = part.max === undefined ? value : fitText(value, part.max, (text) => text);
  return { text: style.text(raw), raw };
}

function textValue(name: PlaceholderName, message: Message): string {
  switch (name) {
    case 'title':
      return message.title;
    case 'summary':
      return message.summary;
    case 'author':
      return message.author ?? '';
    case 'categories':
      return message.categories.join(', ');
    default:
      return message.feedTitle;
  }
}

function placeholderOf(inside: string, position: number): TemplatePart {
  const match = /^\s*([A-Za-z_]*)\s*(?::\s*(.*?)\s*)?$/su.exec(inside);
  const typed = match?.[1] ?? inside;
  if (typed === '') refuse(`The placeholder \`{${inside}}\` at character ${position} has no name. Placeholders: ${PLACEHOLDER_LIST}.`);
  const name = PLACEHOLDERS.find((known) => known === typed.toLowerCase());
  if (name === undefined) {
    const guess = closestPlaceholder(typed.toLowerCase());
    refuse(`Unknown placeholder \`{${inside}}\` at character ${position}.${guess === undefined ? '' : ` Did you mean \`{${guess}}\`?`} Placeholders: ${PLACEHOLDER_LIST}.`);
  }
  const cut = match?.[2];
  if (cut === undefined) return { kind: 'placeholder', name };
  if (!CUTTABLE.has(name)) refuse(`\`{${name}}\` cannot be shortened (a cut ${name} would not work): write \`{${name}}\` without \`:${cut}\`.`);
  if (!/^\d{1,4}$/u.test(cut) || Number(cut) < 1 || Number(cut) > PLACEHOLDER_MAX_CUT) {
    refuse(`In \`{${inside}}\` the length must be a number of characters from 1 to ${PLACEHOLDER_MAX_CUT}, as in \`{${name}:200}\`.`);
  }
  return { kind: 'placeholder', name, max: Number(cut) };
}

/** The placeholder one or two typos away (`{titel}`, `{sumary}`), or the only one that starts the same (`{cat}`). */
function closestPlaceholder(typed: string): PlaceholderName | undefined {
  const started = PLACEHOLDERS.filter((name) => typed.length >= 3 && name.startsWith(typed));
  if (started.length === 1) return started[0];
  const ranked = PLACEHOLDERS.map((name) => ({ name, edits: countEdits(typed, name) })).sort((a, b) => a.edits - b.edits);
  const best = ranked[0]!;
  return best.edits <= Math.min(2, Math.floor(best.name.length / 2)) ? best.name : undefined;
}

function refuse(userMessage: string): never {
  throw new HeraldError('template-invalid', userMessage, { userMessage });
}
