/**
 * Reads which parts of a message Discord refused from a 50035 answer's `errors` tree (`{ embeds: { 0: { url:
 * { _errors: [...] } } } }`), and makes the message again without them, so one over-long link or bad image URL
 * from a feed does not cost the whole post. Parts the post cannot do without (the title, the feed's name) are
 * not dropped: such a message is refused as it is.
 */
import type { Message } from '../../format/message.ts';

export interface RefusedPart {
  /** The field's path in the request, dotted: `embeds.0.url`. */
  readonly path: string;
  readonly message: string;
}

/** Every field error in the answer, depth first. */
export function partsRefused(body: unknown): RefusedPart[] {
  const errors = (body as { errors?: unknown } | undefined)?.errors;
  const found: RefusedPart[] = [];
  const walk = (node: unknown, path: string[]) => {
    if (typeof node !== 'object' || node === null) return;
    for (const [key, value] of Object.entries(node)) {
      if (key === '_errors' && Array.isArray(value)) {
        for (const entry of value) found.push({ path: path.join('.'), message: String((entry as { message?: unknown }).message ?? (entry as { code?: unknown }).code ?? '') });
      } else {
        walk(value, [...path, key]);
      }
    }
  };
  walk(errors, []);
  return found;
}

type DroppablePart = 'url' | 'imageUrl' | 'author' | 'timestamp' | 'summary';

/** Which Message part renders to the embed field at `path` (render.ts), for the parts a post can do without. */
const PART_OF_FIELD: ReadonlyArray<readonly [RegExp, DroppablePart, string]> = [
  [/^embeds\.\d+\.url$/, 'url', 'the link'],
  [/^embeds\.\d+\.(image|thumbnail)(\.|$)/, 'imageUrl', 'the image'],
  [/^embeds\.\d+\.author(\.|$)/, 'author', 'the author'],
  [/^embeds\.\d+\.timestamp$/, 'timestamp', 'the date'],
  [/^embeds\.\d+\.description$/, 'summary', 'the summary'],
];

/**
 * The message without the refused parts, and what was left out (for the log); undefined when a refused part is
 * not one a post can do without, or nothing was refused at a known place.
 */
export function withoutParts(message: Message, refused: readonly RefusedPart[]): { message: Message; dropped: string[] } | undefined {
  if (refused.length === 0) return undefined;
  const lighter: { -readonly [K in keyof Message]: Message[K] } = { ...message };
  const dropped: string[] = [];
  for (const part of refused) {
    const known = PART_OF_FIELD.find(([pattern]) => pattern.test(part.path));
    if (known === undefined) return undefined;
    const [, field, name] = known;
    if (field === 'summary') lighter.summary = '';
    else delete lighter[field];
    dropped.push(`${name} (${part.path}: ${part.message})`);
  }
  return { message: lighter, dropped };
}
