/**
 * One poll of one feed, the whole data path in order: load (conditional GET, decode, parse) -> select new items
 * -> route them through each subscription's rule -> write the deliveries to the outbox -> only then advance the
 * seen set and the feed state. A crash between two steps therefore repeats work but never loses an item, and the
 * outbox's deterministic delivery ids make the repeat harmless.
 */
import type { ActivityListener } from '../activity.ts';
import type { RuleCache } from '../delivery/rule-cache.ts';
import { routeItems } from '../delivery/route-items.ts';
import { HeraldError, messageOf } from '../errors.ts';
import type { loadFeed } from '../feeds/load-feed.ts';
import type { Logger } from '../log.ts';
import { selectNewItems } from '../newness/select-new-items.ts';
import type { Repositories } from '../store/repositories.ts';
import type { FeedState, Subscription } from '../store/records.ts';
import { nextIntervalSeconds, siteMinimumInterval } from './poll-interval.ts';

/** How long a feed may keep failing before its subscriptions are paused and their managers told. */
export const FAILING_TOO_LONG_MS = 24 * 60 * 60 * 1000;
/** What a successful poll (or a 304) resets. */
const HEALTHY = { consecutiveFailures: 0, lastError: undefined, failingSince: undefined } as const;

export interface PollDependencies {
  readonly repos: Repositories;
  readonly load: typeof loadFeed;
  readonly rules: RuleCache;
  readonly log: Logger;
  readonly activity: Required<ActivityListener>;
  readonly allowPrivateUrls: boolean;
  readonly pollIntervalSeconds: number;
  readonly maxItemAgeDays: number;
  readonly clock: () => Date;
}

export type PollOutcome =
  | { readonly kind: 'polled'; readonly newItems: number; readonly deliveries: number; readonly baseline: boolean }
  | { readonly kind: 'not-modified' }
  | { readonly kind: 'failed'; readonly error: unknown };

export async function pollFeed(url: string, deps: PollDependencies): Promise<PollOutcome> {
  const state: FeedState = (await deps.repos.getFeedState(url)) ?? { url, consecutiveFailures: 0 };
  const log = deps.log.child({ feed: url });
  let loaded;
  try {
    loaded = await deps.load(url, { etag: state.etag, lastModified: state.lastModified, allowPrivate: deps.allowPrivateUrls });
  } catch (error) {
    await recordFailure(url, state, error, deps);
    return { kind: 'failed', error };
  }

  const polledAt = deps.clock();
  if (loaded.status === 'not-modified') {
    const minimum = siteMinimumInterval(undefined, loaded.maxAgeSeconds) ?? state.minIntervalSeconds;
    await saveState(deps, { ...state, lastPolledAt: polledAt.toISOString(), ...HEALTHY, minIntervalSeconds: minimum }, polledAt);
    deps.activity.feedNotModified({ url });
    await followPermanentRedirect(url, loaded.permanentUrl, deps);
    return { kind: 'not-modified' };
  }

  const { feed } = loaded;
  const newness = selectNewItems(feed.items, await deps.repos.getSeenSet(url));
  if (newness.switchedToLinkIdentity) log.warn('this feed changes its item ids on every fetch; items are now recognised by their links');
  const subscriptions = await deps.repos.subscriptionsOfFeed(url);
  const { deliveries, decisions } = routeItems(newness.newItems, feed.title, subscriptions, {
    now: polledAt,
    maxItemAgeDays: deps.maxItemAgeDays,
    rules: deps.rules,
  });
  for (const decision of decisions) log.debug('routing decision', { ...decision });
  await deps.repos.addDeliveries(deliveries);
  await deps.repos.saveSeenSet(url, newness.seen);
  await saveState(
    deps,
    {
      ...state,
      title: feed.title,
      etag: loaded.etag,
      lastModified: loaded.lastModified,
      lastPolledAt: polledAt.toISOString(),
      minIntervalSeconds: siteMinimumInterval(feed.ttlMinutes, loaded.maxAgeSeconds),
      ...HEALTHY,
    },
    polledAt,
  );
  deps.activity.feedPolled({ url, title: feed.title, items: feed.items.length, newItems: newness.newItems.length, deliveries: deliveries.length, baseline: newness.baseline });
  await followPermanentRedirect(url, loaded.permanentUrl, deps);
  return { kind: 'polled', newItems: newness.newItems.length, deliveries: deliveries.length, baseline: newness.baseline };
}

/**
 * A feed that moved for good (every redirect 301/308) is followed at its new address from now on: its
 * subscriptions, state and seen set move there. If the new address is already followed, its own state and seen set
 * stay, since they are current for it. Runs after the poll was recorded, so a crash in between only delays the move.
 */
async function followPermanentRedirect(from: string, to: string | undefined, deps: PollDependencies): Promise<void> {
  if (to === undefined || to === from) return;
  const { repos } = deps;
  if ((await repos.getFeedState(to)) === undefined) {
    const state = await repos.getFeedState(from);
    const seen = await repos.getSeenSet(from);
    if (seen !== undefined) await repos.saveSeenSet(to, seen);
    if (state !== undefined) await repos.saveFeedState({ ...state, url: to });
  }
  const moved = await repos.subscriptionsOfFeed(from);
  for (const subscription of moved) await repos.subscriptions.update(subscription.id, (current) => ({ ...current, feedUrl: to }));
  await repos.forgetFeed(from);
  deps.log.info('feed moved permanently; its subscriptions follow the new address', { feed: from, movedTo: to, subscriptions: moved.length });
}

async function saveState(deps: PollDependencies, state: FeedState, now: Date, retryAfterSeconds?: number): Promise<number> {
  const seconds = nextIntervalSeconds({
    baseSeconds: deps.pollIntervalSeconds,
    siteMinimumSeconds: state.minIntervalSeconds,
    consecutiveFailures: state.consecutiveFailures,
    retryAfterSeconds,
  });
  await deps.repos.saveFeedState({ ...state, nextPollAt: new Date(now.getTime() + seconds * 1000).toISOString() });
  return seconds;
}

async function recordFailure(url: string, state: FeedState, error: unknown, deps: PollDependencies): Promise<void> {
  const now = deps.clock();
  const failures = state.consecutiveFailures + 1;
  const failingSince = state.failingSince ?? now.toISOString();
  const retryAfterSeconds = (error as { retryAfterSeconds?: number }).retryAfterSeconds;
  const message = messageOf(error);
  const retryInSeconds = await saveState(deps, { ...state, consecutiveFailures: failures, lastError: message, failingSince }, now, retryAfterSeconds);
  const subscriptions = await deps.repos.subscriptionsOfFeed(url);
  deps.log.warn('feed fetch failed', { feed: url, error, consecutiveFailures: failures, failingSince, retryInSeconds });
  deps.activity.feedFailed({ url, error, consecutiveFailures: failures, retryInSeconds, subscriptions });
  if (error instanceof HeraldError && error.code === 'gone') {
    await pauseSubscriptions(subscriptions, 'the feed is gone (the site answered 410 Gone)', deps);
  } else if (now.getTime() - Date.parse(failingSince) >= FAILING_TOO_LONG_MS) {
    const why = error instanceof HeraldError ? error.userMessage : message;
    await pauseSubscriptions(subscriptions, `the feed has failed for more than a day (since ${failingSince.slice(0, 16).replace('T', ' ')} UTC): ${why.replace(/\.$/u, '')}`, deps);
  }
}

/** Pauses the feed's active subscriptions, so each manager hears of it once (ManagerNotices) and the poller keeps trying. */
async function pauseSubscriptions(subscriptions: readonly Subscription[], reason: string, deps: PollDependencies): Promise<void> {
  for (const subscription of subscriptions.filter((candidate) => !candidate.paused)) {
    const paused = await deps.repos.subscriptions.update(subscription.id, (current) => ({ ...current, paused: true, pausedReason: reason }));
    if (paused === undefined) continue;
    deps.log.warn('subscription paused', { subscription: paused.id, feed: paused.feedUrl, reason });
    deps.activity.subscriptionPaused({ subscription: paused, reason, itemsKept: false });
  }
}
