import { describe, expect, it } from 'vitest';
import { assignIds, hashOf } from './identity.ts';

const date = new Date('2024-05-01T10:00:00Z');

describe('assignIds', () => {
  it('uses guids when they are unique, falling back per item to the link, then a hash', () => {
    const ids = assignIds([
      { guid: ' g1 ', link: 'https://e.com/1', title: 'One', summary: '' },
      { link: 'https://e.com/2', title: 'Two', summary: '' },
      { title: 'Three', date, summary: 'third' },
    ]);
    expect(ids).toEqual(['g1', 'https://e.com/2', hashOf({ title: 'Three', date, summary: 'third' })]);
  });

  it('switches the whole document to links when a guid repeats', () => {
    const ids = assignIds([
      { guid: 'same', link: 'https://e.com/1', title: 'One', summary: '' },
      { guid: 'same', link: 'https://e.com/2', title: 'Two', summary: '' },
      { guid: 'other', link: 'https://e.com/3', title: 'Three', summary: '' },
    ]);
    expect(ids).toEqual(['https://e.com/1', 'https://e.com/2', 'https://e.com/3']);
  });

  it('switches to hashes when links repeat too', () => {
    const items = [
      { guid: 'same', link: 'https://e.com/', title: 'One', date, summary: '' },
      { guid: 'same', link: 'https://e.com/', title: 'Two', date, summary: '' },
    ];
    const ids = assignIds(items);
    expect(ids).toEqual(items.map((item) => hashOf(item)));
    expect(new Set(ids).size).toBe(2);
  });

  it('switches when a guid collides with another item’s link fallback', () => {
    const ids = assignIds([
      { guid: 'https://e.com/1', link: 'https://e.com/a', title: 'One', summary: '' },
      { link: 'https://e.com/1', title: 'Two', summary: '' },
    ]);
    expect(ids).toEqual(['https://e.com/a', 'https://e.com/1']);
  });

  it('gives stable, short hashes that change with the title, date or summary', () => {
    const base = { title: 'T', date, summary: 'S' };
    expect(hashOf(base)).toBe(hashOf({ ...base }));
    expect(hashOf(base)).toMatch(/^sha256:[0-9a-f]{32}$/);
    expect(new Set([hashOf(base), hashOf({ ...base, title: 'U' }), hashOf({ ...base, date: undefined }), hashOf({ ...base, summary: '' })]).size).toBe(4);
  });
});
