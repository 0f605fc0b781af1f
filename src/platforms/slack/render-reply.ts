/**
 * Renders a neutral command Reply as a Slack command response: mrkdwn in `text`, every plain span escaped
 * (mrkdwn.ts) so a feed title in an answer can never ping, mention or link, and the whole within one message.
 *
 * Only `text`, no blocks: mrkdwn renders in a response's `text` as it does in a section, and a single field
 * has a single limit. Blocks would cap each section at 3000 characters and make the answer depend on where
 * it is split; an invalid block would lose the whole answer.
 */
import { POST_PREVIEW_LENGTH, spanText } from '../../commands/reply.ts';
import type { Line, Reply, Span } from '../../commands/reply.ts';
import { fitText } from '../../format/fit-text.ts';
import { escapeMrkdwn, escapeSlackText, slackLink } from './mrkdwn.ts';
import { slackBody } from './render-message.ts';

export interface SlackReplyPayload {
  text: string;
  response_type: 'ephemeral' | 'in_channel';
}

/** Slack shows up to 40,000 characters of `text` but asks for at most 4,000; a command answer needs no more. */
export const SLACK_REPLY_TEXT_LIMIT = 4000;

const SLACK_CHANNEL_ID = /^[CGD][A-Z0-9]{2,}$/u;
const GRAVE_LOOK_ALIKE = '\u02cb';

export function renderSlackReply(answer: Reply): SlackReplyPayload {
  return { text: fitLines(answer.lines, SLACK_REPLY_TEXT_LIMIT), response_type: answer.ephemeral ? 'ephemeral' : 'in_channel' };
}

/** Whole lines while they fit, then "…and N more lines"; a first line too long on its own is cut inside its spans. */
function fitLines(lines: readonly Line[], max: number): string {
  const rendered = lines.map((line) => line.map((span) => renderSpan(span)).join(''));
  const whole = rendered.join('\n');
  if (whole.length <= max) return whole;

  let text = '';
  for (const [index, line] of rendered.entries()) {
    const more = moreLines(lines.length - index - 1);
    const candidate = index === 0 ? line : `${text}\n${line}`;
    if (candidate.length + more.length > max) {
      if (index === 0) return fitSpans(lines[0] ?? [], max - more.length) + more;
      return text + moreLines(lines.length - index);
    }
    text = candidate;
  }
  return text;
}

function moreLines(count: number): string {
  if (count === 0) return '';
  return `\n…and ${count} more ${count === 1 ? 'line' : 'lines'}`;
}

/** The spans that fit, the one that does not cut before it is escaped (so never mid-entity, mid-token or open). */
function fitSpans(line: Line, max: number): string {
  let text = '';
  for (const span of line) {
    const whole = renderSpan(span);
    if (text.length + whole.length > max) return text + fitText(spanText(span), max - text.length, (cut) => renderSpan(span, cut));
    text += whole;
  }
  return text;
}

/** The span in mrkdwn, with `text` (its own text, perhaps cut) in place of the span's text (spanText). */
function renderSpan(span: Span, text = spanText(span)): string {
  if (typeof span === 'string') return escapeMrkdwn(text);
  if ('link' in span) return slackLink(span.link, text);
  // Cut short (the first line too long on its own), a post is shown as the plain text it was cut from.
  if ('post' in span) return text === spanText(span) ? quoted(slackBody(span.post, POST_PREVIEW_LENGTH) || '(nothing)') : escapeMrkdwn(text);
  if ('channel' in span) return SLACK_CHANNEL_ID.test(text) ? `<#${text}>` : escapeMrkdwn(`#${text}`);
  // Empty markup would show its markers as typed.
  if (text === '') return '';
  if ('bold' in span) return `*${escapeMrkdwn(text)}*`;
  // Code shows its text as is, so only Slack's control characters are escaped; a backtick would end it early.
  if ('code' in span) return `\`${escapeSlackText(text.replaceAll('`', GRAVE_LOOK_ALIKE))}\``;
  return `\`\`\`\n${escapeSlackText(text.replaceAll('`', GRAVE_LOOK_ALIKE))}\n\`\`\``;
}

/** Slack's block quote, line by line, so the post stands apart from the reply around it. */
function quoted(text: string): string {
  return text
    .split('\n')
    .map((line) => `>${line}`)
    .join('\n');
}
