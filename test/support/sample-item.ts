/** A typical feed item for renderer tests, with every field set; tests override what they are about. */
import type { Item } from '../../src/feeds/item.ts';

export const SAMPLE_POST_URL = 'https://blog.example.org/posts/kafka-4';

export function sampleItem(overrides: Partial<Item> = {}): Item {
  return {
    feedUrl: 'https://blog.example.org/feed.xml',
    id: 'urn:post:1',
    title: 'Kafka 4.0 drops ZooKeeper',
    link: SAMPLE_POST_URL,
    published: new Date('2025-03-18T09:30:00Z'),
    author: 'Jane Doe',
    categories: ['kafka'],
    summary: 'KRaft is now the only mode.',
    image: 'https://cdn.example.org/kafka.png',
    ...overrides,
  };
}
