/**
 * The one way Herald writes text it does not control (feed titles, summaries, authors, command answers) into
 * Slack mrkdwn. Takes raw text and returns mrkdwn that shows the text as written: it can never become a
 * broadcast (`<!channel>`, `<!here>`), a user or channel mention, a link or a date token, and it does not turn
 * into bold, italics, strikethrough or code. Also builds Herald's own links, the only `<…>` tokens it writes
 * besides dates.
 */

/** Look-alikes for the characters that open and close mrkdwn formatting (Slack has no backslash escape). */
const FORMATTING_LOOK_ALIKES: Readonly<Record<string, string>> = {
  '*': '\u2217', // ∗ asterisk operator
  _: '\u02cd', // ˍ modifier letter low macron
  '~': '\u223c', // ∼ tilde operator
  '`': '\u02cb', // ˋ modifier letter grave accent
};

/**
 * A formatting character that could open or close formatting: one not flanked by a letter or digit on both
 * sides. Slack ignores markers inside a word, so `snake_case`, `a*b` and `:white_check_mark:` stay as written.
 */
const LIVE_FORMATTING = /(?<![\p{L}\p{N}\p{M}])[*_~`]|[*_~`](?![\p{L}\p{N}\p{M}])/gu;

/** Broadcast words Slack could turn into a ping if a message were ever parsed like typed text (`parse: full`). */
const BARE_BROADCAST = /@(?=(?:channel|here|everyone)(?![\p{L}\p{N}_]))/giu;
const WORD_JOINER = '\u2060';

/** A bare URL in feed text: kept exactly as written, so a reader can still copy it. */
const BARE_URL = /https?:\/\/[^\s<>]+/giu;

/** Characters that would end or split a `<url|label>` token, or that a URL may not contain at all. */
const URL_BREAKERS = /[\s<>|\p{Cc}]/gu;

/**
 * Slack's three control characters as the entities Slack decodes for display: the only escaping Slack has,
 * and all it takes to keep text from becoming a `<…>` token (mention, broadcast, link or date).
 */
export function escapeSlackText(text: string): string {
  return text.replace(/&/gu, '&amp;').replace(/</gu, '&lt;').replace(/>/gu, '&gt;');
}

/**
 * Text shown as written in mrkdwn. Beyond escaping: formatting characters that could pair up are replaced
 * by look-alikes. Slack offers no escape for them, and a zero-width space would not help (Slack counts it
 * as a word boundary, so it enables formatting rather than stopping it); look-alikes cost nothing and read
 * the same. Bare URLs are left as written, and a word joiner after `@` keeps `@here` and friends inert.
 * A `>` at the start of a line still shows as a quote (it is `&gt;` once escaped, which Slack quotes too):
 * harmless, and usually what the author meant.
 */
export function escapeMrkdwn(text: string): string {
  let escaped = '';
  let last = 0;
  for (const match of text.matchAll(BARE_URL)) {
    escaped += defuseFormatting(text.slice(last, match.index)) + escapeSlackText(match[0]);
    last = match.index + match[0].length;
  }
  return escaped + defuseFormatting(text.slice(last));
}

/**
 * A link to `url` showing `label` (raw text, escaped here). Only http(s) URLs are linked, anything else shows
 * the label alone; characters that could end the token or move its `|` are percent-encoded, and `&` is written
 * `&amp;` as Slack itself writes it inside links.
 */
export function slackLink(url: string, label: string): string {
  const text = escapeMrkdwn(label);
  if (!/^https?:\/\//iu.test(url)) return text;
  const target = escapeSlackText(url.replace(URL_BREAKERS, (character) => encodeURIComponent(character)));
  return text === '' ? `<${target}>` : `<${target}|${text}>`;
}

function defuseFormatting(text: string): string {
  return escapeSlackText(text)
    .replace(LIVE_FORMATTING, (marker) => FORMATTING_LOOK_ALIKES[marker] ?? marker)
    .replace(BARE_BROADCAST, `@${WORD_JOINER}`);
}
