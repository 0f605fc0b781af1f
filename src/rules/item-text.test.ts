import { describe, it, expect } from 'vitest';
import type { Item } from '../feeds/item.ts';
import { compileRule } from './compile-rule.ts';
import { ruleMatches } from './evaluate-rule.ts';
import { ItemText, type RuleItem } from './item-text.ts';

const base: RuleItem = { title: 'Café  Kafka', summary: '', categories: ['Rust Lang', 'Go'] };

describe('ItemText', () => {
  it('splits a field into folded words, one unit per category', () => {
    const text = new ItemText(base);
    expect(text.unitsOf('title').map((unit) => [unit.folded, unit.words])).toEqual([['cafe kafka', ['cafe', 'kafka']]]);
    expect(text.unitsOf('category').map((unit) => unit.raw)).toEqual(['Rust Lang', 'Go']);
  });

  it('has no units for absent or empty optional fields', () => {
    const text = new ItemText({ ...base, author: '', link: undefined });
    expect(text.unitsOf('author')).toEqual([]);
    expect(text.unitsOf('link')).toEqual([]);
    expect(text.unitsOf('feed')).toEqual([]);
    expect(text.unitsOf('content')).toEqual([]);
  });

  it('reads content from contentHtml when no plain content is given, and prefers the given one', () => {
    const fromHtml = new ItemText({ ...base, contentHtml: '<p>Event&nbsp;<b>streaming</b></p>' });
    expect(fromHtml.unitsOf('content')[0]?.words).toEqual(['event', 'streaming']);
    const given = new ItemText({ ...base, content: 'plain', contentHtml: '<p>html</p>' });
    expect(given.unitsOf('content')[0]?.words).toEqual(['plain']);
  });

  it('shows regular expressions the content of HTML with its whitespace folded, and has no unit for HTML of only spaces', () => {
    const html = '<p>\n  Event\n\t streaming </p>\n<p>at  scale</p>';
    const text = new ItemText({ ...base, contentHtml: html });
    expect(text.unitsOf('content')[0]?.plain).toBe('Event streaming at scale');
    expect(text.unitsOf('content')[0]?.words).toEqual(['event', 'streaming', 'at', 'scale']);
    expect(ruleMatches(compileRule('content:/^event streaming at scale$/i'), text)).toBe(true);
    expect(ruleMatches(compileRule('content:/streaming\\s\\s/'), text)).toBe(false);
    expect(ruleMatches(compileRule('"streaming at scale"'), text)).toBe(true);
    expect(new ItemText({ ...base, contentHtml: '<p> \n\u00a0 </p><br>' }).unitsOf('content')).toEqual([]);
  });

  it('folds each field once however many terms ask', () => {
    let reads = 0;
    const item = { ...base, get summary() { reads++; return 'Event streaming'; } };
    const text = new ItemText(item);
    for (let i = 0; i < 5; i++) expect(text.unitsOf('summary')[0]?.wordSet.has('event')).toBe(true);
    expect(reads).toBe(1);
  });

  it('accepts an Item plus the feed title as a RuleItem', () => {
    const item: Item = { feedUrl: 'https://example.com/f', id: 'x', title: 'T', categories: [], summary: 'S' };
    const ruleItem: RuleItem = { ...item, feedTitle: 'Example' };
    expect(new ItemText(ruleItem).unitsOf('feed')[0]?.raw).toBe('Example');
  });
});
