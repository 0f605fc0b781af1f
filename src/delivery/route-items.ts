/**
 * The router: for each new item and each subscription of its feed, applies the subscription's rule and the age
 * limits, and returns the deliveries to write to the outbox, with every decision and its reason. A poll that finds
 * a flood of new items posts at most `maxPostsPerPoll` of them per subscription, then one summary. Paused
 * subscriptions are routed too: the store parks their deliveries (within its bound) for /feed resume.
 * Pure apart from the rule cache; the caller persists the deliveries before advancing the seen set.
 * With many subscriptions an item is compared only with the rules it may match (RuleCache.ruleSet, a rule
 * index; the workspace rules and mention rules join the same index), and a decision's reason is worked out only
 * when it is read. A subscription with a mention pings its role on the items that also match the mention's rule;
 * the delivery records that, so the post made later pings exactly as decided now.
 */
import { createHash } from 'node:crypto';
import type { Item } from '../feeds/item.ts';
import { toMessage } from '../format/message.ts';
import type { Message } from '../format/message.ts';
import { resolveUrl } from '../net/http-url.ts';
import type { Verdict } from '../rules/index.ts';
import { workspaceWord } from '../services/workspace-rules.ts';
import type { Delivery, Platform, Subscription } from '../store/records.ts';
import { ruleItemOf } from './rule-cache.ts';
import type { RuleCache } from './rule-cache.ts';
import { toStoredMessage } from './stored-message.ts';

export interface RoutingDecision {
  readonly subscriptionId: string;
  readonly itemId: string;
  readonly deliver: boolean;
  readonly reason: string;
  /** The role or user group the post pings, when it is delivered and its mention's rule matched. */
  readonly mentionRoleId?: string;
}

export interface RoutingContext {
  readonly now: Date;
  readonly maxItemAgeDays: number;
  readonly rules: RuleCache;
  /** Most posts one poll makes for one subscription; the rest become one summary post (default 5). */
  readonly maxPostsPerPoll?: number;
  /** The feed's site, where the summary post links to (else the feed itself). */
  readonly feedLink?: string;
  /** The admin layer: each workspace's rule by workspaceKey, read once per poll. */
  readonly workspaceRules?: ReadonlyMap<string, string>;
}

export function workspaceKey(platform: Platform, workspaceId: string): string {
  return `${platform}:${workspaceId}`;
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
  const layers = layersOf(subscriptions, context);
  const rules = context.rules.ruleSet(layers.sources);
  const maxPosts = context.maxPostsPerPoll ?? DEFAULT_MAX_POSTS_PER_POLL;
  /** Per subscription: how many of its deliveries this poll made, and the items left out past the cap. */
  const posted = new Map<string, number>();
  const leftOut = new Map<string, Item[]>();
  const summaryPings = new Set<string>();
  for (const item of items) {
    const verdicts = rules.verdicts(ruleItemOf(item, feedTitle));
    for (const [position, subscription] of subscriptions.entries()) {
      const decision = decide(item, subscription, context, layers.verdictsFor(verdicts, position));
      const count = posted.get(subscription.id) ?? 0;
      const capped = decision.deliver && count >= maxPosts;
      decisions.push({
        subscriptionId: subscription.id,
        itemId: item.id,
        deliver: decision.deliver && !capped,
        get reason() {
          return capped ? `${decision.reason}; but this poll already posted ${maxPosts} items for the subscription, so it is in the summary post` : decision.reason;
        },
        ...(decision.deliver && decision.mentionRoleId !== undefined ? { mentionRoleId: decision.mentionRoleId } : {}),
      });
      if (!decision.deliver) continue;
      if (capped) {
        const omitted = leftOut.get(subscription.id);
        if (omitted === undefined) leftOut.set(subscription.id, [item]);
        else omitted.push(item);
        if (decision.mentionRoleId !== undefined) summaryPings.add(subscription.id);
        continue;
      }
      posted.set(subscription.id, count + 1);
      // The layout is part of the snapshot: changing a template later neither re-posts nor re-renders this item.
      const message = toMessage(item, feedTitle);
      deliveries.push(deliveryOf(subscription, item.id, subscription.template === undefined ? message : { ...message, template: subscription.template }, context.now, decision.mentionRoleId));
    }
  }
  for (const subscription of subscriptions) {
    const omitted = leftOut.get(subscription.id);
    if (omitted === undefined) continue;
    // The summary stands for items that would have pinged: it pings in their place.
    const mention = summaryPings.has(subscription.id) ? subscription.mention?.roleId : undefined;
    deliveries.push(deliveryOf(subscription, `more:${omitted[0]!.id}`, summaryMessage(omitted, feedTitle, context), context.now, mention));
  }
  return { deliveries, decisions };
}

function deliveryOf(subscription: Subscription, itemKey: string, message: Message, now: Date, mentionRoleId: string | undefined): Delivery {
  const stored = toStoredMessage(message);
  return {
    id: deliveryId(subscription.id, itemKey),
    subscriptionId: subscription.id,
    platform: subscription.platform,
    channelId: subscription.channelId,
    itemId: itemKey,
    message: mentionRoleId === undefined ? stored : { ...stored, mentionRoleId },
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

/** The verdicts one subscription's item needs: its own rule's, and its workspace's and mention's rules' when it has them. */
interface LayeredVerdicts {
  readonly own: Verdict;
  readonly workspace?: { readonly rule: string; readonly verdict: Verdict };
  readonly mention?: Verdict;
}

/**
 * Every rule a poll evaluates, in one list for one rule index: the subscriptions' own rules first (so with no
 * admin layer and no mentions the list is exactly what it was), then, for those that have them, their
 * workspace's rule and their mention's rule. Identical texts share one evaluation.
 */
function layersOf(active: readonly Subscription[], context: RoutingContext) {
  const sources = active.map((subscription) => subscription.rule);
  const workspaceAt: Array<{ rule: string; slot: number } | undefined> = active.map((subscription) => {
    const rule = context.workspaceRules?.get(workspaceKey(subscription.platform, subscription.workspaceId));
    return rule === undefined || rule === '' ? undefined : { rule, slot: sources.push(rule) - 1 };
  });
  const mentionAt = active.map((subscription) => {
    const rule = subscription.mention?.rule;
    return rule === undefined || rule === '' ? undefined : sources.push(rule) - 1;
  });
  return {
    sources,
    verdictsFor(verdicts: readonly Verdict[], position: number): LayeredVerdicts {
      const workspace = workspaceAt[position];
      const mention = mentionAt[position];
      return {
        own: verdicts[position]!,
        ...(workspace === undefined ? {} : { workspace: { rule: workspace.rule, verdict: verdicts[workspace.slot]! } }),
        ...(mention === undefined ? {} : { mention: verdicts[mention]! }),
      };
    },
  };
}

function decide(
  item: Item,
  subscription: Subscription,
  context: RoutingContext,
  verdicts: LayeredVerdicts,
): { readonly deliver: boolean; readonly reason: string; readonly mentionRoleId?: string } {
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
  const { own, workspace } = verdicts;
  if (workspace !== undefined && !workspace.verdict.matches) {
    return {
      deliver: false,
      get reason() {
        return `blocked by this ${workspaceWord(subscription.platform)}'s rule ${workspace.rule}: ${workspace.verdict.reason}`;
      },
    };
  }
  const mentionRoleId = own.matches && subscription.mention !== undefined && (verdicts.mention?.matches ?? true) ? subscription.mention.roleId : undefined;
  return {
    deliver: own.matches,
    get reason() {
      const layered = workspace === undefined || !own.matches ? own.reason : `${own.reason}; passes this ${workspaceWord(subscription.platform)}'s rule ${workspace.rule}`;
      return `${layered}${mentionNote(subscription, own.matches, verdicts.mention)}`;
    },
    ...(mentionRoleId === undefined ? {} : { mentionRoleId }),
  };
}

/** Whether the post pings, and why, for a subscription with a mention. */
function mentionNote(subscription: Subscription, delivered: boolean, verdict: Verdict | undefined): string {
  const { mention } = subscription;
  if (mention === undefined || !delivered) return '';
  if (verdict === undefined) return `; pings @${mention.roleName}`;
  return verdict.matches ? `; pings @${mention.roleName} (${verdict.reason})` : `; does not ping @${mention.roleName} (its rule: ${verdict.reason})`;
}
