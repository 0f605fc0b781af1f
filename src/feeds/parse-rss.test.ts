import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeFeedBytes } from './decode.ts';
import type { Item } from './item.ts';
import { parseFeed } from './parse.ts';

const FEED_URL = 'https://example.com/blog/feed.xml';

function rssItems(items: string, namespaces = ''): Item[] {
  return [...parseFeed(`<rss version="2.0" ${namespaces}><channel><title>T</title>${items}</channel></rss>`, FEED_URL).items];
}

function only(items: Item[]): Item {
  expect(items).toHaveLength(1);
  return items[0] as Item;
}

describe('RSS 2.0', () => {
  it('reads the channel: title, home page, ttl', () => {
    const feed = parseFeed(
      `<?xml version="1.0"?><rss version="2.0"><channel><title><![CDATA[News &amp; <b>Views</b>]]></title>
       <link>/</link><ttl>30</ttl><item><title>a</title></item></channel></rss>`,
      FEED_URL,
    );
    expect(feed).toMatchObject({ format: 'rss', title: 'News & Views', link: 'https://example.com/', ttlMinutes: 30 });
  });

  it('reads an item completely', () => {
    const item = only(
      rssItems(
        `<item>
          <title>Fish &amp;amp; Chips &#8217;24</title>
          <link>posts/fish</link>
          <guid isPermaLink="false">post-17</guid>
          <pubDate>Tue, 02 Apr 2024 10:00:00 +0200</pubDate>
          <dc:creator>Jo Bloggs</dc:creator>
          <category>Food</category><category> food </category><dc:subject>Food</dc:subject><category>UK</category>
          <description>&lt;p&gt;Short &lt;b&gt;teaser&lt;/b&gt;&lt;/p&gt;</description>
          <content:encoded><![CDATA[<p>Full <img src="/img/fish.jpg"> text</p>]]></content:encoded>
        </item>`,
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/"',
      ),
    );
    expect(item).toEqual({
      feedUrl: FEED_URL,
      id: 'post-17',
      title: 'Fish & Chips ’24',
      link: 'https://example.com/blog/posts/fish',
      published: new Date('2024-04-02T08:00:00Z'),
      author: 'Jo Bloggs',
      categories: ['Food', 'food', 'UK'],
      summary: 'Short teaser',
      contentHtml: '<p>Full <img src="/img/fish.jpg"> text</p>',
      image: 'https://example.com/img/fish.jpg',
    });
  });

  it('resolves links through xml:base on the channel and the item', () => {
    const feed = parseFeed(
      `<rss version="2.0"><channel xml:base="https://cdn.example.org/site/"><title>T</title>
        <item xml:base="posts/"><link>one.html</link></item>
        <item><link xml:base="https://other.example/x/">two.html</link></item>
        <item><link>javascript:alert(1)</link></item>
      </channel></rss>`,
      FEED_URL,
    );
    expect(feed.items.map((item) => item.link)).toEqual([
      'https://cdn.example.org/site/posts/one.html',
      'https://other.example/x/two.html',
      undefined,
    ]);
  });

  it('takes a permalink guid as the link, but not one marked isPermaLink="false"', () => {
    const items = rssItems(`
      <item><guid>https://example.com/p/1</guid></item>
      <item><guid isPermaLink="false">https://example.com/p/2</guid></item>`);
    expect(items.map((item) => [item.id, item.link])).toEqual([
      ['https://example.com/p/1', 'https://example.com/p/1'],
      ['https://example.com/p/2', undefined],
    ]);
  });

  it('prefers FeedBurner’s original link over its redirector', () => {
    const item = only(
      rssItems(
        '<item><link>http://feedproxy.google.com/~r/x/1</link><feedburner:origLink>https://blog.example/1</feedburner:origLink></item>',
        'xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0"',
      ),
    );
    expect(item.link).toBe('https://blog.example/1');
  });

  it.each([
    ['an e-mail with a name', '<author>jo@example.com (Jo Bloggs)</author>', 'Jo Bloggs'],
    ['a bare e-mail', '<author>jo@example.com</author>', 'jo@example.com'],
    ['dc:creator', '<dc:creator>Jo</dc:creator>', 'Jo'],
    ['itunes:author', '<itunes:author>Jo Podcaster</itunes:author>', 'Jo Podcaster'],
  ])('reads the author from %s', (_, element, author) => {
    const namespaces = 'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"';
    expect(only(rssItems(`<item>${element}</item>`, namespaces)).author).toBe(author);
  });

  it.each([
    ['media:thumbnail first', '<description>&lt;img src="/d.png"&gt;</description><enclosure url="/e.jpg" type="image/jpeg"/><media:content url="/c.jpg" medium="image"/><media:thumbnail url="/t.jpg"/>', 'https://example.com/t.jpg'],
    ['media:content that is an image', '<media:content url="/v.mp4" type="video/mp4"/><media:content url="/c.jpg" type="image/jpeg"/>', 'https://example.com/c.jpg'],
    ['a thumbnail inside media:group', '<media:group><media:content url="/v.mp4" medium="video"/><media:thumbnail url="/g.jpg"/></media:group>', 'https://example.com/g.jpg'],
    ['an image enclosure', '<enclosure url="/a.mp3" type="audio/mpeg"/><enclosure url="/e.png" type="image/png"/>', 'https://example.com/e.png'],
    ['itunes:image', '<itunes:image href="https://cdn.example/cover.jpg"/>', 'https://cdn.example/cover.jpg'],
    ['the first <img> of the description, skipping tracking pixels', '<description>&lt;img src="/pixel.gif" width="1" height="1"&gt;&lt;img src="/real.jpg"&gt;</description>', 'https://example.com/real.jpg'],
  ])('picks the image: %s', (_, elements, image) => {
    const namespaces = 'xmlns:media="http://search.yahoo.com/mrss/" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"';
    expect(only(rssItems(`<item><title>x</title>${elements}</item>`, namespaces)).image).toBe(image);
  });

  it('has no image when there is none', () => {
    expect(only(rssItems('<item><title>x</title><enclosure url="/a.mp3" type="audio/mpeg"/></item>')).image).toBeUndefined();
  });

  it('falls back to the content for the summary, and to dc:date for the date', () => {
    const item = only(
      rssItems(
        '<item><content:encoded>&lt;p&gt;Only content&lt;/p&gt;</content:encoded><dc:date>2024-01-02T03:04:05Z</dc:date></item>',
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/"',
      ),
    );
    expect(item.summary).toBe('Only content');
    expect(item.published).toEqual(new Date('2024-01-02T03:04:05Z'));
  });

  it('keeps the namespace, not the prefix: any prefix bound to Dublin Core is Dublin Core', () => {
    const item = only(rssItems('<item><x:creator>Jo</x:creator></item>', 'xmlns:x="http://purl.org/dc/elements/1.1/"'));
    expect(item.author).toBe('Jo');
  });

  it('accepts conventional prefixes nobody declared', () => {
    const item = only(rssItems('<item><dc:creator>Jo</dc:creator><content:encoded>&lt;b&gt;x&lt;/b&gt;</content:encoded></item>'));
    expect(item).toMatchObject({ author: 'Jo', contentHtml: '<b>x</b>' });
  });

  it('skips an unparseable date instead of failing the item', () => {
    expect(only(rssItems('<item><title>x</title><pubDate>sometime soon</pubDate></item>')).published).toBeUndefined();
  });
});

describe('RSS 1.0 (RDF) and 0.9x', () => {
  it('reads items beside the channel, with rdf:about as their id', () => {
    const feed = parseFeed(
      `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
                xmlns:dc="http://purl.org/dc/elements/1.1/">
        <channel rdf:about="https://example.com/"><title>RDF feed</title><link>https://example.com/</link></channel>
        <item rdf:about="https://example.com/1"><title>One</title><link>https://example.com/1</link>
          <dc:date>2003-12-31T10:14:55Z</dc:date><dc:subject>Tag</dc:subject></item>
      </rdf:RDF>`,
      FEED_URL,
    );
    expect(feed.title).toBe('RDF feed');
    expect(feed.items).toHaveLength(1);
    expect(feed.items[0]).toMatchObject({ id: 'https://example.com/1', title: 'One', categories: ['Tag'], published: new Date('2003-12-31T10:14:55Z') });
  });

  it('reads RSS 0.91 with element names in any case', () => {
    const feed = parseFeed('<rss version="0.91"><channel><TiTlE>Old &lt; new</TiTlE><item><TITLE>i</TITLE></item></channel></rss>', FEED_URL);
    expect(feed.title).toBe('Old < new');
    expect(feed.items.map((item) => item.title)).toEqual(['i']);
  });
});

describe('the seed feeds', () => {
  const seed = (name: string) => {
    const bytes = readFileSync(fileURLToPath(new URL(`../../../shared/fixtures/seeds/${name}`, import.meta.url)));
    return parseFeed(decodeFeedBytes(bytes, 'application/rss+xml; charset=utf-8'), `https://${name}.test/feed`);
  };

  it('reads the Forem feed: 12 items with entity-decoded titles, authors, tags and content images', () => {
    const feed = seed('forem-feed.rss');
    expect(feed).toMatchObject({ format: 'rss', title: 'Forem', link: 'https://forem.com/' });
    expect(feed.items).toHaveLength(12);
    const goldman = feed.items.find((item) => item.title.startsWith('2026 Goldman Sachs'));
    expect(goldman?.title).toBe('2026 Goldman Sachs Coding Interview Real Questions & Solutions');
    expect(feed.items[0]).toMatchObject({
      title: "I Tried to Create GPT With Pure Math and No Training — Here's Where It Broke | Shivnath Tathe",
      author: 'Shivnath Tathe',
      categories: ['ai', 'llm', 'openai', 'gpt3'],
      published: new Date('2026-04-17T07:01:29Z'),
    });
    expect(feed.items[0]?.summary.startsWith('The Question What if we skipped training entirely?')).toBe(true);
    expect(feed.items.every((item) => item.link?.startsWith('https://forem.com/') && item.id === item.link)).toBe(true);
    const php = feed.items.find((item) => item.title === 'Why does PHP need asynchrony?');
    expect(php?.image).toMatch(/^https:\/\/media2\.dev\.to\/dynamic\/image\//);
    // Plain text: no markup left and no entity decoded twice or not at all (code samples keep their own '<' and '->').
    expect(feed.items.filter((item) => /<\/?(?:p|h2|code|pre|strong|em|a|img)\b|&(?:lt|gt|amp|quot);/.test(item.summary))).toEqual([]);
    expect(feed.items.some((item) => item.summary.includes('Result<(), Box<dyn std::error::Error>>'))).toBe(true);
  });

  it('reads the techwasti feed: 20 items with CDATA titles, enclosure images and full content', () => {
    const feed = seed('techwasti-feed.rss');
    expect(feed).toMatchObject({ title: 'techwasti', link: 'https://techwasti.com/', ttlMinutes: 60 });
    expect(feed.items).toHaveLength(20);
    expect(feed.items[0]).toMatchObject({
      title: 'Adopting an MCP-First API Design for the Agentic Era | Beyond REST.',
      link: 'https://techwasti.com/adopting-an-mcp-first-api-design-for-the-agentic-era-beyond-rest',
      author: 'Maheshwar Ligade',
      categories: ['mcp', 'genai', 'agentic AI', 'agents', 'Springboot', 'spring ai', 'Java'],
      image: 'https://cdn.hashnode.com/res/hashnode/image/upload/v1771345341450/e1896bc0-45e8-4cda-8e90-e8ad7a215f2d.jpeg',
    });
    expect(feed.items[0]?.contentHtml).toMatch(/^<p>Move beyond traditional RESTful thinking/);
    expect(feed.items.every((item) => item.author === 'Maheshwar Ligade' && item.published !== undefined)).toBe(true);
    expect(feed.items.filter((item) => item.image !== undefined).length).toBeGreaterThanOrEqual(10);
  });
});
