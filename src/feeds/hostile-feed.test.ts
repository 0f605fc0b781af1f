import { describe, expect, it } from 'vitest';
import { capText, MAX_TEXT_INPUT, MAX_TITLE_LENGTH } from './normalise.ts';
import { parseFeed } from './parse.ts';
import { expandInternalEntities, MAX_ENTITY_EXPANSION } from './xml-prolog.ts';

const URL = 'https://example.com/feed';

function entityBomb(references: number, value = 'x'.repeat(1_000), filler = ''): string {
  return `<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "${value}">]><rss version="2.0"><channel><title>t</title>` +
    `<item><title>one &a;</title><description>${filler}${'&a;'.repeat(references)}</description></item></channel></rss>`;
}

describe('hostile feeds: work bounded before it is done', () => {
  it('expands a few declared entities as before', () => {
    const feed = parseFeed(entityBomb(3, 'yes'), URL);
    expect(feed.items[0]?.title).toBe('one yes');
    expect(feed.items[0]?.summary).toBe('yesyesyes');
  });

  it('stops an entity bomb once its expansion passes the cap, leaving the references as written', () => {
    const references = Math.ceil(MAX_ENTITY_EXPANSION / 997) + 10;
    // Text around the references does not buy a bigger expansion.
    const document = entityBomb(references, 'x'.repeat(1_000), 'z'.repeat(1_000_000));
    const expanded = expandInternalEntities(document);
    expect(expanded.length).toBeLessThan(document.length);
    expect(expanded).not.toContain('<!DOCTYPE');
    expect(expanded).toContain('<title>one &a;</title>');
    const feed = parseFeed(document, URL);
    expect(feed.items).toHaveLength(1);
    expect(feed.items[0]?.title).toBe('one &a;');
  });

  it('reads a 9 MB bomb to a feed whose texts are cut to the caps', () => {
    const feed = parseFeed(entityBomb(3_000_000), URL);
    expect(feed.items[0]?.summary.length).toBeLessThanOrEqual(MAX_TEXT_INPUT);
  });

  it('cuts a 5 MB title before folding it, and a 5 MB description before stripping it', () => {
    const words = 'word '.repeat(1_000_000);
    const feed = parseFeed(`<rss version="2.0"><channel><title>${words}</title><item><title>${words}</title><description>&lt;p&gt;${words}</description></item></channel></rss>`, URL);
    const [item] = feed.items;
    expect(item?.title.length).toBeLessThanOrEqual(MAX_TITLE_LENGTH);
    expect(item?.title.startsWith('word word')).toBe(true);
    expect(item?.summary.length).toBeLessThanOrEqual(MAX_TEXT_INPUT);
    expect(feed.title.length).toBeLessThanOrEqual(MAX_TEXT_INPUT);
  });

  it('never cuts a character in half', () => {
    const text = `${'a'.repeat(9)}😀`;
    expect(capText(text, 10)).toBe('a'.repeat(9));
    expect(capText(text, 11)).toBe(text);
  });
});
