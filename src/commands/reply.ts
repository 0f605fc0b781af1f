/**
 * A command's answer in a platform-neutral form: lines of spans. Each platform renders it in its own markup,
 * escaping every plain span, so a feed title in a reply can never become a mention or a link.
 */
import type { Message } from '../format/message.ts';
import { plainTemplateText } from '../format/template.ts';

export type Span =
  | string
  | { readonly bold: string }
  | { readonly code: string }
  | { readonly link: string; readonly label: string }
  | { readonly channel: string }
  /** Monospace lines kept as they are (a rule with a caret under its fault). */
  | { readonly preformatted: string }
  /** An item's body as the platform would post it (its template filled in), shown as a quote: what /feed preview shows. */
  | { readonly post: Message };

export type Line = readonly Span[];

/** A file sent with the answer (an OPML export). */
export interface ReplyAttachment {
  readonly filename: string;
  readonly contentType: string;
  readonly content: string;
}

export interface Reply {
  readonly lines: readonly Line[];
  /** Only the person who ran the command sees it. */
  readonly ephemeral: boolean;
  readonly attachment?: ReplyAttachment;
}

/** How much of an item's body a reply shows: enough to judge a layout, short enough for ten items. */
export const POST_PREVIEW_LENGTH = 200;

export function reply(lines: readonly Line[], options: { ephemeral?: boolean; attachment?: ReplyAttachment } = {}): Reply {
  return { lines, ephemeral: options.ephemeral ?? true, ...(options.attachment === undefined ? {} : { attachment: options.attachment }) };
}

/**
 * A user-facing error message as a reply. A multi-line one (a caret under a rule's fault) stays monospace to line
 * up; in a one-line one, `backquoted` parts become code spans.
 */
export function errorReply(message: string): Reply {
  if (message.includes('\n')) return reply([[{ preformatted: message }]]);
  const parts = message.split(/`([^`\n]+)`/);
  const spans = parts.map((part, index): Span => (index % 2 === 1 ? { code: part } : part)).filter((span) => span !== '');
  return reply([spans]);
}

/** A span's own text without markup: a link's label, a channel's id. Renderers wrap it in their markup. */
export function spanText(span: Span): string {
  if (typeof span === 'string') return span;
  if ('bold' in span) return span.bold;
  if ('code' in span) return span.code;
  if ('link' in span) return span.label;
  if ('preformatted' in span) return span.preformatted;
  if ('post' in span) return plainTemplateText(span.post, POST_PREVIEW_LENGTH);
  return span.channel;
}

/** The reply's text without markup, for logs and the console. */
export function replyToPlainText(answer: Reply): string {
  return answer.lines
    .map((line) =>
      line
        .map((span) => {
          if (typeof span === 'object' && 'link' in span) return `${span.label} <${span.link}>`;
          if (typeof span === 'object' && 'channel' in span) return `#${span.channel}`;
          return spanText(span);
        })
        .join(''),
    )
    .join('\n');
}
