import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { makeAtom, makeJsonFeed, makeRss } from './feed-documents.ts';
import type { TestItem } from './feed-documents.ts';
import { parseFeed } from '../../src/feeds/parse.ts';

const TRICKY = `Tom & Jerry <3 "quotes" 'apostrophes' ]]> é`;
const ITEMS: TestItem[] = [
  {
    title: TRICKY,
    link: 'https://example.com/posts/1?a=1&b=2',
    guid: 'post-1',
    description: '<p>Hello <b>world</b> &amp; friends</p>',
    pubDate: new Date('2024-05-01T10:00:00Z'),
    categories: ['rust', 'a & b'],
    author: 'Ann <ann@example.com>',
  },
  { title: 'Plain', link: 'https://example.com/posts/2', guid: 'https://example.com/posts/2' },
];

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (name) => ['item', 'entry', 'category'].includes(name) });

describe('makeRss', () => {
  const xml = makeRss(ITEMS, { title: 'News & Views', link: 'https://example.com/', ttlMinutes: 30 });
  const channel = parser.parse(xml).rss.channel;

  it('is well-formed XML', () => {
    expect(XMLValidator.validate(xml)).toBe(true);
  });

  it('reads back every field as written', () => {
    expect(channel.title).toBe('News & Views');
    expect(channel.ttl).toBe(30);
    const [first, second] = channel.item;
    expect(first).toMatchObject({
      title: TRICKY,
      link: 'https://example.com/posts/1?a=1&b=2',
      guid: { '#text': 'post-1', '@isPermaLink': 'false' },
      description: '<p>Hello <b>world</b> &amp; friends</p>',
      pubDate: 'Wed, 01 May 2024 10:00:00 GMT',
      category: ['rust', 'a & b'],
      'dc:creator': 'Ann <ann@example.com>',
    });
    expect(second.guid['@isPermaLink']).toBe('true');
  });
});

describe('makeAtom', () => {
  const xml = makeAtom(ITEMS, { title: 'Atom & Eve' });
  const feed = parser.parse(xml).feed;

  it('is well-formed XML with the required feed elements', () => {
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(feed['@xmlns']).toBe('http://www.w3.org/2005/Atom');
    expect(feed.title).toBe('Atom & Eve');
    expect(feed.id).toBe('https://example.com/');
    expect(feed.updated).toBe('2024-05-01T10:00:00.000Z');
  });

  it('reads back every entry field as written', () => {
    const [first, second] = feed.entry;
    expect(first).toMatchObject({
      title: TRICKY,
      link: { '@href': 'https://example.com/posts/1?a=1&b=2', '@rel': 'alternate' },
      id: 'post-1',
      published: '2024-05-01T10:00:00.000Z',
      author: { name: 'Ann <ann@example.com>' },
      category: [{ '@term': 'rust' }, { '@term': 'a & b' }],
      summary: { '#text': '<p>Hello <b>world</b> &amp; friends</p>', '@type': 'html' },
    });
    expect(second.id).toBe('https://example.com/posts/2');
    expect(second.updated).toBe('2024-05-01T10:00:00.000Z');
  });
});

describe('makeJsonFeed', () => {
  it('is JSON Feed 1.1 with the items as written', () => {
    const feed = JSON.parse(makeJsonFeed(ITEMS));
    expect(feed.version).toBe('https://jsonfeed.org/version/1.1');
    expect(feed.items[0]).toEqual({
      id: 'post-1',
      title: TRICKY,
      url: 'https://example.com/posts/1?a=1&b=2',
      content_html: '<p>Hello <b>world</b> &amp; friends</p>',
      date_published: '2024-05-01T10:00:00.000Z',
      authors: [{ name: 'Ann <ann@example.com>' }],
      tags: ['rust', 'a & b'],
    });
  });
});

describe('item images', () => {
  it("reach Herald's parser in every format", () => {
    const items: TestItem[] = [{ title: 'Pictured', link: 'https://example.com/p', guid: 'p', image: 'https://example.com/p.png?a=1&b=2' }];
    for (const document of [makeRss(items), makeAtom(items), makeJsonFeed(items)]) {
      expect(parseFeed(document, 'https://example.com/feed').items[0]?.image).toBe('https://example.com/p.png?a=1&b=2');
    }
  });
});
