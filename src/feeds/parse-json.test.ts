import { describe, expect, it } from 'vitest';
import { parseFeed } from './parse.ts';

const FEED_URL = 'https://example.org/feed.json';

function jsonFeed(feed: Record<string, unknown>): ReturnType<typeof parseFeed> {
  return parseFeed(JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', title: 'J', ...feed }), FEED_URL);
}

describe('JSON Feed', () => {
  it('reads a 1.1 feed and item completely', () => {
    const feed = jsonFeed({
      title: 'My Example Feed',
      home_page_url: 'https://example.org/',
      items: [
        {
          id: '2',
          url: '/second-item',
          title: 'Second &amp; last',
          content_html: '<p>Hello, <b>world</b>!</p>',
          summary: 'A short summary',
          image: '/images/2.png',
          date_published: '2024-02-01T10:00:00-05:00',
          date_modified: '2024-02-02T10:00:00Z',
          authors: [{ name: 'Ann' }, { name: 'Bob' }],
          tags: ['news', 'news', 7, 'misc'],
        },
      ],
    });
    expect(feed).toMatchObject({ format: 'json', title: 'My Example Feed', link: 'https://example.org/' });
    expect(feed.items[0]).toEqual({
      feedUrl: FEED_URL,
      id: '2',
      title: 'Second &amp; last',
      link: 'https://example.org/second-item',
      published: new Date('2024-02-01T15:00:00Z'),
      updated: new Date('2024-02-02T10:00:00Z'),
      author: 'Ann',
      categories: ['news', 'misc'],
      summary: 'A short summary',
      contentHtml: '<p>Hello, <b>world</b>!</p>',
      image: 'https://example.org/images/2.png',
    });
  });

  it('reads 1.0 fields: author object, numeric ids, banner_image, external_url, content_text', () => {
    const feed = jsonFeed({
      version: 'https://jsonfeed.org/version/1',
      author: { name: 'Feed Author' },
      items: [{ id: 1, external_url: 'https://elsewhere.example/a', content_text: 'Just text', banner_image: 'https://cdn.example/b.jpg' }],
    });
    expect(feed.items[0]).toMatchObject({ id: '1', link: 'https://elsewhere.example/a', summary: 'Just text', author: 'Feed Author', image: 'https://cdn.example/b.jpg' });
  });

  it('falls back to the content for the summary and its first image', () => {
    const feed = jsonFeed({ items: [{ id: 'x', content_html: '<p>Only <img src="/i.gif"> HTML</p>' }] });
    expect(feed.items[0]).toMatchObject({ summary: 'Only HTML', image: 'https://example.org/i.gif' });
  });

  it('drops fields of the wrong type and items that are not objects, keeping the rest', () => {
    const feed = jsonFeed({ items: [{ id: 'a', title: 42, url: ['x'], date_published: 'garbage', tags: 'oops' }, 'not an item', null, { id: 'b', title: 'Fine' }] });
    expect(feed.items.map((item) => [item.id, item.title, item.link, item.published, item.categories])).toEqual([
      ['a', '', undefined, undefined, []],
      ['b', 'Fine', undefined, undefined, []],
    ]);
  });

  it('gives items without an id their link, then a hash', () => {
    const feed = jsonFeed({ items: [{ url: 'https://example.org/1', title: 'One' }, { title: 'Two' }] });
    expect(feed.items[0]?.id).toBe('https://example.org/1');
    expect(feed.items[1]?.id).toMatch(/^sha256:[0-9a-f]{32}$/);
  });
});
