/**
 * The feed the platform-fault tests publish: a baseline item, then 100 items matching the subscriptions' filter
 * ("kafka"), every fifth one followed by one that does not match, dated two seconds apart. And the check those tests make: in each channel, each matching item exactly once, in order.
 */
import { makeRss } from '../emulators/feed-documents.ts';
import type { TestItem } from '../emulators/feed-documents.ts';
import type { FeedServer } from '../emulators/feed-server.ts';

export const FAULT_FEED_PATH = '/faults.xml';
export const MATCHING_ITEMS = 100;
export const FILTER = 'kafka';

export function publishBaseline(feeds: FeedServer): void {
  feeds.setFeed(FAULT_FEED_PATH, makeRss([{ guid: 'baseline', title: 'Kafka baseline', link: 'https://blog.test/baseline', pubDate: new Date(Date.now() - 600_000) }], { title: 'Fault Feed' }));
}

/**
 * The baseline and the 100 matching items (and 20 that do not match); returns the matching titles in the order the
 * feed lists them, newest first: the order Herald queues one poll's items, and so the order each channel must show.
 */
export function publishItems(feeds: FeedServer): string[] {
  const start = Date.now() - 300_000;
  const items: TestItem[] = [{ guid: 'baseline', title: 'Kafka baseline', link: 'https://blog.test/baseline', pubDate: new Date(Date.now() - 600_000) }];
  const matching: string[] = [];
  for (let number = 1; number <= MATCHING_ITEMS; number += 1) {
    const title = `Kafka note ${number}`;
    matching.push(title);
    items.unshift({ guid: `kafka-${number}`, title, link: `https://blog.test/kafka/${number}`, pubDate: new Date(start + number * 2_000) });
    if (number % 5 === 0) items.unshift({ guid: `garden-${number}`, title: `Gardening ${number}`, link: `https://blog.test/garden/${number}`, pubDate: new Date(start + number * 2_000 + 1_000) });
  }
  feeds.setFeed(FAULT_FEED_PATH, makeRss(items, { title: 'Fault Feed' }));
  return matching.reverse();
}

/** Per channel: what arrived that should not have, and whether the matching items arrived once each, in order. */
export function deliveryReport(titlesByChannel: ReadonlyMap<string, readonly string[]>, expected: readonly string[]) {
  let doubled = 0;
  let lost = 0;
  let outOfOrder = 0;
  let unwanted = 0;
  for (const titles of titlesByChannel.values()) {
    const counts = new Map<string, number>();
    for (const title of titles) counts.set(title, (counts.get(title) ?? 0) + 1);
    for (const title of expected) {
      const count = counts.get(title) ?? 0;
      if (count === 0) lost += 1;
      if (count > 1) doubled += count - 1;
    }
    unwanted += titles.filter((title) => !expected.includes(title)).length;
    const firsts = [...new Set(titles)].filter((title) => expected.includes(title));
    outOfOrder += firsts.filter((title, index) => index > 0 && expected.indexOf(title) < expected.indexOf(firsts[index - 1]!)).length;
  }
  return { channels: titlesByChannel.size, itemsPerChannel: expected.length, lost, doubled, outOfOrder, unwanted };
}
