/**
 * The router: for each new item and each active subscription of its feed, applies the subscription's rule and
 * the age limits, and returns the deliveries to write to the outbox, with every decision and its reason. A poll
 * that finds a flood of new items posts at most `maxPostsPerPoll` of them per subscription, then one summary.
 * Pure apart from the rule cache; the caller persists the deliveries before advancing the seen set.
 * With many subscriptions an item is compared only with the rules it may match (RuleCache.ruleSet, a rule
 * index), and a decision's reason is worked out only when it is read.
 */
import { createHash } from 'node:crypto';
import type { Item } from '../feeds/item.ts';
import { toMessage } from '../format/message.ts';
import type { Message } from '../format/message.ts';
import { resolveUrl } from '../net/http-url.ts';
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
  /** Most posts one poll makes for one subscription; the rest become one summary post (default 5). */
  readonly maxPostsPerPoll?: number;
  /** The feed's site, where the summary post links to (else the feed itself). */
  readonly feedLink?: string;
}

export const DEFAULT_MAX_POSTS_PER_POLL = 5;
/** How many of the items left out a summary post names. */
const SUMMARY_TITLES = 10;

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
  const maxPosts = context.maxPostsPerPoll ?? DEFAULT_MAX_POSTS_PER_POLL;
  /** Per subscription: how many of its deliveries this poll made, and the items left out past the cap. */
  const posted = new Map<string, number>();
  const leftOut = new Map<string, Item[]>();
  for (const item of items) {
    const verdicts = rules.verdicts(ruleItemOf(item, feedTitle));
    for (const [position, subscription] of active.entries()) {
      const decision = decide(item, subscription, context, verdicts[position]!);
      const count = posted.get(subscription.id) ?? 0;
      const capped = decision.deliver && count >= maxPosts;
      decisions.push({
        subscriptionId: subscription.id,
        itemId: item.id,
        deliver: decision.deliver && !capped,
        get reason() {
          return capped ? `${decision.reason}; but this poll already posted ${maxPosts} items for the subscription, so it is in the summary post` : decision.reason;
        },
      });
      if (!decision.deliver) continue;
      if (capped) {
        const omitted = leftOut.get(subscription.id);
        if (omitted === undefined) leftOut.set(subscription.id, [item]);
        else omitted.push(item);
        continue;
      }
      posted.set(subscription.id, count + 1);
      // The layout is part of the snapshot: changing a template later neither re-posts nor re-renders this item.
      const message = toMessage(item, feedTitle);
      deliveries.push(deliveryOf(subscription, item.id, subscription.template === undefined ? message : { ...message, template: subscription.template }, context.now));
    }
  }
  for (const subscription of active) {
    const omitted = leftOut.get(subscription.id);
    if (omitted !== undefined) deliveries.push(deliveryOf(subscription, `more:${omitted[0]!.id}`, summaryMessage(omitted, feedTitle, context), context.now));
  }
  return { deliveries, decisions };
}

function deliveryOf(subscription: Subscription, itemKey: string, message: Message, now: Date): Delivery {
  return {
    id: deliveryId(subscription.id, itemKey),
    subscriptionId: subscription.id,
    platform: subscription.platform,
    channelId: subscription.channelId,
    itemId: itemKey,
    message: toStoredMessage(message),
    createdAt: now.toISOString(),
    attempts: 0,
    nextAttemptAt: now.toISOString(),
  };
}

/** One post standing for the items past the cap: "…and 37 more from Feed", linked to the feed, naming the first few. */
function summaryMessage(omitted: readonly Item[], feedTitle: string, context: RoutingContext): Message {
  const first = toMessage(omitted[0]!, feedTitle);
  const titles = omitted.slice(0, SUMMARY_TITLES).map((item) => `• ${toMessage(item, feedTitle).title}`);
  if (omitted.length > SUMMARY_TITLES) titles.push(`• … ${omitted.length - SUMMARY_TITLES} more`);
  const url = resolveUrl(context.feedLink) ?? resolveUrl(first.feedUrl);
  return {
    title: `…and ${omitted.length} more from ${first.feedTitle}`,
    summary: titles.join('\n'),
    feedTitle: first.feedTitle,
    feedUrl: first.feedUrl,
    categories: [],
    ...(url === undefined ? {} : { url }),
  };
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
