import { describe, expect, it } from 'vitest';
import { buildItems, firstImageIn } from './normalise.ts';

describe('firstImageIn', () => {
  it.each([
    ['the first real image', '<p><IMG SRC="/a.png"><img src="/b.png"></p>', 'https://e.com/a.png'],
    ['single-quoted and unquoted sources', "<img alt='x' src='/q.png'>", 'https://e.com/q.png'],
    ['entities in the source', '<img src="/i?a=1&amp;b=2">', 'https://e.com/i?a=1&b=2'],
    ['past 1x1 pixels and FeedBurner furniture', '<img src="/p.gif" width="1" height="1"><img src="http://feeds.feedburner.com/~ff/x?d=1"><img src="/real.jpg">', 'https://e.com/real.jpg'],
    ['nothing when no image has a usable source', '<img src="data:image/png;base64,AA"><img alt="no src">', undefined],
    ['nothing for an <img that never closes', '<img src="/a.png"', undefined],
  ])('finds %s', (_, html, expected) => {
    expect(firstImageIn(html, 'https://e.com/feed')).toBe(expected);
  });
});

describe('buildItems', () => {
  it('folds titles and authors, drops empty categories and keeps only what is there', () => {
    const [item] = buildItems(
      [{ guid: 'g', title: '  A\n title ', author: ' Jo\n', categories: [' x ', '', 'x', 'y'], images: [], summaryText: '  plain\ttext ' }],
      'https://e.com/feed',
    );
    expect(item).toEqual({ feedUrl: 'https://e.com/feed', id: 'g', title: 'A title', author: 'Jo', categories: ['x', 'y'], summary: 'plain text' });
  });

  it('prefers the HTML summary over a plain one, and the feed’s images over the content’s', () => {
    const [item] = buildItems(
      [{ categories: [], images: ['https://cdn.e.com/m.jpg'], summaryHtml: '<b>Bold</b> move', summaryText: 'itunes text', contentHtml: '<img src="/c.jpg">' }],
      'https://e.com/feed',
    );
    expect(item).toMatchObject({ summary: 'Bold move', image: 'https://cdn.e.com/m.jpg', contentHtml: '<img src="/c.jpg">' });
  });

  it('works the summary out when it is first read, once, and still spreads and serialises it like a field', () => {
    const draft = { guid: 'g', categories: [], images: [], summaryHtml: '<p>Once</p>' };
    const [item] = buildItems([draft], 'https://e.com/feed');
    draft.summaryHtml = '<p>changed after the parse</p>';
    expect(item?.summary).toBe('changed after the parse');
    draft.summaryHtml = '<p>again</p>';
    expect(item?.summary).toBe('changed after the parse');
    expect(Object.keys(item ?? {})).toContain('summary');
    expect({ ...item }.summary).toBe('changed after the parse');
    expect(JSON.parse(JSON.stringify(item))).toMatchObject({ summary: 'changed after the parse' });
  });

  it('hashes the summary into the id of an item with neither guid nor link', () => {
    const [item] = buildItems([{ title: 't', categories: [], images: [], summaryText: 'text' }], 'https://e.com/feed');
    expect(item?.id).toMatch(/^sha256:[0-9a-f]{32}$/);
    expect(item?.summary).toBe('text');
  });
});
