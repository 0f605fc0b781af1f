/**
 * Renders a neutral Message as the body of a Slack chat.postMessage call (without `channel`, which the sender
 * adds): a section with the linked title in bold and the summary, the item's image beside it, a context line
 * with feed, author and date, and a plain `text` fallback for notifications. Every piece of feed text is escaped
 * (mrkdwn.ts), so nothing in a feed can ping, mention or link; every text stays within Slack's limits. Returns
 * plain JSON; sending it is the sender's job.
 */
import { fitText } from '../../format/fit-text.ts';
import type { Message } from '../../format/message.ts';
import { renderBody } from '../../format/template.ts';
import type { TemplateStyle } from '../../format/template.ts';
import { truncateText } from '../../format/truncate.ts';
import { escapeMrkdwn, escapeSlackText, slackLink } from './mrkdwn.ts';

/** A mrkdwn text object. `verbatim` stops Slack linking bare URLs, channel names and mentions on its own. */
export interface SlackMrkdwnText {
  type: 'mrkdwn';
  text: string;
  verbatim: true;
}

export interface SlackImageElement {
  type: 'image';
  image_url: string;
  alt_text: string;
}

export interface SlackSectionBlock {
  type: 'section';
  text: SlackMrkdwnText;
  accessory?: SlackImageElement;
}

export interface SlackContextBlock {
  type: 'context';
  elements: SlackMrkdwnText[];
}

export type SlackBlock = SlackSectionBlock | SlackContextBlock;

export interface SlackMessagePayload {
  /** Plain fallback for notifications and clients that cannot show blocks. */
  text: string;
  blocks: SlackBlock[];
  unfurl_links: false;
  unfurl_media: false;
  /** Neither turns `@name` or `#channel` written in the text into mentions or links. */
  link_names: false;
  parse: 'none';
}

/** Slack's limits Herald enforces, in UTF-16 code units (Block Kit's documented maximums where Slack has one). */
export const SLACK_LIMITS = {
  /** A section's text object. */
  sectionText: 3000,
  /** A context block's mrkdwn element. */
  contextText: 3000,
  /** Feed title or author in the context line; two of them and the date stay well within contextText. */
  contextPart: 1000,
  /** An image element's alt_text. */
  altText: 2000,
  /** An image element's image_url; a longer one is left out rather than refused. */
  imageUrl: 3000,
  /** The top-level `text` fallback (Slack cuts text at 40,000; a notification shows far less). */
  fallbackText: 3000,
} as const;

const CONTEXT_SEPARATOR = ' · ';
const FALLBACK_SEPARATOR = ' — ';
const ELLIPSIS = '…';

export function renderSlackMessage(message: Message): SlackMessagePayload {
  const section: SlackSectionBlock = { type: 'section', text: mrkdwn(sectionText(message)) };
  const image = imageAccessory(message);
  if (image !== undefined) section.accessory = image;
  const context = contextText(message);
  const blocks: SlackBlock[] = context === '' ? [section] : [section, { type: 'context', elements: [mrkdwn(context)] }];
  // The subscription's user group, the one mention Herald makes: its own block and the start of the notification text.
  const mention = userGroupMention(message.mentionRoleId);
  return {
    text: mention === undefined ? fallbackText(message) : `${mention} ${fallbackText(message, SLACK_LIMITS.fallbackText - mention.length - 1)}`,
    blocks: mention === undefined ? blocks : [{ type: 'section', text: mrkdwn(mention) }, ...blocks],
    unfurl_links: false,
    unfurl_media: false,
    link_names: false,
    parse: 'none',
  };
}

/**
 * The bold (linked) title, then the summary or the subscription's template filled in: the body is cut first, the
 * title only when it alone is too long.
 */
function sectionText(message: Message): string {
  const max = SLACK_LIMITS.sectionText;
  const heading = headingText(message, max);
  const room = max - heading.length - 1;
  const body = room > 0 ? slackBody(message, room) : '';
  // A summary cut down to its ellipsis says nothing: leave it out.
  return body === '' || body === ELLIPSIS ? heading : `${heading}\n${body}`;
}

/** What goes under the title: the summary, or the template filled in; at most `max` characters. */
export function slackBody(message: Message, max: number): string {
  return renderBody(message, SLACK_TEMPLATE_STYLE, max);
}

/**
 * A template's own text is the manager's mrkdwn (bold, italics, quotes, code), with Slack's control characters
 * escaped so that it cannot write a `<!channel>`, a mention or a link; feed values are escaped as everywhere.
 */
const SLACK_TEMPLATE_STYLE: TemplateStyle = {
  literal: escapeSlackText,
  text: escapeMrkdwn,
  link: (url) => slackLink(url, ''),
  date: (date) => dateToken(date).join(''),
};

function headingText(message: Message, max: number): string {
  const { url } = message;
  // A URL too long to leave room for any title is dropped rather than the whole message refused.
  const linked = url === undefined ? '' : fitText(message.title, max, (title) => `*${slackLink(url, title)}*`);
  return linked !== '' ? linked : fitText(message.title, max, (title) => `*${escapeMrkdwn(title)}*`);
}

function imageAccessory(message: Message): SlackImageElement | undefined {
  const url = message.imageUrl;
  if (url === undefined || !/^https?:\/\//iu.test(url) || url.length > SLACK_LIMITS.imageUrl) return undefined;
  return { type: 'image', image_url: url, alt_text: truncateText(plainAltText(message.title), SLACK_LIMITS.altText) };
}

/**
 * alt_text is plain text that Slack shows as given (entities would be read out), and Slack asks for no markup in
 * it: angle brackets become look-alikes, so nothing reading it can take feed text for a `<!channel>` token.
 */
function plainAltText(title: string): string {
  return title.replaceAll('<', '\u2039').replaceAll('>', '\u203a');
}

function contextText(message: Message): string {
  const parts = [message.feedTitle, message.author ?? '']
    .filter((part) => part !== '')
    .map((part) => fitText(part, SLACK_LIMITS.contextPart, escapeMrkdwn));
  if (message.timestamp !== undefined) parts.push(...dateToken(message.timestamp));
  // Two parts of at most contextPart and a date token never reach contextText: nothing here needs cutting.
  return parts.join(CONTEXT_SEPARATOR);
}

/**
 * Slack's date token, which each reader sees in their own time zone and language, with a fixed UTC text for
 * clients that cannot render it. A date before 1970 is given as the UTC text alone rather than risk a negative
 * timestamp in the token.
 */
function dateToken(date: Date): string[] {
  const milliseconds = date.getTime();
  if (Number.isNaN(milliseconds)) return [];
  const utc = `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  if (milliseconds < 0) return [utc];
  return [`<!date^${Math.floor(milliseconds / 1000)}^{date_short_pretty} {time}|${utc}>`];
}

/** "title — url", or the title alone when there is no link or it would crowd the title out. */
function fallbackText(message: Message, max: number = SLACK_LIMITS.fallbackText): string {
  const link = message.url !== undefined && /^https?:\/\//iu.test(message.url) ? FALLBACK_SEPARATOR + escapeSlackText(message.url) : '';
  if (link !== '' && link.length <= max / 2) return fitText(message.title, max - link.length, escapeMrkdwn) + link;
  return fitText(message.title, max, escapeMrkdwn);
}

/** Slack user group ids are S followed by capitals and digits; anything else is not a mention Herald makes. */
const USER_GROUP_ID = /^S[A-Z0-9]{2,30}$/u;

function userGroupMention(id: string | undefined): string | undefined {
  return id !== undefined && USER_GROUP_ID.test(id) ? `<!subteam^${id}>` : undefined;
}

function mrkdwn(text: string): SlackMrkdwnText {
  return { type: 'mrkdwn', text, verbatim: true };
}
