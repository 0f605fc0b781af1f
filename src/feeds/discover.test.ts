import { describe, expect, it } from 'vitest';
import { makeAtom, makeJsonFeed, makeRss } from '../../test/emulators/feed-documents.ts';
import { discoverFeedLinks, looksLikeHtml } from './discover.ts';

const WORDPRESS_PAGE = `<!DOCTYPE html>
<html lang="en-US">
<head>
<meta charset="UTF-8">
<title>Release notes &#8211; Example Blog</title>
<!-- <link rel="alternate" type="application/rss+xml" href="/commented-out/feed/"> -->
<link rel='stylesheet' id='theme-css' href='https://blog.example.com/wp-content/themes/x/style.css?ver=6.4' media='all' />
<link rel="alternate" type="application/rss+xml" title="Example Blog &raquo; Feed" href="https://blog.example.com/feed/" />
<link rel="alternate" type="application/rss+xml" title="Example Blog &raquo; Comments Feed" href="https://blog.example.com/comments/feed/" />
<link rel="https://api.w.org/" href="https://blog.example.com/wp-json/" />
<link rel="alternate" title="JSON" type="application/json" href="https://blog.example.com/wp-json/wp/v2/pages/12" />
<link rel="alternate" type="application/json+oembed" href="https://blog.example.com/wp-json/oembed/1.0/embed?url=x" />
<link rel="alternate" hreflang="de" href="https://blog.example.com/de/" />
<script>document.write('<link rel="alternate" type="application/rss+xml" href="/from-script.xml">');</script>
</head>
<body><a href="/feed/">RSS</a></body>
</html>`;

describe('discoverFeedLinks', () => {
  it('finds the feeds of a WordPress page and nothing else', () => {
    expect(discoverFeedLinks(WORDPRESS_PAGE, 'https://blog.example.com/release-notes/')).toEqual([
      'https://blog.example.com/feed/',
      'https://blog.example.com/comments/feed/',
    ]);
  });

  it.each([
    ['attributes in another order', `<link href="/a.xml" type="application/atom+xml" rel="alternate">`, ['https://site.example/a.xml']],
    ['single quotes', `<link rel='alternate' type='application/rss+xml' href='/b.xml'>`, ['https://site.example/b.xml']],
    ['unquoted values', `<link rel=alternate type=application/rss+xml href=/c/feed/>`, ['https://site.example/c/feed/']],
    ['upper case', `<LINK REL="Alternate" TYPE="Application/RSS+XML" HREF="/d.xml">`, ['https://site.example/d.xml']],
    ['several rel tokens', `<link rel="nofollow alternate" type="application/rss+xml" href="/e.xml">`, ['https://site.example/e.xml']],
    ['a type with parameters', `<link rel="alternate" type="application/atom+xml; charset=utf-8" href="/f.xml">`, ['https://site.example/f.xml']],
    ['spaces and new lines', `<link\n  rel = "alternate"\n  type = "application/feed+json"\n  href = "/feed.json"\n/>`, ['https://site.example/feed.json']],
    ['JSON and RDF feeds', `<link rel="alternate" type="application/json" href="/j.json"><link rel="alternate" type="application/rdf+xml" href="/r.rdf">`, ['https://site.example/j.json', 'https://site.example/r.rdf']],
    ['entities in href', `<link rel="alternate" type="application/rss+xml" href="/feed?cat=1&amp;tag=2">`, ['https://site.example/feed?cat=1&tag=2']],
    ['a protocol-relative href', `<link rel="alternate" type="application/rss+xml" href="//feeds.example.net/x">`, ['https://feeds.example.net/x']],
    ['a relative href against the page', `<link rel="alternate" type="application/rss+xml" href="feed.xml">`, ['https://site.example/blog/feed.xml']],
    ['duplicates', `<link rel="alternate" type="application/rss+xml" href="/g.xml"><link rel="alternate" type="application/rss+xml" href="https://site.example/g.xml">`, ['https://site.example/g.xml']],
    ['a ">" inside a quoted title', `<link rel="alternate" title="News > All" type="application/rss+xml" href="/h.xml">`, ['https://site.example/h.xml']],
    ['no type', `<link rel="alternate" href="/i.xml">`, []],
    ['a stylesheet', `<link rel="alternate stylesheet" type="text/css" href="/dark.css">`, []],
    ['an empty href', `<link rel="alternate" type="application/rss+xml" href="">`, []],
    ['a javascript: href', `<link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">`, []],
    ['a <link> in a comment', `<!-- <link rel="alternate" type="application/rss+xml" href="/old.xml"> -->`, []],
    ['a <linked> tag', `<linked rel="alternate" type="application/rss+xml" href="/no.xml">`, []],
  ])('handles %s', (_name, html, expected) => {
    expect(discoverFeedLinks(`<html><head>${html}</head></html>`, 'https://site.example/blog/page.html')).toEqual(expected);
  });

  it('respects <base href>, only the first one', () => {
    const html = `<head><base href="https://cdn.example.org/site/"><base href="https://ignored.example/">
      <link rel="alternate" type="application/rss+xml" href="feed.xml"></head>`;
    expect(discoverFeedLinks(html, 'https://site.example/page')).toEqual(['https://cdn.example.org/site/feed.xml']);
  });

  it('resolves a relative <base href> against the page', () => {
    const html = `<base href="/news/"><link rel="alternate" type="application/atom+xml" href="atom.xml">`;
    expect(discoverFeedLinks(html, 'https://site.example/a/b')).toEqual(['https://site.example/news/atom.xml']);
  });

  it('keeps document order across head and body', () => {
    const html = `<head><link rel="alternate" type="application/atom+xml" href="/2.xml"></head>
      <body><link rel="alternate" type="application/rss+xml" href="/1.xml"></body>`;
    expect(discoverFeedLinks(html, 'https://site.example/')).toEqual(['https://site.example/2.xml', 'https://site.example/1.xml']);
  });

  it('returns nothing for a page without feeds or for garbage', () => {
    expect(discoverFeedLinks('<html><body>Hello</body></html>', 'https://site.example/')).toEqual([]);
    expect(discoverFeedLinks('<link rel="alternate" type="application/rss+xml" href="/x', 'https://site.example/')).toEqual([]);
  });

  it('scans a large hostile page quickly', () => {
    const hostile = [
      '<link '.repeat(20_000),
      `<link ${'a=b '.repeat(50_000)}`,
      `<link ${'rel '.repeat(50_000)}`,
      '<!--'.repeat(10_000),
      `<link ${'a="x '.repeat(20_000)}`,
    ];
    for (const html of hostile) {
      const started = Date.now();
      expect(discoverFeedLinks(html, 'https://site.example/')).toEqual([]);
      expect(Date.now() - started).toBeLessThan(1_000);
    }
  });
});

describe('looksLikeHtml', () => {
  it.each([
    ['an HTML5 page', '<!DOCTYPE html><html><head></head></html>', true],
    ['a page with a BOM and blank lines', '\uFEFF\n\n  <!doctype HTML>\n<html lang="en">', true],
    ['an XHTML page', '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "x">\n<html xmlns="http://www.w3.org/1999/xhtml">', true],
    ['a page opening with a comment', '<!-- generated --><html><body>', true],
    ['a page without doctype', '<html>\n<head><title>x</title>', true],
    ['a fragment that starts with <meta>', '<meta charset="utf-8"><title>x</title><body>hi</body>', true],
    ['RSS', makeRss([{ title: 'a <html> post' }]), false],
    ['Atom', makeAtom([{ title: 'x', description: '<html><body>inside</body></html>' }]), false],
    ['JSON Feed', makeJsonFeed([{ title: '<html>' }]), false],
    ['RDF', '<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">', false],
    ['RSS with a stylesheet and comment first', '<?xml version="1.0"?><?xml-stylesheet href="s.xsl"?><!-- c --><rss version="2.0">', false],
    ['plain text', 'Service unavailable', false],
    ['empty', '', false],
  ])('%s -> %s', (_name, text, expected) => {
    expect(looksLikeHtml(text)).toBe(expected);
  });
});
