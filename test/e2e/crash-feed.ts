/**
 * The feed the crash tests grow between kills: numbered items ("Item 1", "Item 2", ...), each with a long body, so
 * that a poll's transaction has real work to do when the kill lands.
 */
import { makeRss } from '../emulators/feed-documents.ts';
import type { TestItem } from '../emulators/feed-documents.ts';
import type { FeedServer } from '../emulators/feed-server.ts';

export interface CrashFeed {
  /** Adds `count` items to the feed; returns how many it holds. */
  publish(count: number): number;
}

export function crashFeed(feeds: () => FeedServer, path: string): CrashFeed {
  const published: TestItem[] = [];
  return {
    publish(count) {
      for (let index = 0; index < count; index += 1) {
        const number = published.length + 1;
        published.unshift({ guid: `item-${number}`, title: `Item ${number}`, link: `https://blog.test/${number}`, description: `Body ${number} `.repeat(40), pubDate: new Date() });
      }
      feeds().setFeed(path, makeRss(published, { title: 'Crash Feed' }));
      return published.length;
    },
  };
}
