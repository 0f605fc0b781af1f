/** Renders a neutral command Reply as Discord message content (markdown), escaping every plain span. */
import type { Reply, Span } from '../../commands/reply.ts';
import { POST_PREVIEW_LENGTH } from '../../commands/reply.ts';
import { discordDescription, escapeMarkdown } from './render.ts';

const CONTENT_LIMIT = 2000;

export function renderDiscordReply(answer: Reply): string {
  const lines = answer.lines.map((line) => line.map(renderSpan).join(''));
  let content = lines.join('\n');
  for (let kept = lines.length - 1; content.length > CONTENT_LIMIT && kept > 0; kept -= 1) {
    content = `${lines.slice(0, kept).join('\n')}\n… and ${lines.length - kept} more`;
  }
  return content.length > CONTENT_LIMIT ? `${content.slice(0, CONTENT_LIMIT - 1)}…` : content;
}

function renderSpan(span: Span): string {
  if (typeof span === 'string') return escapeMarkdown(span);
  if ('bold' in span) return `**${escapeMarkdown(span.bold)}**`;
  if ('code' in span) return `\`${span.code.replace(/`/g, 'ˋ')}\``;
  if ('link' in span) return `[${escapeMarkdown(span.label.replace(/[[\]]/g, ''))}](<${span.link.replace(/[<>\s]/g, encodeURIComponent)}>)`;
  if ('post' in span) return quoted(discordDescription(span.post, POST_PREVIEW_LENGTH) || '(nothing)');
  if ('preformatted' in span) return `\`\`\`\n${span.preformatted.replace(/```/g, 'ˋˋˋ')}\n\`\`\``;
  return /^\d+$/.test(span.channel) ? `<#${span.channel}>` : escapeMarkdown(`#${span.channel}`);
}

/** Discord's block quote, line by line, so the post stands apart from the reply around it. */
function quoted(text: string): string {
  return text
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n');
}
