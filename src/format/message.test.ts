import { describe, expect, it } from 'vitest';
import type { Item } from '../feeds/item.ts';
import { toMessage } from './message.ts';

const FEED_URL = 'https://blog.example.org/feed.xml';

function item(overrides: Partial<Item> = {}): Item {
  return {
    feedUrl: FEED_URL,
    id: 'urn:post:1',
    title: 'Kafka 4.0 drops ZooKeeper',
    link: 'https://blog.example.org/posts/kafka-4',
    published: new Date('2025-03-18T09:30:00Z'),
    author: 'Jane Doe',
    categories: ['kafka', 'streaming'],
    summary: 'KRaft is now the only mode.',
    image: 'https://cdn.example.org/kafka.png',
    ...overrides,
  };
}

describe('toMessage', () => {
  it('carries a normal item across', () => {
    expect(toMessage(item(), 'Example Blog')).toEqual({
      title: 'Kafka 4.0 drops ZooKeeper',
      url: 'https://blog.example.org/posts/kafka-4',
      summary: 'KRaft is now the only mode.',
      author: 'Jane Doe',
      imageUrl: 'https://cdn.example.org/kafka.png',
      feedTitle: 'Example Blog',
      feedUrl: FEED_URL,
      timestamp: new Date('2025-03-18T09:30:00Z'),
      categories: ['kafka', 'streaming'],
    });
  });

  it.each([
    { name: 'title kept, whitespace folded', title: '  Kafka\n\t 4.0  ', summary: 'text', expected: 'Kafka 4.0' },
    { name: 'no title: start of the summary', title: '', summary: 'Short note about\nthe release.', expected: 'Short note about the release.' },
    {
      name: 'no title, long summary: cut at a word',
      title: '   ',
      summary: 'Streaming platforms keep growing and this release adds several features operators asked for over years',
      expected: 'Streaming platforms keep growing and this release adds several features…',
    },
    { name: 'no title, no summary', title: '', summary: '', expected: '(untitled)' },
  ])('title: $name', ({ title, summary, expected }) => {
    const message = toMessage(item({ title, summary }), 'Example Blog');
    expect(message.title).toBe(expected);
    expect(message.title.length).toBeLessThanOrEqual(80);
  });

  it.each([
    { name: 'https kept', link: 'https://a.example/x', expected: 'https://a.example/x' },
    { name: 'http kept', link: 'http://a.example/x', expected: 'http://a.example/x' },
    { name: 'javascript: dropped', link: 'javascript:alert(document.cookie)', expected: undefined },
    { name: 'JavaScript: in odd case dropped', link: ' JaVaScRiPt:alert(1)', expected: undefined },
    { name: 'data: dropped', link: 'data:text/html,<script>alert(1)</script>', expected: undefined },
    { name: 'relative dropped', link: '/posts/1', expected: undefined },
    { name: 'garbage dropped', link: 'not a url', expected: undefined },
  ])('link and image: $name', ({ link, expected }) => {
    const message = toMessage(item({ link, image: link }), 'Example Blog');
    expect(message.url).toBe(expected);
    expect(message.imageUrl).toBe(expected);
  });

  it.each([
    { name: 'published wins', published: new Date('2025-01-01T00:00:00Z'), updated: new Date('2025-02-01T00:00:00Z'), expected: '2025-01-01T00:00:00.000Z' },
    { name: 'updated when no published', published: undefined, updated: new Date('2025-02-01T00:00:00Z'), expected: '2025-02-01T00:00:00.000Z' },
    { name: 'invalid published falls to updated', published: new Date('nonsense'), updated: new Date('2025-02-01T00:00:00Z'), expected: '2025-02-01T00:00:00.000Z' },
    { name: 'neither', published: undefined, updated: undefined, expected: undefined },
  ])('timestamp: $name', ({ published, updated, expected }) => {
    const message = toMessage(item({ published, updated }), 'Example Blog');
    expect(message.timestamp?.toISOString()).toBe(expected);
  });

  it('keeps paragraph breaks in the summary but folds the rest, and strips control characters', () => {
    const message = toMessage(item({ summary: ' First  para\u0007graph.\r\n\r\n\r\n\r\nSecond\u001b[31m   one. ' }), 'Blog');
    expect(message.summary).toBe('First paragraph.\n\nSecond[31m one.');
  });

  it('drops an empty author, folds categories and removes duplicates', () => {
    const message = toMessage(item({ author: '  ', categories: [' kafka ', 'kafka', '', 'event\nstreaming'] }), 'Blog');
    expect(message.author).toBeUndefined();
    expect(message.categories).toEqual(['kafka', 'event streaming']);
  });

  it('falls back to the feed host when the feed has no title', () => {
    expect(toMessage(item(), '  ').feedTitle).toBe('blog.example.org');
  });
});
