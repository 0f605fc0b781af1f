import { describe, expect, it } from 'vitest';
import type { Item } from './item.ts';
import { parseFeed } from './parse.ts';

const FEED_URL = 'https://example.com/feeds/atom.xml';

function atom(body: string, feedAttributes = ''): ReturnType<typeof parseFeed> {
  return parseFeed(`<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom" ${feedAttributes}>${body}</feed>`, FEED_URL);
}

function entry(body: string, feedBody = ''): Item {
  const feed = atom(`<title>F</title>${feedBody}<entry>${body}</entry>`, 'xmlns:media="http://search.yahoo.com/mrss/"');
  expect(feed.items).toHaveLength(1);
  return feed.items[0] as Item;
}

describe('Atom 1.0', () => {
  it('reads the feed and a complete entry', () => {
    const feed = atom(`
      <title type="html">Example &lt;b&gt;Blog&lt;/b&gt;</title>
      <link rel="self" href="/feeds/atom.xml"/><link href="https://example.com/"/>
      <author><name>Feed Author</name></author>
      <entry>
        <title>Hello</title>
        <id>tag:example.com,2024:1</id>
        <link rel="edit" href="/edit/1"/><link rel="alternate" type="text/html" href="/posts/1"/>
        <published>2024-03-01T12:00:00+01:00</published><updated>2024-03-02T00:00:00Z</updated>
        <category term="rust" label="Rust"/><category term="wasm"/>
        <summary type="html">&lt;p&gt;The &lt;em&gt;summary&lt;/em&gt;&lt;/p&gt;</summary>
        <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Body <a href="/x">link</a></p></div></content>
      </entry>`);
    expect(feed).toMatchObject({ format: 'atom', title: 'Example Blog', link: 'https://example.com/' });
    expect(feed.items[0]).toEqual({
      feedUrl: FEED_URL,
      id: 'tag:example.com,2024:1',
      title: 'Hello',
      link: 'https://example.com/posts/1',
      published: new Date('2024-03-01T11:00:00Z'),
      updated: new Date('2024-03-02T00:00:00Z'),
      author: 'Feed Author',
      categories: ['Rust', 'wasm'],
      summary: 'The summary',
      contentHtml: '<p>Body <a href="/x">link</a></p>',
    });
  });

  it.each([
    ['text, keeping what looks like markup', '<title>History of the &lt;blink&gt; tag</title>', 'History of the <blink> tag'],
    ['html, as its text', '<title type="html">History of the &amp;lt;blink&amp;gt; tag &lt;b&gt;now&lt;/b&gt;</title>', 'History of the <blink> tag now'],
    ['xhtml, as its text (never an object)', '<title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Example <b>Atom</b> &amp; co</div></title>', 'Example Atom & co'],
    ['html in CDATA', '<title type="html"><![CDATA[A <i>CDATA</i> &amp; title]]></title>', 'A CDATA & title'],
    ['base64 of a binary MIME type', '<title type="application/octet-stream">PHA+RW50cnkgVGl0bGU8L3A+</title>', '<p>Entry Title</p>'],
    ['an unknown type, as text', '<title type="application/x-custom">test</title>', 'test'],
  ])('reads a title of type %s', (_, element, title) => {
    expect(entry(element).title).toBe(title);
  });

  it.each([
    ['alternate text/html before other alternates', '<link href="/a.xml" type="application/atom+xml"/><link rel="alternate" type="text/html" href="/a.html"/>', 'https://example.com/a.html'],
    ['a link without rel', '<link rel="replies" href="/comments"/><link href="/post"/>', 'https://example.com/post'],
    ['nothing when only self/edit links exist', '<link rel="self" href="/self"/><link rel="edit" href="/edit"/>', undefined],
  ])('chooses the link: %s', (_, links, link) => {
    expect(entry(links).link).toBe(link);
  });

  it('resolves links through xml:base on the feed, the entry and the link', () => {
    const feed = atom(
      `<title>F</title>
       <entry xml:base="posts/"><link href="one"/></entry>
       <entry><link xml:base="https://other.example/dir/" href="two"/></entry>
       <entry xml:base="javascript:evil()"><link href="three"/></entry>`,
      'xml:base="https://cdn.example.org/blog/"',
    );
    expect(feed.items.map((item) => item.link)).toEqual([
      'https://cdn.example.org/blog/posts/one',
      'https://other.example/dir/two',
      'https://cdn.example.org/blog/three',
    ]);
  });

  it('resolves a relative id through xml:base, leaves other ids as written', () => {
    const feed = atom('<entry><id>relative/link</id></entry><entry><id>urn:uuid:ABC</id></entry><entry><id>right</id></entry>', 'xml:base="http://example.com/test/"');
    expect(feed.items.map((item) => item.id)).toEqual(['http://example.com/test/relative/link', 'urn:uuid:ABC', 'right']);
  });

  it('takes the entry author, else the source author, else the feed author', () => {
    const feed = atom(`
      <author><name>Feed</name></author>
      <entry><author><name>Entry</name></author></entry>
      <entry><source><author><name>Source</name></author></source></entry>
      <entry></entry>`);
    expect(feed.items.map((item) => item.author)).toEqual(['Entry', 'Source', 'Feed']);
  });

  it('uses a text summary as written and the content when there is no summary', () => {
    expect(entry('<summary>1 &lt; 2, always</summary>').summary).toBe('1 < 2, always');
    expect(entry('<content type="html">&lt;p&gt;From content&lt;/p&gt;</content>')).toMatchObject({ summary: 'From content', contentHtml: '<p>From content</p>' });
  });

  it('reads YouTube-style media groups for the image and description', () => {
    const item = entry(`<title>Video</title><media:group><media:title>Video</media:title>
      <media:thumbnail url="https://i.ytimg.com/vi/x/hq.jpg" width="480" height="360"/>
      <media:description>What the video is about</media:description></media:group>`);
    expect(item).toMatchObject({ image: 'https://i.ytimg.com/vi/x/hq.jpg', summary: 'What the video is about' });
  });

  it('takes an image enclosure link, else the first <img> of the content', () => {
    expect(entry('<link rel="enclosure" type="image/png" href="/cover.png"/>').image).toBe('https://example.com/cover.png');
    const item = entry('<content type="html" xml:base="https://img.example/"><![CDATA[<p><img src="a.jpg"></p>]]></content>');
    expect(item.image).toBe('https://img.example/a.jpg');
  });
});

describe('Atom 0.3', () => {
  it('reads escaped and base64 modes and the 0.3 date names', () => {
    const feed = parseFeed(
      `<feed version="0.3" xmlns="http://purl.org/atom/ns#">
        <title mode="escaped" type="text/html">Old &lt;b&gt;feed&lt;/b&gt;</title>
        <link rel="alternate" type="text/html" href="https://old.example/"/>
        <entry>
          <title mode="base64" type="text/html">RXhhbXBsZSA8Yj5BdG9tPC9iPg==</title>
          <issued>2003-12-31T10:14:55Z</issued><modified>2004-01-01T19:48:21Z</modified>
          <summary type="application/xhtml+xml" mode="xml"><div xmlns="http://www.w3.org/1999/xhtml">x &#x41;</div></summary>
        </entry>
      </feed>`,
      FEED_URL,
    );
    expect(feed).toMatchObject({ format: 'atom', title: 'Old feed', link: 'https://old.example/' });
    expect(feed.items[0]).toMatchObject({
      title: 'Example Atom',
      published: new Date('2003-12-31T10:14:55Z'),
      updated: new Date('2004-01-01T19:48:21Z'),
      summary: 'x A',
    });
  });

  it('reads a feed that forgot its namespace', () => {
    const feed = parseFeed('<feed><title>Plain</title><entry><title>e</title><link href="/e"/></entry></feed>', FEED_URL);
    expect(feed.items[0]).toMatchObject({ title: 'e', link: 'https://example.com/e' });
  });
});
