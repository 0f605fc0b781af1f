import { describe, it, expect } from 'vitest';
import { suggestField } from './fields.ts';

describe('suggestField', () => {
  it.each([
    ['titel', 'title'],
    ['Tilte', 'title'],
    ['sumary', 'summary'],
    ['contnet', 'content'],
    ['auther', 'author'],
    ['categroy', 'category'],
    ['categories', 'category'],
    ['tags', 'category'],
    ['url', 'link'],
    ['feeds', 'feed'],
    ['body', 'content'],
    ['lang', undefined],
    ['https', undefined],
  ])('%j suggests %j', (name, field) => {
    expect(suggestField(name)).toBe(field);
  });
});
