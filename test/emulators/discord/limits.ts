/**
 * Validates a message body (Create Message, interaction replies, webhook edits) against message.mdx:
 * content 2000, 10 embeds, the Embed Limits table and the 6000-character total, nonce 25,
 * allowed_mentions. Takes the parsed JSON body; returns null or the error Discord would send
 * (400 with code 50035 and a nested `errors` object, or 50006 for an empty message).
 *
 * Lengths are counted in characters (code points) after trimming, as the Embed Limits table says.
 * The inner error codes (BASE_TYPE_MAX_LENGTH...) are the ones Discord uses; the docs do not list them.
 */

export interface FieldError {
  code: string;
  message: string;
}
export interface ErrorTree {
  [key: string]: ErrorTree | FieldError[];
}
export interface ApiErrorBody {
  code: number;
  message: string;
  errors?: ErrorTree;
}

export const MESSAGE_LIMITS = {
  content: 2000,
  embeds: 10,
  nonce: 25,
  embedTotal: 6000,
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footerText: 2048,
  authorName: 256,
  mentionIds: 100,
} as const;

const EMBED_URL_MAX = 2048;
const MENTION_TYPES = ['roles', 'users', 'everyone'];
const IS_COMPONENTS_V2 = 1 << 15;

type Json = Record<string, unknown>;

/** Collects field errors at dotted paths and renders Discord's nested `_errors` tree. */
export class ErrorCollector {
  readonly #tree: ErrorTree = {};
  count = 0;

  add(path: Array<string | number>, code: string, message: string): void {
    let node = this.#tree;
    for (const key of path.map(String)) {
      const next = node[key];
      if (next === undefined || Array.isArray(next)) node[key] = {};
      node = node[key] as ErrorTree;
    }
    const list = (node._errors as FieldError[] | undefined) ?? [];
    list.push({ code, message });
    node._errors = list;
    this.count++;
  }

  result(): ApiErrorBody | null {
    return this.count === 0 ? null : { code: 50035, message: 'Invalid Form Body', errors: this.#tree };
  }
}

export function charCount(text: string): number {
  return [...text.trim()].length;
}

function checkMax(errors: ErrorCollector, path: Array<string | number>, value: unknown, max: number): number {
  if (value === undefined || value === null) return 0;
  if (typeof value !== 'string') {
    errors.add(path, 'BASE_TYPE_STRING', 'Value must be a string.');
    return 0;
  }
  const length = charCount(value);
  if (length > max) errors.add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${max} or fewer in length.`);
  return length;
}

function checkRequired(errors: ErrorCollector, path: Array<string | number>, value: unknown, max: number): number {
  if (typeof value !== 'string' || value.trim() === '') {
    errors.add(path, 'BASE_TYPE_REQUIRED', 'This field is required');
    return 0;
  }
  return checkMax(errors, path, value, max);
}

function checkUrl(errors: ErrorCollector, path: Array<string | number>, value: unknown, allowAttachment: boolean): void {
  if (value === undefined || value === null) return;
  if (typeof value !== 'string') return errors.add(path, 'URL_TYPE_INVALID_URL', 'Not a well formed URL.');
  // RichEmbed and its image, thumbnail, author and footer URLs: maxLength 2048 (openapi.json).
  if (value.length > EMBED_URL_MAX) return errors.add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${EMBED_URL_MAX} or fewer in length.`);
  let scheme: string;
  try {
    scheme = new URL(value).protocol.replace(/:$/, '');
  } catch {
    return errors.add(path, 'URL_TYPE_INVALID_URL', 'Not a well formed URL.');
  }
  const allowed = allowAttachment ? ['http', 'https', 'attachment'] : ['http', 'https'];
  if (!allowed.includes(scheme)) {
    errors.add(path, 'URL_TYPE_INVALID_SCHEME', `Scheme "${scheme}" is not supported. Scheme must be one of (${allowed.map((s) => `'${s}'`).join(', ')}).`);
  }
}

/** Checks one embed and returns the characters it adds to the message's 6000 total. */
function checkEmbed(errors: ErrorCollector, embed: unknown, index: number): number {
  const at = (...rest: Array<string | number>) => ['embeds', index, ...rest];
  if (typeof embed !== 'object' || embed === null || Array.isArray(embed)) {
    errors.add(at(), 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
    return 0;
  }
  const e = embed as Json;
  let total = checkMax(errors, at('title'), e.title, MESSAGE_LIMITS.title);
  total += checkMax(errors, at('description'), e.description, MESSAGE_LIMITS.description);
  checkUrl(errors, at('url'), e.url, false);
  if (e.timestamp !== undefined && e.timestamp !== null && Number.isNaN(Date.parse(String(e.timestamp)))) {
    errors.add(at('timestamp'), 'DATE_TYPE_PARSE', `Could not parse ${String(e.timestamp)}. Should be ISO8601.`);
  }
  if (e.color !== undefined && e.color !== null && (!Number.isInteger(e.color) || (e.color as number) < 0 || (e.color as number) > 0xffffff)) {
    errors.add(at('color'), 'NUMBER_TYPE_MAX', 'int value should be less than or equal to 16777215.');
  }
  for (const key of ['image', 'thumbnail'] as const) {
    const media = e[key] as Json | undefined;
    if (media) checkUrl(errors, at(key, 'url'), media.url, true);
  }
  if (e.footer !== undefined && e.footer !== null) {
    const footer = e.footer as Json;
    total += checkRequired(errors, at('footer', 'text'), footer.text, MESSAGE_LIMITS.footerText);
    checkUrl(errors, at('footer', 'icon_url'), footer.icon_url, true);
  }
  if (e.author !== undefined && e.author !== null) {
    const author = e.author as Json;
    total += checkRequired(errors, at('author', 'name'), author.name, MESSAGE_LIMITS.authorName);
    checkUrl(errors, at('author', 'url'), author.url, false);
    checkUrl(errors, at('author', 'icon_url'), author.icon_url, true);
  }
  if (e.fields !== undefined && e.fields !== null) {
    if (!Array.isArray(e.fields)) {
      errors.add(at('fields'), 'BASE_TYPE_LIST', 'Must be a list.');
    } else {
      if (e.fields.length > MESSAGE_LIMITS.fields) {
        errors.add(at('fields'), 'BASE_TYPE_MAX_LENGTH', `Must be ${MESSAGE_LIMITS.fields} or fewer in length.`);
      }
      e.fields.forEach((field: Json, i: number) => {
        total += checkRequired(errors, at('fields', i, 'name'), field?.name, MESSAGE_LIMITS.fieldName);
        total += checkRequired(errors, at('fields', i, 'value'), field?.value, MESSAGE_LIMITS.fieldValue);
      });
    }
  }
  return total;
}

function checkAllowedMentions(errors: ErrorCollector, value: unknown): void {
  if (value === undefined || value === null) return;
  const mentions = value as Json;
  const parse = mentions.parse;
  if (parse !== undefined && parse !== null) {
    if (!Array.isArray(parse)) return errors.add(['allowed_mentions', 'parse'], 'BASE_TYPE_LIST', 'Must be a list.');
    parse.forEach((type, i) => {
      if (!MENTION_TYPES.includes(type)) {
        errors.add(['allowed_mentions', 'parse', i], 'BASE_TYPE_CHOICES', "Value must be one of ('roles', 'users', 'everyone').");
      }
    });
  }
  for (const kind of ['users', 'roles'] as const) {
    const ids = mentions[kind];
    if (!Array.isArray(ids) || ids.length === 0) continue;
    if (ids.length > MESSAGE_LIMITS.mentionIds) {
      errors.add(['allowed_mentions', kind], 'BASE_TYPE_MAX_LENGTH', `Must be ${MESSAGE_LIMITS.mentionIds} or fewer in length.`);
    }
    if (Array.isArray(parse) && parse.includes(kind)) {
      errors.add(['allowed_mentions'], 'MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE', `parse:["${kind}"] and ${kind}: [ids...] are mutually exclusive.`);
    }
  }
}

function hasBody(body: Json): boolean {
  const nonEmpty = (v: unknown) => Array.isArray(v) && v.length > 0;
  return (
    (typeof body.content === 'string' && body.content.trim() !== '') ||
    nonEmpty(body.embeds) || nonEmpty(body.components) || nonEmpty(body.sticker_ids) ||
    nonEmpty(body.attachments) || (body.poll !== undefined && body.poll !== null)
  );
}

/**
 * Returns the 400 body for an invalid message, or null when Discord would accept it.
 * `partial` (edits) allows every field to be absent.
 */
export function validateMessage(body: Json, options: { partial?: boolean } = {}): ApiErrorBody | null {
  const errors = new ErrorCollector();
  checkMax(errors, ['content'], body.content, MESSAGE_LIMITS.content);
  if (typeof body.nonce === 'string') checkMax(errors, ['nonce'], body.nonce, MESSAGE_LIMITS.nonce);
  checkAllowedMentions(errors, body.allowed_mentions);
  if (body.embeds !== undefined && body.embeds !== null) {
    if (!Array.isArray(body.embeds)) {
      errors.add(['embeds'], 'BASE_TYPE_LIST', 'Must be a list.');
    } else {
      if (body.embeds.length > MESSAGE_LIMITS.embeds) {
        errors.add(['embeds'], 'BASE_TYPE_MAX_LENGTH', `Must be ${MESSAGE_LIMITS.embeds} or fewer in length.`);
      }
      const total = body.embeds.reduce((sum: number, embed, i) => sum + checkEmbed(errors, embed, i), 0);
      if (total > MESSAGE_LIMITS.embedTotal) {
        errors.add(['embeds'], 'MAX_EMBED_SIZE_EXCEEDED', `Embed size exceeds maximum size of ${MESSAGE_LIMITS.embedTotal}`);
      }
    }
  }
  const flags = typeof body.flags === 'number' ? body.flags : 0;
  if ((flags & IS_COMPONENTS_V2) !== 0 && ((typeof body.content === 'string' && body.content !== '') || (Array.isArray(body.embeds) && body.embeds.length > 0))) {
    errors.add(['content'], 'MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2', 'The \'content\' and \'embeds\' fields cannot be used when using MessageFlags.IS_COMPONENTS_V2');
  }
  const invalid = errors.result();
  if (invalid) return invalid;
  if (!options.partial && !hasBody(body)) return { code: 50006, message: 'Cannot send an empty message' };
  return null;
}
