/**
 * Turns what a poll saw and the router decided into the records the store keeps for `/feed why`: one per item
 * (its link's lookup key, title, when first seen) and one per item and subscription, with the reason in words.
 * Reading a routing decision's reason works it out (route-items.ts keeps it lazy); this is where that happens.
 * Paused subscriptions, which the router skips, get a decision saying so.
 */
import type { Item } from '../feeds/item.ts';
import { linkKey } from '../net/link-key.ts';
import type { ItemDecision, SeenItemRecord } from '../store/records.ts';
import type { RoutingDecision } from './route-items.ts';

export function seenItemRecords(feedUrl: string, items: readonly Item[], at: Date, baseline: boolean): SeenItemRecord[] {
  const firstSeenAt = at.toISOString();
  return items.map((item) => {
    const key = item.link === undefined ? undefined : linkKey(item.link);
    return {
      feedUrl,
      itemId: item.id,
      ...(item.link === undefined ? {} : { link: item.link }),
      ...(key === undefined ? {} : { linkKey: key }),
      title: item.title,
      firstSeenAt,
      baseline,
    };
  });
}

export function decisionRecords(
  feedUrl: string,
  decisions: readonly RoutingDecision[],
  at: Date,
): ItemDecision[] {
  const decidedAt = at.toISOString();
  // Paused subscriptions are routed too: their deliveries are parked for /feed resume, and /feed why says so.
  return decisions.map((decision) => ({
    feedUrl, itemId: decision.itemId, subscriptionId: decision.subscriptionId, delivered: decision.deliver, reason: decision.reason, decidedAt,
  }));
}
