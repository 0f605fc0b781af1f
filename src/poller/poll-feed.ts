/**
 * One poll of one feed, the whole data path in order: load (conditional GET, decode, parse) -> select new items
 * -> route them through each subscription's rule -> write the deliveries, the decisions with their reasons (for
 * /feed why), the advanced seen set and the feed's new state in one transaction. A crash leaves all of them or
 * none, so an item is never lost and never doubled; the deterministic delivery ids make even a repeated poll
 * harmless. Given a lease owner, the transaction first checks that this process still holds the feed, so a poll
 * whose lease was taken over commits nothing, and it ends the lease in the same commit.
 */
import type { ActivityListener } from '../activity.ts';
import type { RuleCache } from '../delivery/rule-cache.ts';
import { decisionRecords, seenItemRecords } from '../delivery/decision-records.ts';
import { routeItems, workspaceKey } from '../delivery/route-items.ts';
import { HeraldError, messageOf } from '../errors.ts';
import type { loadFeed } from '../feeds/load-feed.ts';
import type { Logger } from '../log.ts';
import { selectNewItems } from '../newness/select-new-items.ts';
import type { FeedState, Subscription } from '../store/records.ts';
import type { Store, StoreSession } from '../store/store.ts';
import { nextIntervalSeconds, nextPollTime, siteMinimum } from './poll-interval.ts';

/** How long a feed may keep failing before its subscriptions are paused and their managers told. */
export const FAILING_TOO_LONG_MS = 24 * 60 * 60 * 1000;

/** What a successful poll (or a 304) resets. */
const HEALTHY = { consecutiveFailures: 0, lastError: undefined, failingSince: undefined } as const;

export interface PollDependencies {
  readonly store: Store;
  readonly load: typeof loadFeed;
  readonly rules: RuleCache;
  readonly log: Logger;
  readonly activity: Required<ActivityListener>;
  readonly allowPrivateUrls: boolean;
  readonly pollIntervalSeconds: number;
  readonly maxItemAgeDays: number;
  /** Posts per subscription per poll before the rest become one summary post. */
  readonly maxPostsPerPoll?: number;
  /** Deliveries a paused subscription keeps parked (the store's default when unset). */
  readonly maxParkedPerSubscription?: number;
  readonly clock: () => Date;
  /** Aborted when Herald stops: a fetch under way ends at once, and the feed is left for the next poll. */
  readonly signal?: AbortSignal;
}

export type PollOutcome =
  | { readonly kind: 'polled'; readonly newItems: number; readonly deliveries: number; readonly baseline: boolean }
  | { readonly kind: 'not-modified' }
  | { readonly kind: 'failed'; readonly error: unknown };

/** Thrown inside a poll's transaction when another process took the feed over meanwhile: nothing is committed. */
export class LeaseLostError extends HeraldError {
  constructor(url: string) {
    super('lease-lost', `the lease on ${url} expired and was taken over during the poll; its results were discarded`);
  }
}

export async function pollFeed(url: string, deps: PollDependencies, leaseOwner?: string): Promise<PollOutcome> {
  return pollFollowedFeed(url, forFollowers(deps, await deps.store.subscriptions.listByFeed(url)), leaseOwner);
}

/**
 * What a feed's followers change about its poll. A feed the config file follows is the operator's choice: it may be
 * a file or on a private network (chat cannot add such a URL; see SubscriptionService.add). The feed is polled as
 * often as its most eager follower asks, the others at the default.
 */
function forFollowers(deps: PollDependencies, followers: readonly Subscription[]): PollDependencies & { readonly operatorsFeed: boolean } {
  const operatorsFeed = followers.some((subscription) => subscription.source === 'config');
  const intervals = followers.map((subscription) => subscription.intervalSeconds ?? deps.pollIntervalSeconds);
  return {
    ...deps,
    operatorsFeed,
    allowPrivateUrls: deps.allowPrivateUrls || operatorsFeed,
    pollIntervalSeconds: intervals.length === 0 ? deps.pollIntervalSeconds : Math.min(...intervals),
  };
}

async function pollFollowedFeed(url: string, deps: PollDependencies & { readonly operatorsFeed: boolean }, leaseOwner?: string): Promise<PollOutcome> {
  const { store } = deps;
  const state: FeedState = (await store.feeds.get(url)) ?? { url, consecutiveFailures: 0 };
  const log = deps.log.child({ feed: url });
  const fence = async (session: StoreSession) => {
    if (leaseOwner !== undefined && !(await session.leases.holdsFeed(leaseOwner, url, deps.clock()))) throw new LeaseLostError(url);
  };
  /** The lease ends in the poll's own transaction: one commit per poll. */
  const release = async (session: StoreSession) => {
    if (leaseOwner !== undefined) await session.leases.releaseFeed(leaseOwner, url);
  };
  let loaded;
  try {
    loaded = await deps.load(url, { etag: state.etag, lastModified: state.lastModified, allowPrivate: deps.allowPrivateUrls, allowFile: deps.operatorsFeed, ...(deps.signal ? { signal: deps.signal } : {}) });
  } catch (error) {
    if (deps.signal?.aborted) {
      // Not the feed's fault: no failure is recorded, and the next process may poll it at once.
      await store.transaction(release);
      return { kind: 'failed', error };
    }
    await recordFailure(url, state, error, deps, async (session) => {
      await fence(session);
      await release(session);
    });
    return { kind: 'failed', error };
  }
  const polledAt = deps.clock();
  if (loaded.status === 'not-modified') {
    const fromMaxAge = siteMinimum(undefined, loaded.maxAgeSeconds);
    const minimum = fromMaxAge === undefined ? { minIntervalSeconds: state.minIntervalSeconds, minIntervalSource: state.minIntervalSource } : { minIntervalSeconds: fromMaxAge.seconds, minIntervalSource: fromMaxAge.source };
    await store.transaction(async (session) => {
      await fence(session);
      await saveState(session, deps, { ...state, lastPolledAt: polledAt.toISOString(), ...HEALTHY, ...minimum }, polledAt);
      await release(session);
    });
    deps.activity.feedNotModified({ url });
    await followPermanentRedirect(url, loaded.permanentUrl, deps);
    return { kind: 'not-modified' };
  }
  const { feed } = loaded;
  const minimum = siteMinimum(feed.ttlMinutes, loaded.maxAgeSeconds);
  const result = await store.transaction(async (session) => {
    await fence(session);
    const newness = selectNewItems(feed.items, await session.seen.get(url));
    const subscriptions = await session.subscriptions.listByFeed(url);
    const routed = routeItems(newness.newItems, feed.title, subscriptions, {
      now: polledAt, maxItemAgeDays: deps.maxItemAgeDays, rules: deps.rules, maxPostsPerPoll: deps.maxPostsPerPoll, feedLink: feed.link,
      workspaceRules: newness.newItems.length === 0 ? undefined : await workspaceRulesOf(session, subscriptions),
    });
    await session.deliveries.add(routed.deliveries, { maxParkedPerSubscription: deps.maxParkedPerSubscription });
    await session.decisions.record(
      seenItemRecords(url, newness.baseline ? feed.items : newness.newItems, polledAt, newness.baseline),
      decisionRecords(url, routed.decisions, polledAt),
    );
    await session.seen.save(url, newness.seen);
    await saveState(
      session,
      deps,
      {
        ...state,
        title: feed.title,
        etag: loaded.etag,
        lastModified: loaded.lastModified,
        lastPolledAt: polledAt.toISOString(),
        minIntervalSeconds: minimum?.seconds,
        minIntervalSource: minimum?.source,
        ...HEALTHY,
      },
      polledAt,
    );
    await release(session);
    return { newness, routed };
  });
  const { newness, routed } = result;
  const stretchedByTtl = minimum?.source === 'ttl' && minimum.seconds > deps.pollIntervalSeconds;
  if (stretchedByTtl && (state.minIntervalSource !== 'ttl' || state.minIntervalSeconds !== minimum.seconds)) {
    log.info("the feed's <ttl> stretches its poll interval: it is polled less often than HERALD_POLL_INTERVAL asks", {
      ttlMinutes: feed.ttlMinutes, intervalSeconds: minimum.seconds, pollIntervalSeconds: deps.pollIntervalSeconds,
    });
  }
  if (newness.switchedToLinkIdentity) log.warn('this feed changes its item ids on every fetch; items are now recognised by their links');
  if (log.isLevelEnabled('debug')) for (const decision of routed.decisions) log.debug('routing decision', { ...decision });
  deps.activity.feedPolled({
    url, title: feed.title, items: feed.items.length, newItems: newness.newItems.length, deliveries: routed.deliveries.length, baseline: newness.baseline,
    decisions: routed.decisions.length,
  });
  await followPermanentRedirect(url, loaded.permanentUrl, deps);
  return { kind: 'polled', newItems: newness.newItems.length, deliveries: routed.deliveries.length, baseline: newness.baseline };
}

/** The admin rules of the workspaces that follow this feed, read once per poll (not per item or subscription). */
async function workspaceRulesOf(session: StoreSession, subscriptions: readonly Subscription[]): Promise<Map<string, string>> {
  const rules = new Map<string, string>();
  for (const { platform, workspaceId, paused } of subscriptions) {
    if (paused) continue;
    const key = workspaceKey(platform, workspaceId);
    if (rules.has(key)) continue;
    rules.set(key, (await session.workspaceRules.get(platform, workspaceId))?.rule ?? '');
  }
  return rules;
}

/**
 * A feed that moved for good (every redirect 301/308) is followed at its new address from now on: its
 * subscriptions, state and seen set move there, in one transaction. If the new address is already followed, its
 * own state and seen set stay, since they are current for it. Runs after the poll was recorded, so a crash in
 * between only delays the move.
 */
async function followPermanentRedirect(from: string, to: string | undefined, deps: PollDependencies): Promise<void> {
  if (to === undefined || to === from) return;
  const moved = await deps.store.transaction(async (session) => {
    if ((await session.feeds.get(to)) === undefined) {
      const state = await session.feeds.get(from);
      const seen = await session.seen.get(from);
      if (state !== undefined) await session.feeds.save({ ...state, url: to });
      if (seen !== undefined) await session.seen.save(to, seen);
    }
    const count = await session.subscriptions.moveFeed(from, to);
    await session.feeds.forget(from);
    return count;
  });
  deps.log.info('feed moved permanently; its subscriptions follow the new address', { feed: from, movedTo: to, subscriptions: moved });
}

async function saveState(session: StoreSession, deps: PollDependencies, state: FeedState, now: Date, retryAfterSeconds?: number): Promise<number> {
  const seconds = nextIntervalSeconds({
    baseSeconds: deps.pollIntervalSeconds,
    siteMinimumSeconds: state.minIntervalSeconds,
    consecutiveFailures: state.consecutiveFailures,
    retryAfterSeconds,
  });
  const aligned = state.consecutiveFailures === 0 && state.minIntervalSeconds === undefined;
  await session.feeds.save({ ...state, nextPollAt: nextPollTime(state.url, now, seconds, aligned).toISOString() });
  return seconds;
}

async function recordFailure(url: string, state: FeedState, error: unknown, deps: PollDependencies, fenceAndRelease: (session: StoreSession) => Promise<void>): Promise<void> {
  const now = deps.clock();
  const failures = state.consecutiveFailures + 1;
  const failingSince = state.failingSince ?? now.toISOString();
  const retryAfterSeconds = (error as { retryAfterSeconds?: number }).retryAfterSeconds;
  const message = messageOf(error);
  const failed = { ...state, consecutiveFailures: failures, lastError: message, failingSince };
  const pauseReason =
    error instanceof HeraldError && error.code === 'gone'
      ? 'the feed is gone (the site answered 410 Gone)'
      : now.getTime() - Date.parse(failingSince) >= FAILING_TOO_LONG_MS
        ? `the feed has failed for more than a day (since ${failingSince.slice(0, 16).replace('T', ' ')} UTC): ${(error instanceof HeraldError ? error.userMessage : message).replace(/\.$/u, '')}`
        : undefined;
  const { retryInSeconds, subscriptions, paused } = await deps.store.transaction(async (session) => {
    await fenceAndRelease(session);
    const retryIn = await saveState(session, deps, failed, now, retryAfterSeconds);
    const followers = await session.subscriptions.listByFeed(url);
    const newlyPaused: Subscription[] = [];
    if (pauseReason !== undefined) {
      for (const subscription of followers.filter((candidate) => !candidate.paused)) {
        const updated = await session.subscriptions.setPaused(subscription.id, true, pauseReason, now);
        if (updated !== undefined) newlyPaused.push(updated);
      }
    }
    return { retryInSeconds: retryIn, subscriptions: followers, paused: newlyPaused };
  });
  deps.log.warn('feed fetch failed', { feed: url, error, consecutiveFailures: failures, failingSince, retryInSeconds });
  deps.activity.feedFailed({ url, error, consecutiveFailures: failures, retryInSeconds, subscriptions });
  for (const subscription of paused) {
    deps.log.warn('subscription paused', { subscription: subscription.id, feed: subscription.feedUrl, reason: pauseReason });
    deps.activity.subscriptionPaused({ subscription, reason: pauseReason!, itemsKept: false });
  }
}
