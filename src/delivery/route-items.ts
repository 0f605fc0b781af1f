/**
 * The router: for each new item and each active subscription of its feed, applies the subscription's rule and
 * the age limits, and returns the deliveries to write to the outbox, with every decision and its reason.
 * Pure apart from the rule cache; the caller persists the deliveries before advancing the seen set.
 * With many subscriptions an item is compared only with the rules it may match (RuleCache.ruleSet, a rule
 * index), and a decision's reason is worked out only when it is read.
 */
import { createHash } from 'node:crypto';
import type { Item } from '../feeds/item.ts';
import { toMessage } from '../format/message.ts';
import type { Delivery, Subscription } from '../store/records.ts';
import { ruleItemOf } from './rule-cache.ts';
import type { RuleCache } from './rule-cache.ts';
import { toStoredMessage } from './stored-message.ts';

export interface RoutingDecision {
  readonly subscriptionId: string;
  readonly itemId: string;
  readonly deliver: boolean;
  readonly reason: string;
}

export interface RoutingContext {
  readonly now: Date;
  readonly maxItemAgeDays: number;
  readonly rules: RuleCache;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/**
 * Feeds date items to the second and often publish them minutes after their date (caches, build delays):
 * an item that shows up after the baseline but is dated just before the subscription is still new to
 * the channel. Older ones are backfill and stay unposted.
 */
const SUBSCRIPTION_GRACE_MS = 15 * 60 * 1000;

export function deliveryId(subscriptionId: string, itemKey: string): string {
  return createHash('sha256').update(`${subscriptionId}\n${itemKey}`).digest('base64url').slice(0, 24);
}

export function routeItems(
  items: readonly Item[],
  feedTitle: string,
  subscriptions: readonly Subscription[],
  context: RoutingContext,
): { deliveries: Delivery[]; decisions: RoutingDecision[] } {
  const deliveries: Delivery[] = [];
  const decisions: RoutingDecision[] = [];
  const active = subscriptions.filter((subscription) => !subscription.paused);
  const rules = context.rules.ruleSet(active.map((subscription) => subscription.rule));
  for (const item of items) {
    const verdicts = rules.verdicts(ruleItemOf(item, feedTitle));
    for (const [position, subscription] of active.entries()) {
      const decision = decide(item, subscription, context, verdicts[position]!);
      decisions.push({
        subscriptionId: subscription.id,
        itemId: item.id,
        deliver: decision.deliver,
        get reason() {
          return decision.reason;
        },
      });
      if (!decision.deliver) continue;
      deliveries.push({
        id: deliveryId(subscription.id, item.id),
        subscriptionId: subscription.id,
        platform: subscription.platform,
        channelId: subscription.channelId,
        itemId: item.id,
        message: toStoredMessage(toMessage(item, feedTitle)),
        createdAt: context.now.toISOString(),
        attempts: 0,
        nextAttemptAt: context.now.toISOString(),
      });
    }
  }
  return { deliveries, decisions };
}

function decide(
  item: Item,
  subscription: Subscription,
  context: RoutingContext,
  verdict: { readonly matches: boolean; readonly reason: string },
): { readonly deliver: boolean; readonly reason: string } {
  if (subscription.skipItemIds?.includes(item.id)) {
    return { deliver: false, reason: 'it was already in the feed when the subscription was made' };
  }
  const dated = item.published ?? item.updated;
  if (dated !== undefined) {
    if (dated.getTime() < Date.parse(subscription.createdAt) - SUBSCRIPTION_GRACE_MS) {
      return { deliver: false, reason: `dated ${dated.toISOString()}, before the subscription began` };
    }
    if (context.now.getTime() - dated.getTime() > context.maxItemAgeDays * DAY_MS) {
      return { deliver: false, reason: `older than ${context.maxItemAgeDays} days` };
    }
  }
  return {
    deliver: verdict.matches,
    get reason() {
      return verdict.reason;
    },
  };
}
