/**
 * The repositories the application uses, all over one Keyv store: subscriptions, feed state, seen sets and
 * the delivery outbox. Feed-keyed records use a hash of the URL as their key (URLs can be long).
 */
import { createHash } from 'node:crypto';
import type { KeyValueStore } from './open-store.ts';
import { RecordCollection } from './record-collection.ts';
import { deliverySchema, feedStateSchema, seenSetSchema, subscriptionSchema } from './records.ts';
import type { Delivery, FeedState, SeenSet, Subscription } from './records.ts';

export function feedKey(url: string): string {
  return createHash('sha256').update(url).digest('hex').slice(0, 24);
}

export class Repositories {
  readonly subscriptions: RecordCollection<typeof subscriptionSchema>;
  readonly feeds: RecordCollection<typeof feedStateSchema>;
  readonly seen: RecordCollection<typeof seenSetSchema>;
  readonly outbox: RecordCollection<typeof deliverySchema>;

  constructor(readonly store: KeyValueStore) {
    this.subscriptions = new RecordCollection(store, 'subscription', subscriptionSchema);
    this.feeds = new RecordCollection(store, 'feed', feedStateSchema);
    this.seen = new RecordCollection(store, 'seen', seenSetSchema);
    this.outbox = new RecordCollection(store, 'outbox', deliverySchema);
  }

  getFeedState(url: string): Promise<FeedState | undefined> {
    return this.feeds.get(feedKey(url));
  }

  async saveFeedState(state: FeedState): Promise<void> {
    await this.feeds.put(feedKey(state.url), state);
  }

  getSeenSet(url: string): Promise<SeenSet | undefined> {
    return this.seen.get(feedKey(url));
  }

  async saveSeenSet(url: string, seen: SeenSet): Promise<void> {
    await this.seen.put(feedKey(url), seen);
  }

  /** Drops a feed's state and seen set (it moved, or nobody follows it any more). */
  async forgetFeed(url: string): Promise<void> {
    await this.feeds.delete(feedKey(url));
    await this.seen.delete(feedKey(url));
  }

  async subscriptionsOfFeed(url: string): Promise<Subscription[]> {
    return (await this.subscriptions.list()).filter((subscription) => subscription.feedUrl === url);
  }

  async addDeliveries(deliveries: readonly Delivery[]): Promise<void> {
    for (const delivery of deliveries) await this.outbox.put(delivery.id, delivery);
  }

  async close(): Promise<void> {
    await this.store.disconnect();
  }
}
