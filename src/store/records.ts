/**
 * The records Herald keeps, as zod schemas (stored data is validated on the way back in) and the types
 * derived from them. Dates are ISO strings in storage.
 */
import { z } from 'zod';

export const platformSchema = z.enum(['discord', 'slack', 'console']);
export type Platform = z.infer<typeof platformSchema>;

/** A Discord role or a Slack user group, and its name when it was set (shown in /feed list without pinging). */
export const mentionSchema = z.object({
  roleId: z.string(),
  roleName: z.string(),
  rule: z.string().optional(),
});
export type Mention = z.infer<typeof mentionSchema>;

export const subscriptionSchema = z.object({
  id: z.string(),
  platform: platformSchema,
  /** Discord guild id, Slack team id, or 'console'. */
  workspaceId: z.string(),
  channelId: z.string(),
  channelName: z.string().optional(),
  feedUrl: z.string(),
  feedTitle: z.string(),
  rule: z.string(),
  createdAt: z.string(),
  createdBy: z.string(),
  paused: z.boolean(),
  pausedReason: z.string().optional(),
  /** Items that were in the feed when this subscription was made but not yet seen by the feed's other followers. */
  skipItemIds: z.array(z.string()).optional(),
  /** 'config': declared in the config file, which alone adds, changes or removes it (absent: made in chat). */
  source: z.literal('config').optional(),
  /** How often its feed should be polled, when it asks for other than the default (the feed takes the smallest). */
  intervalSeconds: z.number().optional(),
  /** Who `/feed mention` pings for this subscription's items, when they also match `rule` ('' or absent: every item). */
  mention: mentionSchema.optional(),
  /**
   * While paused: how many parked deliveries were dropped, oldest first, because more than the bound arrived.
   * Kept by the store (put leaves it alone); reset when the subscription is resumed.
   */
  parkedDropped: z.number().optional(),
  /** The layout of its posts with placeholders (src/format/template.ts); none: Herald's own. */
  template: z.string().optional(),
});
export type Subscription = z.infer<typeof subscriptionSchema>;

/** A rule that managers set for a whole Discord server or Slack workspace; every subscription there obeys it. */
export const workspaceRuleSchema = z.object({
  platform: platformSchema,
  workspaceId: z.string(),
  rule: z.string(),
  setBy: z.string(),
  setAt: z.string(),
});
export type WorkspaceRule = z.infer<typeof workspaceRuleSchema>;

export const feedStateSchema = z.object({
  url: z.string(),
  title: z.string().optional(),
  etag: z.string().optional(),
  lastModified: z.string().optional(),
  lastPolledAt: z.string().optional(),
  nextPollAt: z.string().optional(),
  /** Seconds the site asked us to wait at least (ttl, max-age, Retry-After). */
  minIntervalSeconds: z.number().optional(),
  /** Which of the site's asks set minIntervalSeconds: the feed's <ttl> or the Cache-Control max-age. */
  minIntervalSource: z.enum(['ttl', 'max-age']).optional(),
  consecutiveFailures: z.number().default(0),
  lastError: z.string().optional(),
  /** When the current run of failures began; cleared by a successful poll. */
  failingSince: z.string().optional(),
});
export type FeedState = z.infer<typeof feedStateSchema>;

export const seenSetSchema = z.object({
  /** Which key identifies items of this feed: the item id, or the link when the feed regenerates ids. */
  identity: z.enum(['id', 'link']),
  /** Oldest first; bounded by the newness module. */
  keys: z.array(z.string()),
  /** Links of seen items, to notice a feed whose ids change on every fetch. */
  links: z.array(z.string()),
});
export type SeenSet = z.infer<typeof seenSetSchema>;

export const storedMessageSchema = z.object({
  title: z.string(),
  url: z.string().optional(),
  summary: z.string(),
  author: z.string().optional(),
  imageUrl: z.string().optional(),
  feedTitle: z.string(),
  feedUrl: z.string(),
  timestamp: z.string().optional(),
  categories: z.array(z.string()),
  /** The role or user group this post pings, decided when the item was routed (its mention's rule matched). */
  mentionRoleId: z.string().optional(),
  template: z.string().optional(),
});
export type StoredMessage = z.infer<typeof storedMessageSchema>;

export const deliverySchema = z.object({
  id: z.string(),
  subscriptionId: z.string(),
  platform: platformSchema,
  channelId: z.string(),
  itemId: z.string(),
  message: storedMessageSchema,
  createdAt: z.string(),
  attempts: z.number(),
  nextAttemptAt: z.string(),
  lastError: z.string().optional(),
});
export type Delivery = z.infer<typeof deliverySchema>;

/**
 * Where a delivery stands: pending (to be sent, in order per channel), parked (its subscription is paused),
 * sent, dead (gave up after too many attempts) or rejected (the platform will never take it).
 */
export const deliveryStateSchema = z.enum(['pending', 'parked', 'sent', 'dead', 'rejected']);
export type DeliveryState = z.infer<typeof deliveryStateSchema>;

export const storedDeliverySchema = deliverySchema.extend({
  state: deliveryStateSchema,
  sentAt: z.string().optional(),
  /** A post was under way from then and its outcome never recorded (its process died): it may have landed. */
  sendingSince: z.string().optional(),
});
export type StoredDelivery = z.infer<typeof storedDeliverySchema>;

/**
 * An item Herald saw in a feed (migration 006), kept so `/feed why` can answer for it. `linkKey` is the link as
 * compared (the caller's normal form: scheme, case of the host and a trailing slash do not count).
 * `baseline`: it was in the feed when Herald first read it for a subscription, so it was never posted.
 */
export const seenItemRecordSchema = z.object({
  feedUrl: z.string(),
  itemId: z.string(),
  link: z.string().optional(),
  linkKey: z.string().optional(),
  title: z.string(),
  firstSeenAt: z.string(),
  baseline: z.boolean(),
});
export type SeenItemRecord = z.infer<typeof seenItemRecordSchema>;

/** What the router decided for one item and one subscription, and why, in words a chat user reads. */
export const itemDecisionSchema = z.object({
  feedUrl: z.string(),
  itemId: z.string(),
  subscriptionId: z.string(),
  delivered: z.boolean(),
  reason: z.string(),
  decidedAt: z.string(),
});
export type ItemDecision = z.infer<typeof itemDecisionSchema>;
