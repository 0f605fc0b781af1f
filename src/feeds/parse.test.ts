import { describe, expect, it } from 'vitest';
import { HeraldError } from '../errors.ts';
import { FeedParseError, parseFeed } from './parse.ts';

const URL = 'https://example.com/feed';

function errorOf(text: string): FeedParseError {
  try {
    parseFeed(text, URL);
  } catch (error) {
    if (error instanceof FeedParseError) return error;
    throw error;
  }
  throw new Error('expected a FeedParseError');
}

describe('parseFeed: detection', () => {
  it.each([
    ['RSS 2.0', '<rss version="2.0"><channel><title>x</title></channel></rss>', 'rss'],
    ['RSS 1.0', '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"><channel><title>x</title></channel></rdf:RDF>', 'rss'],
    ['RSS 0.90', '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://my.netscape.com/rdf/simple/0.9/"><channel><title>x</title></channel></rdf:RDF>', 'rss'],
    ['Atom 1.0', '<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title></feed>', 'atom'],
    ['Atom 0.3', '<feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>x</title></feed>', 'atom'],
    ['prefixed Atom', '<a:feed xmlns:a="http://www.w3.org/2005/Atom"><a:title>x</a:title></a:feed>', 'atom'],
    ['JSON Feed', '{"version":"https://jsonfeed.org/version/1.1","title":"x","items":[]}', 'json'],
    ['a feed after a BOM, blank lines, comments and a DOCTYPE', '\uFEFF\n\n<?xml version="1.0"?><!-- c --><!DOCTYPE rss [<!ENTITY a "b">]><rss><channel><title>x</title></channel></rss>', 'rss'],
  ])('recognises %s', (_, text, format) => {
    expect(parseFeed(text, URL)).toMatchObject({ format, title: 'x' });
  });

  it.each([
    ['an HTML page', '<!DOCTYPE html><html><head><title>Home</title></head><body><p>Hi</body></html>'],
    ['unknown XML', '<note><to>Tove</to></note>'],
    ['an empty document', ''],
    ['a blank document', '  \n\t '],
    ['a document with only a comment', '<?xml version="1.0"?><!-- nothing -->'],
    ['plain text', 'Hello, world'],
    ['JSON that is not a JSON Feed', '{"verion":"1.0"}'],
    ['an Atom entry document', '<entry xmlns="http://www.w3.org/2005/Atom"><title>x</title></entry>'],
  ])('says not-a-feed for %s', (_, text) => {
    expect(errorOf(text).code).toBe('not-a-feed');
  });

  it.each([
    ['broken JSON', '{"version": "https://jsonfeed.org/version/1", "items": ['],
    ['an unclosed CDATA section', '<rss><channel><title><![CDATA[never closed</title></channel></rss>'],
    ['nesting deeper than any feed', `<rss><channel><item><description>${'<div>'.repeat(400)}</description></item></channel></rss>`.replace('<description>', '<x>')],
  ])('says malformed for %s', (_, text) => {
    expect(errorOf(text).code).toBe('malformed');
  });

  it('makes an error for two readers', () => {
    const error = errorOf('<html><body>page</body></html>');
    expect(error).toBeInstanceOf(HeraldError);
    expect(error.message).toContain(URL);
    expect(error.userMessage).toMatch(/not point to an RSS, Atom or JSON feed/);
  });
});

describe('parseFeed: lenient XML', () => {
  it('reads a document cut off inside its last tag', () => {
    expect(parseFeed('<rss><channel><title>cut</title><item><title>i</title></item></channel></rss', URL).items).toHaveLength(1);
  });

  it('reads entities declared in the DOCTYPE, without expanding them recursively', () => {
    const feed = parseFeed(
      `<!DOCTYPE rss [<!ENTITY id "tag:example.com,"><!ENTITY a "&b;&b;"><!ENTITY b "x">]>
       <rss><channel><title>&a;</title><item><guid isPermaLink="false">&id;2006:/blog/</guid></item></channel></rss>`,
      URL,
    );
    expect(feed.items[0]?.id).toBe('tag:example.com,2006:/blog/');
    expect(feed.title).toBe('&b;&b;');
  });

  it('reads HTML entities that XML does not declare', () => {
    expect(parseFeed('<rss><channel><title>caf&eacute; &mdash; &nbsp;ok &bogus;</title></channel></rss>', URL).title).toBe('café — ok &bogus;');
  });

  it('drops control characters XML forbids', () => {
    expect(parseFeed('<rss><channel><title>ab\u0008cd\u0000</title></channel></rss>', URL).title).toBe('abcd');
  });

  it('keeps markup written unescaped inside a description', () => {
    const item = parseFeed(
      '<rss><channel><item><description>Intro <p>Para with <a href="/x">a link</a> &amp; 1 &lt; 2</p><![CDATA[<i>cdata</i>]]></description></item></channel></rss>',
      URL,
    ).items[0];
    expect(item?.summary).toBe('Intro Para with a link & 1 < 2 cdata');
  });

  it('reads a description whose end tag is missing the ordinary way', () => {
    const feed = parseFeed('<rss><channel><title>t</title><item><description>never closed</item></channel></rss>', URL);
    expect(feed.title).toBe('t');
  });
});

describe('parseFeed: robustness', () => {
  const hostile = [
    '<rss><channel><item>'.repeat(50),
    '<rss><channel><title>'.concat('<'.repeat(100_000)),
    `<rss><channel><item><description>${'&lt;a "'.repeat(50_000)}</description></item></channel></rss>`,
    `<rss><channel><item><description>${'<img src="'.repeat(50_000)}</description></item></channel></rss>`,
    '<rss><constructor>x</constructor><__proto__>y</__proto__></rss>',
    '<rss><channel><item><pubDate>Thu, 99 Foo 2004 99:99:99 XYZ</pubDate><link>::::</link></item></channel></rss>',
    '{"version":"https://jsonfeed.org/version/1","items":{"not":"an array"}}',
    '{"items":[{"date_published":"2024-99-99","url":"javascript:alert(1)","image":"data:image/png;base64,AAAA"}]}',
    '[]',
    '<feed xmlns="http://www.w3.org/2005/Atom"><entry><content type="xhtml"><div><div><div>',
  ];

  it.each(hostile.map((text, index) => [index, text]))('throws only FeedParseError and never hangs (case %i)', (_, text) => {
    const started = performance.now();
    try {
      const feed = parseFeed(text, URL);
      for (const item of feed.items) {
        for (const date of [item.published, item.updated]) if (date !== undefined) expect(Number.isNaN(date.getTime())).toBe(false);
        if (item.link !== undefined) expect(item.link).toMatch(/^https?:/);
        if (item.image !== undefined) expect(item.image).toMatch(/^https?:/);
      }
    } catch (error) {
      expect(error).toBeInstanceOf(FeedParseError);
    }
    expect(performance.now() - started).toBeLessThan(3_000);
  });
});
