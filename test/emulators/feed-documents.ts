/**
 * Builds small, valid feed documents for tests: RSS 2.0, Atom 1.0 and JSON Feed 1.1 from a list
 * of items. Every text is escaped, so a title such as `Tom & Jerry <3` arrives as written.
 */

export interface TestItem {
  readonly title: string;
  readonly link?: string;
  readonly guid?: string;
  /** Text or HTML; it is escaped into the document and reads back unchanged. */
  readonly description?: string;
  readonly pubDate?: Date;
  readonly categories?: readonly string[];
  readonly author?: string;
  /** The item's picture (media:thumbnail in RSS and Atom, `image` in JSON Feed). */
  readonly image?: string;
}

export interface TestFeedOptions {
  readonly title?: string;
  /** The site's home page. */
  readonly link?: string;
  /** RSS only: <ttl> in minutes. */
  readonly ttlMinutes?: number;
}

const DEFAULT_TITLE = 'Test Feed';
const MEDIA_NAMESPACE = 'http://search.yahoo.com/mrss/';
const DEFAULT_LINK = 'https://example.com/';

/** Escapes text for XML element content and double- or single-quoted attributes. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[char]};`);
}

function element(name: string, text: string | undefined, attributes = ''): string {
  return text === undefined ? '' : `<${name}${attributes}>${escapeXml(text)}</${name}>`;
}

function thumbnail(item: TestItem): string {
  return item.image === undefined ? '' : `<media:thumbnail url="${escapeXml(item.image)}"/>`;
}

export function makeRss(items: readonly TestItem[], options: TestFeedOptions = {}): string {
  const entries = items.map((item) =>
    [
      '    <item>',
      element('title', item.title),
      element('link', item.link),
      // A guid that is not the item's URL must say so, or readers take it for a permalink.
      item.guid === undefined ? '' : element('guid', item.guid, ` isPermaLink="${item.guid === item.link ? 'true' : 'false'}"`),
      element('description', item.description),
      element('pubDate', item.pubDate?.toUTCString()),
      element('dc:creator', item.author),
      ...(item.categories ?? []).map((category) => element('category', category)),
      thumbnail(item),
      '</item>',
    ].join(''),
  );
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="${MEDIA_NAMESPACE}">`,
    '  <channel>',
    `    ${element('title', options.title ?? DEFAULT_TITLE)}`,
    `    ${element('link', options.link ?? DEFAULT_LINK)}`,
    `    ${element('description', `Items of ${options.title ?? DEFAULT_TITLE}`)}`,
    options.ttlMinutes === undefined ? '' : `    ${element('ttl', String(options.ttlMinutes))}`,
    ...entries,
    '  </channel>',
    '</rss>',
    '',
  ]
    .filter((line) => line !== '')
    .join('\n');
}

export function makeAtom(items: readonly TestItem[], options: TestFeedOptions = {}): string {
  const link = options.link ?? DEFAULT_LINK;
  const dates = items.map((item) => item.pubDate?.getTime() ?? 0);
  const feedUpdated = new Date(Math.max(0, ...dates));
  const entries = items.map((item, index) => {
    const id = item.guid ?? item.link ?? `${link}#entry-${index + 1}`;
    const updated = (item.pubDate ?? feedUpdated).toISOString();
    return [
      '  <entry>',
      element('title', item.title),
      item.link === undefined ? '' : `<link rel="alternate" href="${escapeXml(item.link)}"/>`,
      element('id', id),
      element('updated', updated),
      item.pubDate === undefined ? '' : element('published', updated),
      item.author === undefined ? '' : `<author>${element('name', item.author)}</author>`,
      ...(item.categories ?? []).map((category) => `<category term="${escapeXml(category)}"/>`),
      element('summary', item.description, ' type="html"'),
      thumbnail(item),
      '</entry>',
    ].join('');
  });
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<feed xmlns="http://www.w3.org/2005/Atom" xmlns:media="${MEDIA_NAMESPACE}">`,
    `  ${element('title', options.title ?? DEFAULT_TITLE)}`,
    `  <link rel="alternate" href="${escapeXml(link)}"/>`,
    `  ${element('id', link)}`,
    `  ${element('updated', feedUpdated.toISOString())}`,
    ...entries,
    '</feed>',
    '',
  ].join('\n');
}

export function makeJsonFeed(items: readonly TestItem[], options: TestFeedOptions = {}): string {
  const feed = {
    version: 'https://jsonfeed.org/version/1.1',
    title: options.title ?? DEFAULT_TITLE,
    home_page_url: options.link ?? DEFAULT_LINK,
    items: items.map((item, index) => ({
      id: item.guid ?? item.link ?? String(index + 1),
      title: item.title,
      ...(item.link === undefined ? {} : { url: item.link }),
      ...(item.description === undefined ? {} : { content_html: item.description }),
      ...(item.pubDate === undefined ? {} : { date_published: item.pubDate.toISOString() }),
      ...(item.author === undefined ? {} : { authors: [{ name: item.author }] }),
      ...(item.categories === undefined ? {} : { tags: item.categories }),
      ...(item.image === undefined ? {} : { image: item.image }),
    })),
  };
  return `${JSON.stringify(feed, null, 2)}\n`;
}
