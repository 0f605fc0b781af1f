import { describe, expect, it } from 'vitest';
import { HERALD_OPML_NAMESPACE, parseOpml, writeOpml } from './opml.ts';

/** What a feed reader (Feedly, Inoreader, NetNewsWire) exports: folders, text without title, htmlUrl, no rules. */
const READER_EXPORT = `<?xml version="1.0" encoding="UTF-8"?>
<opml version="1.0">
  <head><title>My feeds &amp; more</title></head>
  <body>
    <outline text="Tech" title="Tech">
      <outline type="rss" text="Kafka &lt;Blog&gt;" xmlUrl="https://kafka.test/feed.xml?a=1&amp;b=2" htmlUrl="https://kafka.test/"/>
      <outline text="Deeper">
        <outline type="rss" text="Nested" xmlUrl="https://nested.test/atom"/>
      </outline>
    </outline>
    <outline type="rss" title="Loose" text="ignored when title is set" xmlUrl="https://loose.test/rss"/>
    <outline text="A folder with nothing"/>
  </body>
</opml>`;

describe('parseOpml', () => {
  it('reads feeds at every depth with their folders, titles, links and escaped characters', () => {
    const document = parseOpml(READER_EXPORT);
    expect(document.title).toBe('My feeds & more');
    expect(document.feeds).toEqual([
      { xmlUrl: 'https://kafka.test/feed.xml?a=1&b=2', title: 'Kafka <Blog>', htmlUrl: 'https://kafka.test/', folders: ['Tech'] },
      { xmlUrl: 'https://nested.test/atom', title: 'Nested', folders: ['Tech', 'Deeper'] },
      { xmlUrl: 'https://loose.test/rss', title: 'Loose', folders: [] },
    ]);
  });

  it('reads Herald rules only under Herald\'s namespace, whatever its prefix', () => {
    const withPrefix = `<opml version="2.0" xmlns:h="${HERALD_OPML_NAMESPACE}"><head/><body><outline text="A" xmlUrl="https://a.test/" h:rule="kafka -sponsored"/></body></opml>`;
    expect(parseOpml(withPrefix).feeds[0]?.rule).toBe('kafka -sponsored');
    const foreign = '<opml version="2.0" xmlns:herald="https://elsewhere.test/"><head/><body><outline text="A" xmlUrl="https://a.test/" herald:rule="kafka"/></body></opml>';
    expect(parseOpml(foreign).feeds[0]?.rule).toBeUndefined();
  });

  it.each([
    ['not XML at all', 'just some text', /holds no XML element|cannot be read/],
    ['another root', '<rss version="2.0"><channel/></rss>', /root element is <rss>, not <opml>/],
    ['no body', '<opml version="2.0"><head/></opml>', /no <body>/],
    ['over the size limit', `<opml><body>${' '.repeat(6 * 1024 * 1024)}</body></opml>`, /over the \d+ Herald reads/],
  ])('refuses %s with one clear message', (_name, text, message) => {
    expect(() => parseOpml(text)).toThrow(message);
  });

  it('refuses or bounds a document of exploding entities instead of expanding it', () => {
    const bomb = `<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "${'x'.repeat(1000)}"><!ENTITY b "${'&a;'.repeat(1000)}"><!ENTITY c "${'&b;'.repeat(1000)}">]><opml><head><title>&c;</title></head><body/></opml>`;
    let result: ReturnType<typeof parseOpml> | undefined;
    try {
      result = parseOpml(bomb);
    } catch (error) {
      expect((error as Error).message).toMatch(/not a usable OPML file/);
    }
    if (result !== undefined) expect(result.title.length).toBeLessThan(10_000_000);
  });
});

describe('writeOpml', () => {
  it('round-trips titles, rules and URLs with every character that needs escaping', () => {
    const feeds = [
      { xmlUrl: 'https://a.test/feed?x=1&y="2"', title: 'Ampersand & <angle> "quotes" \'apostrophe\'', htmlUrl: 'https://a.test/', rule: 'title:"event streaming" OR /kaf+ka/i -category:jobs', folders: [] },
      { xmlUrl: 'https://b.test/rss', title: 'Ünïcødé ＫＡＦＫＡ 🚀\nsecond line', folders: ['Folder <1>'] },
      { xmlUrl: 'https://c.test/rss', title: 'No rule', rule: '', folders: ['Folder <1>'] },
    ];
    const text = writeOpml({ title: 'Herald: #general & co', feeds });
    expect(text).toContain(`xmlns:herald="${HERALD_OPML_NAMESPACE}"`);
    const back = parseOpml(text);
    expect(back.title).toBe('Herald: #general & co');
    expect(back.feeds).toEqual([feeds[0], feeds[1], { xmlUrl: 'https://c.test/rss', title: 'No rule', folders: ['Folder <1>'] }]);
  });

  it('writes what a reader export becomes, and reads back the same list', () => {
    const first = parseOpml(READER_EXPORT);
    const again = parseOpml(writeOpml(first));
    expect(again.feeds.map(({ xmlUrl, title, htmlUrl }) => ({ xmlUrl, title, htmlUrl }))).toEqual(first.feeds.map(({ xmlUrl, title, htmlUrl }) => ({ xmlUrl, title, htmlUrl })));
  });
});
