/**
 * Renders a neutral Message as the body of a Discord "create message" request: one embed within
 * Discord's limits, feed text unable to inject markdown or mentions, and `allowed_mentions` that lets
 * nothing ping except the optional role this subscription asked for. Returns a plain JSON payload;
 * sending it is the adapter's job.
 */
import { createHash } from 'node:crypto';
import { HeraldError } from '../../errors.ts';
import { fitText } from '../../format/fit-text.ts';
import type { Message } from '../../format/message.ts';
import { renderBody } from '../../format/template.ts';
import type { TemplateStyle } from '../../format/template.ts';

export interface DiscordEmbed {
  title: string;
  url?: string;
  description?: string;
  color: number;
  author?: { name: string };
  image?: { url: string };
  footer: { text: string };
  timestamp?: string;
}

export interface DiscordMessagePayload {
  content?: string;
  embeds: DiscordEmbed[];
  allowed_mentions: { parse: []; roles?: string[] };
  nonce?: string;
  enforce_nonce?: boolean;
  flags?: number;
}

export interface DiscordRenderOptions {
  /** A role to ping with the post: the only mention Herald ever makes. */
  readonly mentionRoleId?: string;
  /** Identifies one delivery so a retried send is not posted twice (longer ones are hashed to fit). */
  readonly nonce?: string;
}

/** Discord's documented limits, in UTF-16 code units. */
export const DISCORD_LIMITS = {
  title: 256,
  description: 4096,
  authorName: 256,
  footerText: 2048,
  embedTotal: 6000,
  nonce: 25,
} as const;

const EMBED_COLOR = 0xf26522;
const ZERO_WIDTH_SPACE = '\u200b';
const SNOWFLAKE = /^\d{1,20}$/u;
/** The URL rule Discord's markdown applies first: text it matches is a link, never formatting. */
const DISCORD_URL = /https?:\/\/[^\s<]+[^<.,:;"')\]\s]/gu;

export function renderDiscordMessage(message: Message, options: DiscordRenderOptions = {}): DiscordMessagePayload {
  const title = fitText(message.title, DISCORD_LIMITS.title, escapeTitle);
  const footerText = fitText(message.feedTitle, DISCORD_LIMITS.footerText, neutraliseMentions);
  // Author names and footers are shown as typed, not as markdown: escaping there would show backslashes.
  const authorName = message.author === undefined ? '' : fitText(message.author, DISCORD_LIMITS.authorName, neutraliseMentions);
  const room = DISCORD_LIMITS.embedTotal - title.length - footerText.length - authorName.length;
  const description = discordDescription(message, Math.min(DISCORD_LIMITS.description, room));

  const embed: DiscordEmbed = {
    title,
    ...(message.url === undefined ? {} : { url: message.url }),
    ...(description === '' ? {} : { description }),
    color: EMBED_COLOR,
    ...(authorName === '' ? {} : { author: { name: authorName } }),
    ...(message.imageUrl === undefined ? {} : { image: { url: message.imageUrl } }),
    footer: { text: footerText },
    ...(message.timestamp === undefined ? {} : { timestamp: message.timestamp.toISOString() }),
  };

  const payload: DiscordMessagePayload = { embeds: [embed], allowed_mentions: { parse: [] } };
  if (options.mentionRoleId !== undefined) {
    const roleId = checkRoleId(options.mentionRoleId);
    payload.content = `<@&${roleId}>`;
    payload.allowed_mentions.roles = [roleId];
  }
  if (options.nonce !== undefined && options.nonce !== '') {
    payload.nonce = fitNonce(options.nonce);
    payload.enforce_nonce = true;
  }
  return payload;
}

/**
 * The embed's description: the summary, or the subscription's template filled in (the embed keeps its linked
 * title, author, image, feed footer and timestamp either way).
 */
export function discordDescription(message: Message, max: number): string {
  return renderBody(message, DISCORD_TEMPLATE_STYLE, max);
}

/**
 * A template's own text is the manager's markdown, kept as written but unable to mention anyone (the role
 * mention is the only ping); feed values are escaped; a link is percent-encoded where it could end a masked link
 * `[label]({link})` or start formatting; a date is Discord's timestamp, shown in each reader's time zone.
 */
const DISCORD_TEMPLATE_STYLE: TemplateStyle = {
  literal: neutraliseMentions,
  text: escapeMarkdown,
  link: (url) => url.replace(/[\s()[\]<>*_~|`"\\]/gu, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`),
  date: (date) => {
    const seconds = Math.floor(date.getTime() / 1000);
    return seconds >= 0 ? `<t:${seconds}:f>` : `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  },
};

/**
 * Escapes everything Discord would read as markdown, except inside bare URLs (Discord links those
 * before any formatting, and a backslash there would break the link), and defuses mentions.
 */
export function escapeMarkdown(text: string): string {
  let escaped = '';
  let last = 0;
  for (const match of text.matchAll(DISCORD_URL)) {
    escaped += escapeInline(text.slice(last, match.index)) + match[0];
    last = match.index + match[0].length;
  }
  escaped += escapeInline(text.slice(last));
  return escapeLineStarts(escaped);
}

/** Puts a zero-width space where Discord would otherwise see a mention, so none parses or pings. */
export function neutraliseMentions(text: string): string {
  return text
    .replace(/@(?=everyone|here)/giu, `@${ZERO_WIDTH_SPACE}`)
    .replace(/<(?=[@#/])/gu, `<${ZERO_WIDTH_SPACE}`);
}

/**
 * Embed titles render bold, italics, strikethrough, code and spoilers, but not masked links or line-start
 * markup: those are escaped (a bracket stays as typed).
 */
function escapeTitle(text: string): string {
  return neutraliseMentions(text.replace(/[\\*_~`|]/gu, '\\$&'));
}

/** Bold, italics, underline, strikethrough, code, spoilers, masked links; backslash first of all. */
function escapeInline(text: string): string {
  return neutraliseMentions(text.replace(/[\\*_~`|[\]]/gu, '\\$&'));
}

/** Block quotes, headings, subtext (-#) and lists only count at the start of a line. */
function escapeLineStarts(text: string): string {
  return text.replace(/^([ \t]*)([#>+-])/gmu, '$1\\$2').replace(/^([ \t]*\d+)\./gmu, '$1\\.');
}

function checkRoleId(roleId: string): string {
  if (!SNOWFLAKE.test(roleId)) {
    throw new HeraldError('discord.invalid_role_id', `Role id to mention is not a Discord snowflake: ${JSON.stringify(roleId)}`, {
      userMessage: 'The role to mention is not a valid Discord role id.',
    });
  }
  return roleId;
}

/** Same delivery, same nonce: a long id is replaced by a stable digest of it. */
function fitNonce(nonce: string): string {
  if (nonce.length <= DISCORD_LIMITS.nonce) return nonce;
  return createHash('sha256').update(nonce).digest('base64url').slice(0, DISCORD_LIMITS.nonce);
}
