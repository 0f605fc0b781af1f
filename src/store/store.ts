/**
 * The store's contract: every piece of durable state Herald keeps, behind one interface with two engines
 * (SQLite, the default file under ./data, and PostgreSQL for a shared store). Only src/store/ knows SQL.
 *
 * - Every method either does what it says or throws; no store error is swallowed.
 * - `transaction` runs its work on one connection and commits it all or nothing.
 * - Claims (`leases`) are safe across processes: a row is leased by one owner until `leaseUntil`; a lease that
 *   is not renewed expires and another owner may claim the row. PostgreSQL claims with SKIP LOCKED.
 * - Times are `Date`s passed in by the caller (the clock is the caller's, so tests can move it).
 */
import type { Delivery, DeliveryState, FeedState, ItemDecision, Mention, Platform, SeenItemRecord, SeenSet, StoredDelivery, Subscription, WorkspaceRule } from './records.ts';

export interface SubscriptionRepository {
  get(id: string): Promise<Subscription | undefined>;
  /** Inserts or replaces the subscription; makes sure its feed has a row (a new feed is due at once). */
  put(subscription: Subscription): Promise<void>;
  /** Removes it with its pending and parked deliveries; false when there was none. */
  delete(id: string): Promise<boolean>;
  /** The feed's subscriptions, paused ones included, oldest first. */
  listByFeed(feedUrl: string): Promise<Subscription[]>;
  /** A workspace's subscriptions (optionally one channel's), oldest first. */
  listByWorkspace(platform: Platform, workspaceId: string, channelId?: string): Promise<Subscription[]>;
  /** The config file's subscriptions (source 'config'), on every platform. */
  listConfigured(): Promise<Subscription[]>;
  /**
   * Pauses (with a reason) or resumes; pausing parks its pending deliveries, resuming makes them due again (in
   * their order) and sets `parkedDropped` back to none.
   */
  setPaused(id: string, paused: boolean, reason: string | undefined, now: Date): Promise<Subscription | undefined>;
  /** Changes only its rule: its creation time, pause, skipped items and deliveries stay. */
  setRule(id: string, rule: string): Promise<Subscription | undefined>;
  /** Sets (or, with undefined, removes) whom its posts ping; nothing else changes. */
  setMention(id: string, mention: Mention | undefined): Promise<Subscription | undefined>;
  /** Sets the layout of its posts from now on (undefined: Herald's own); deliveries already routed keep theirs. */
  setTemplate(id: string, template: string | undefined): Promise<Subscription | undefined>;
  /** Points every subscription of `from` at `to` (a feed that moved for good); returns how many moved. */
  moveFeed(from: string, to: string): Promise<number>;
  count(): Promise<number>;
}

/** The admin layer: one rule per Discord server or Slack workspace that every subscription there obeys. */
export interface WorkspaceRuleRepository {
  get(platform: Platform, workspaceId: string): Promise<WorkspaceRule | undefined>;
  /** Inserts or replaces the workspace's rule. */
  put(rule: WorkspaceRule): Promise<void>;
  /** False when the workspace had none. */
  delete(platform: Platform, workspaceId: string): Promise<boolean>;
  /** Every workspace's rule (one row per workspace: few). */
  list(): Promise<WorkspaceRule[]>;
}

export interface FeedRepository {
  get(url: string): Promise<FeedState | undefined>;
  /** Inserts or replaces the feed's state; leaves its lease alone. */
  save(state: FeedState): Promise<void>;
  /** Drops a feed's state and seen set (it moved, or nobody follows it any more). */
  forget(url: string): Promise<void>;
  /** Forgets every feed no subscription points at; returns how many. */
  forgetUnfollowed(): Promise<number>;
}

export interface SeenRepository {
  get(feedUrl: string): Promise<SeenSet | undefined>;
  /** Makes the stored seen set of the feed exactly `seen` (keys in order, oldest first). */
  save(feedUrl: string, seen: SeenSet): Promise<void>;
}

export interface DeliveryFilter {
  readonly state?: DeliveryState;
  readonly platform?: Platform;
  readonly channelId?: string;
  readonly subscriptionId?: string;
}

export interface OutboxStats {
  /** Deliveries waiting to be sent (pending), parked (paused subscription) and dead-lettered. */
  readonly pending: number;
  readonly parked: number;
  readonly dead: number;
  /** The due time of the oldest pending delivery whose time has come, if any. */
  readonly oldestDueAt?: Date;
}

/** Most deliveries a paused subscription keeps parked, unless the caller says otherwise. */
export const DEFAULT_MAX_PARKED_PER_SUBSCRIPTION = 100;

export interface AddDeliveriesOptions {
  /**
   * Most parked deliveries one paused subscription keeps (default DEFAULT_MAX_PARKED_PER_SUBSCRIPTION): past it,
   * its oldest parked ones are deleted and counted in the subscription's `parkedDropped`.
   */
  readonly maxParkedPerSubscription?: number;
}

/** One subscription's outbox: what waits, what is parked or dead-lettered, and what was sent since a time. */
export interface SubscriptionDeliveryCounts {
  readonly pending: number;
  readonly parked: number;
  readonly dead: number;
  readonly sentSince: number;
}

export interface DeliveryRepository {
  /**
   * Adds deliveries as pending (those of a paused subscription as parked, within the bound of `options`); an id
   * already present is left as it is, so a repeated poll cannot double a delivery. Marks each channel as having
   * work from `nextAttemptAt`.
   */
  add(deliveries: readonly Delivery[], options?: AddDeliveriesOptions): Promise<void>;
  /** For each of the subscriptions (every id is in the answer, with zeros when it has none), sent counted from `sentSince`. */
  countsBySubscription(subscriptionIds: readonly string[], sentSince: Date): Promise<Map<string, SubscriptionDeliveryCounts>>;
  get(id: string): Promise<StoredDelivery | undefined>;
  /** Oldest first (the order they were added in). */
  list(filter?: DeliveryFilter): Promise<StoredDelivery[]>;
  /** The channel's pending deliveries in order, oldest first, at most `limit`; the head may not be due yet. */
  nextForChannel(platform: Platform, channelId: string, limit: number): Promise<StoredDelivery[]>;
  markSent(id: string, at: Date): Promise<void>;
  /** A post is under way (platforms with no idempotency key); every outcome below clears it. */
  markSending(id: string, at: Date): Promise<void>;
  /**
   * A passing failure: counts the attempt and holds the delivery (and its channel) until `nextAttemptAt`. Keeps
   * `sendingSince`: the failed post may have reached the channel, so the retry looks for it first.
   */
  markRetry(id: string, attempts: number, nextAttemptAt: Date, error: string): Promise<void>;
  /** Gave up: dead-lettered after too many attempts, or rejected by the platform for good. Kept for inspection. */
  markFailed(id: string, state: 'dead' | 'rejected', attempts: number, error: string): Promise<void>;
  stats(now: Date): Promise<OutboxStats>;
  /** Deletes sent and rejected deliveries finished before `before`; returns how many. */
  pruneFinished(before: Date): Promise<number>;
}

/**
 * The items polls saw and the router's decision on each for each subscription, with its reason (`/feed why`).
 * Bounded: at most MAX_ITEMS_PER_FEED items per feed are kept (the oldest go first), and `prune` drops older ones.
 */
export interface DecisionRepository {
  /**
   * Records the items (an item already recorded keeps its first sighting) and the decisions (replacing an earlier
   * decision on the same item and subscription), then drops the feed's oldest items beyond the bound with theirs.
   */
  record(items: readonly SeenItemRecord[], decisions: readonly ItemDecision[]): Promise<void>;
  /** Items recorded under this link key or item id, in any feed, first seen first. */
  findItems(query: { readonly linkKey?: string; readonly itemId?: string }): Promise<SeenItemRecord[]>;
  /** The decisions on one item of a feed, one per subscription. */
  forItem(feedUrl: string, itemId: string): Promise<ItemDecision[]>;
  /** Deletes items first seen, and decisions made, before `before`; returns how many items. */
  prune(before: Date): Promise<number>;
}

/** Items per feed whose decisions are kept: more than almost any feed holds at once, and more than its seen set keeps (at least 200). */
export const MAX_ITEMS_PER_FEED = 500;

export interface ChannelKey {
  readonly platform: Platform;
  readonly channelId: string;
}

export interface LeaseRepository {
  /**
   * Leases up to `limit` feeds that are due (next poll at or before `now`, or never polled), have at least one
   * subscription, and are not leased by anyone else; earliest due first. Returns their URLs.
   */
  claimDueFeeds(owner: string, now: Date, limit: number, leaseMs: number): Promise<string[]>;
  /** Whether `owner` still holds the feed's lease at `now` (checked inside a poll's transaction). */
  holdsFeed(owner: string, url: string, now: Date): Promise<boolean>;
  /**
   * Ends `owner`'s lease on the feed. With `notBefore`, nobody may claim the feed before then (a poll that met a
   * store error retries after a pause instead of at once; this hold is not renewed).
   */
  releaseFeed(owner: string, url: string, notBefore?: Date): Promise<void>;
  /** Leases up to `limit` channels of the given platforms whose oldest pending delivery is due. */
  claimDueChannels(owner: string, platforms: readonly Platform[], now: Date, limit: number, leaseMs: number): Promise<ChannelKey[]>;
  /** Ends the channel's lease and records when its next pending delivery is due (none: idle). */
  releaseChannel(owner: string, channel: ChannelKey): Promise<void>;
  /** Extends every lease `owner` holds (feeds, channels, gateway shards) to `now + leaseMs`; returns how many it holds. */
  renew(owner: string, now: Date, leaseMs: number): Promise<number>;
  /** Every owner that holds a lease on a feed, channel or gateway shard (expired or not). */
  owners(): Promise<string[]>;
  /** Ends every lease of `owner` (a process known to be dead) and its gateway membership; returns how many leases. */
  releaseAll(owner: string): Promise<number>;
  /** Feeds due at `now` that nobody holds: the poller's backlog. */
  countDueFeeds(now: Date): Promise<number>;
}

/**
 * Discord's gateway shards, leased to the processes that run the gateway. Shards of one count are the rows
 * (count, 0..count-1); a process holds a shard while its lease lasts and connects it only then.
 */
export interface ShardRepository {
  /** Says `owner` runs the gateway until `now + leaseMs`; returns how many processes do now, itself included. */
  heartbeat(owner: string, now: Date, leaseMs: number): Promise<number>;
  /** The shard counts that some process holds a live lease for (normally one, or none). */
  countsInUse(now: Date): Promise<number[]>;
  /** Leases up to `limit` free shards of `shardCount`, lowest ids first; returns their ids. */
  claim(owner: string, shardCount: number, now: Date, limit: number, leaseMs: number): Promise<number[]>;
  /** Extends `owner`'s shard leases it still holds; returns the ids it holds of `shardCount`. */
  renew(owner: string, shardCount: number, now: Date, leaseMs: number): Promise<number[]>;
  release(owner: string, shardCount: number, shardId: number): Promise<void>;
  /** Gives up every shard and the membership (a clean stop). */
  leave(owner: string): Promise<void>;
  /**
   * Takes the bucket's next IDENTIFY slot if it is free at `now` (the next one then opens `spacingMs` later);
   * returns 0 when taken, else how many milliseconds until it is free.
   */
  takeIdentifySlot(bucket: number, now: Date, spacingMs: number): Promise<number>;
}

/** What a transaction's work may use: the same repositories, inside the transaction. */
export interface StoreSession {
  readonly subscriptions: SubscriptionRepository;
  readonly feeds: FeedRepository;
  readonly seen: SeenRepository;
  readonly deliveries: DeliveryRepository;
  readonly leases: LeaseRepository;
  readonly shards: ShardRepository;
  readonly decisions: DecisionRepository;
  readonly workspaceRules: WorkspaceRuleRepository;
}

export interface Store extends StoreSession {
  readonly engine: 'sqlite' | 'postgres';
  /** Where the data lives, for log lines (credentials hidden). */
  readonly description: string;
  /** Runs `work` in one transaction: all its writes commit together, or none (it rethrows what `work` threw). */
  transaction<T>(work: (session: StoreSession) => Promise<T>): Promise<T>;
  /** Throws unless the database answers (for /readyz). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
