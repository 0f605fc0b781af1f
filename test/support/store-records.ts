/** Records for store tests: a subscription, a feed's state and a delivery, each with every field set unless overridden. */
import type { Delivery, FeedState, Subscription } from '../../src/store/records.ts';

export const T0 = new Date('2026-11-21T12:00:00.000Z');

export function at(offsetMs: number): Date {
  return new Date(T0.getTime() + offsetMs);
}

export function subscriptionRecord(id: string, overrides: Partial<Subscription> = {}): Subscription {
  return {
    id,
    platform: 'discord',
    workspaceId: 'guild-1',
    channelId: 'channel-1',
    channelName: 'news',
    feedUrl: 'https://blog.example.org/feed.xml',
    feedTitle: 'Example Blog',
    rule: 'kafka OR "event streaming"',
    createdAt: T0.toISOString(),
    createdBy: 'user-1',
    paused: false,
    ...overrides,
  };
}

export function feedStateRecord(url: string, overrides: Partial<FeedState> = {}): FeedState {
  return {
    url,
    title: 'Example Blog',
    etag: '"abc123"',
    lastModified: 'Fri, 20 Nov 2026 09:00:00 GMT',
    lastPolledAt: T0.toISOString(),
    nextPollAt: at(600_000).toISOString(),
    minIntervalSeconds: 1800,
    minIntervalSource: 'ttl',
    consecutiveFailures: 2,
    lastError: 'HTTP 503',
    failingSince: at(-3_600_000).toISOString(),
    ...overrides,
  };
}

/** A delivery of item `id` for the subscription, due at T0 unless overridden. */
export function deliveryRecord(id: string, subscription: Subscription, overrides: Partial<Delivery> = {}): Delivery {
  return {
    id,
    subscriptionId: subscription.id,
    platform: subscription.platform,
    channelId: subscription.channelId,
    itemId: `item-${id}`,
    message: {
      title: `Item ${id}`,
      url: `https://blog.example.org/${id}`,
      summary: 'A summary.',
      author: 'Jane Doe',
      imageUrl: 'https://blog.example.org/image.png',
      feedTitle: subscription.feedTitle,
      feedUrl: subscription.feedUrl,
      timestamp: T0.toISOString(),
      categories: ['kafka'],
    },
    createdAt: T0.toISOString(),
    attempts: 0,
    nextAttemptAt: T0.toISOString(),
    ...overrides,
  };
}
