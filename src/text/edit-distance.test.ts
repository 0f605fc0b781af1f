import { describe, expect, it } from 'vitest';
import { countEdits } from './edit-distance.ts';

describe('countEdits', () => {
  it.each([
    ['title', 'title', 0],
    ['titel', 'title', 1],
    ['tilte', 'title', 1],
    ['ttle', 'title', 1],
    ['urll', 'url', 1],
    ['lang', 'link', 2],
    ['', 'feed', 4],
  ])('%s -> %s takes %i edits', (a, b, expected) => {
    expect(countEdits(a, b)).toBe(expected);
  });
});
