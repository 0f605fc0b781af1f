import { describe, expect, it } from 'vitest';
import type { Item } from '../feeds/item.ts';
import { selectNewItems } from './select-new-items.ts';

function item(id: string, link = `https://blog.test/${id}`): Item {
  return { feedUrl: 'https://blog.test/feed', id, title: `Post ${id}`, link, categories: [], summary: '' };
}
const ids = (items: readonly Item[]) => items.map((i) => i.id);

describe('selectNewItems', () => {
  it('treats the first poll as a baseline: everything seen, nothing new', () => {
    const result = selectNewItems([item('a'), item('b')], undefined);
    expect(result.baseline).toBe(true);
    expect(result.newItems).toEqual([]);
    expect(result.seen.keys).toEqual(['a', 'b']);
  });

  it('reports only items whose id was not seen, once', () => {
    const first = selectNewItems([item('a'), item('b')], undefined);
    const second = selectNewItems([item('c'), item('a'), item('b')], first.seen);
    expect(ids(second.newItems)).toEqual(['c']);
    const third = selectNewItems([item('c'), item('a'), item('b')], second.seen);
    expect(third.newItems).toEqual([]);
  });

  it('does not report a seen item again when its date or title changes', () => {
    const first = selectNewItems([item('a')], undefined);
    const edited: Item = { ...item('a'), title: 'Post a (updated)', updated: new Date() };
    expect(selectNewItems([edited], first.seen).newItems).toEqual([]);
  });

  it('switches to link identity when a feed regenerates its ids, and posts none of the old items', () => {
    const first = selectNewItems([item('1', 'https://blog.test/x'), item('2', 'https://blog.test/y'), item('3', 'https://blog.test/z')], undefined);
    const regenerated = [item('91', 'https://blog.test/x'), item('92', 'https://blog.test/y'), item('93', 'https://blog.test/z'), item('94', 'https://blog.test/new')];
    const result = selectNewItems(regenerated, first.seen);
    expect(result.switchedToLinkIdentity).toBe(true);
    expect(ids(result.newItems)).toEqual(['94']);
    const again = selectNewItems(regenerated.map((i) => ({ ...i, id: `${i.id}-again` })), result.seen);
    expect(again.newItems).toEqual([]);
  });

  it('keeps at least max(2 x feed size, 200) keys and always the current document', () => {
    let seen = selectNewItems([item('0')], undefined).seen;
    for (let index = 1; index < 500; index += 1) seen = selectNewItems([item(String(index))], seen).seen;
    expect(seen.keys).toHaveLength(200);
    expect(seen.keys.at(-1)).toBe('499');
    const big = Array.from({ length: 150 }, (_, index) => item(`big${index}`));
    const after = selectNewItems(big, seen).seen;
    expect(after.keys).toHaveLength(300);
    expect(after.keys.slice(-150)).toEqual(ids(big));
  });

  it('does not mistake a burst of genuinely new items for regenerated ids', () => {
    const first = selectNewItems([item('a'), item('b')], undefined);
    const burst = [item('c'), item('d'), item('e'), item('a'), item('b')];
    const result = selectNewItems(burst, first.seen);
    expect(result.switchedToLinkIdentity).toBe(false);
    expect(ids(result.newItems)).toEqual(['c', 'd', 'e']);
  });
});
