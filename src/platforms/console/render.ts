/**
 * Renders a neutral Message as a short multi-line block for a terminal: what the console adapter
 * prints instead of posting. Takes the message and a destination label; returns plain text without
 * terminal control sequences, so a feed cannot move the cursor or recolour the operator's screen.
 */
import type { Message } from '../../format/message.ts';
import { renderTemplate, storedTemplate } from '../../format/template.ts';
import type { TemplateStyle } from '../../format/template.ts';
import { truncateText } from '../../format/truncate.ts';

const SUMMARY_LENGTH = 300;
const INDENT = '  ';
// Every C0/C1 control except the newline (ESC starts ANSI sequences; CR could overwrite a line).
const TERMINAL_CONTROLS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/gu;

export function renderConsoleMessage(message: Message, destination: string): string {
  const lines = [`[${oneLine(destination)}] ${oneLine(message.feedTitle)} — ${oneLine(message.title)}`];
  if (message.url !== undefined) lines.push(INDENT + oneLine(message.url));
  const byline = [message.timestamp && formatDate(message.timestamp), message.author && `by ${oneLine(message.author)}`];
  const details = byline.filter((part): part is string => typeof part === 'string' && part !== '');
  if (details.length > 0) lines.push(INDENT + details.join(' · '));
  const template = storedTemplate(message.template);
  if (template !== undefined) {
    const body = renderTemplate(template, message, CONSOLE_TEMPLATE_STYLE, TEMPLATE_LENGTH);
    if (body !== '') lines.push(...body.split('\n').map((line) => INDENT + line));
    return lines.join('\n');
  }
  const summary = truncateText(oneLine(message.summary), SUMMARY_LENGTH);
  if (summary !== '') lines.push(INDENT + summary);
  return lines.join('\n');
}

const TEMPLATE_LENGTH = 1000;

/** Plain text, every part stripped of terminal controls (the template's line breaks stay). */
const CONSOLE_TEMPLATE_STYLE: TemplateStyle = {
  literal: (text) => text.replace(TERMINAL_CONTROLS, ' '),
  text: oneLine,
  link: oneLine,
  date: (date) => formatDate(date) ?? '',
};

function oneLine(text: string): string {
  return text.replace(TERMINAL_CONTROLS, ' ').replace(/\s+/gu, ' ').trim();
}

/** UTC and locale-free, so the output reads the same on every machine and in tests. */
function formatDate(date: Date): string | undefined {
  if (Number.isNaN(date.getTime())) return undefined;
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
