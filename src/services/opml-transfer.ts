/**
 * Moving subscriptions in and out as OPML: an import subscribes one channel to every feed of a list through the
 * subscription service (each feed fetched and its baseline recorded, as /feed add does), reporting each feed as it
 * goes; an export writes a channel's or a whole workspace's subscriptions, rules included.
 */
import { HeraldError, userMessageOf } from '../errors.ts';
import { writeOpml } from '../feeds/opml.ts';
import type { OpmlDocument, OpmlFeed } from '../feeds/opml.ts';
import type { Subscription } from '../store/records.ts';
import type { SubscriptionService, Workspace } from './subscription-service.ts';

export interface ImportTarget extends Workspace {
  readonly channelId: string;
  /** Used for feeds the list gives no Herald rule of their own. */
  readonly rule?: string;
  readonly createdBy: string;
}

export type ImportOutcome =
  | { readonly kind: 'added'; readonly subscription: Subscription; readonly itemCount: number }
  | { readonly kind: 'skipped'; readonly reason: string }
  | { readonly kind: 'failed'; readonly reason: string };

export interface ImportReport {
  readonly added: number;
  readonly skipped: number;
  readonly failed: number;
}

/** Subscribes the channel to each feed in turn; `progress` hears each outcome with its position. */
export async function importOpml(
  subscriptions: SubscriptionService,
  document: OpmlDocument,
  target: ImportTarget,
  progress: (position: number, total: number, feed: OpmlFeed, outcome: ImportOutcome) => void,
): Promise<ImportReport> {
  const counts = { added: 0, skipped: 0, failed: 0 };
  const total = document.feeds.length;
  for (const [index, feed] of document.feeds.entries()) {
    let outcome: ImportOutcome;
    try {
      const added = await subscriptions.add({ ...target, url: feed.xmlUrl, rule: feed.rule ?? target.rule ?? '' });
      outcome = { kind: 'added', ...added };
    } catch (error) {
      const duplicate = error instanceof HeraldError && error.code === 'duplicate-subscription';
      outcome = { kind: duplicate ? 'skipped' : 'failed', reason: userMessageOf(error) };
    }
    counts[outcome.kind] += 1;
    progress(index + 1, total, feed, outcome);
  }
  return counts;
}

/** The subscriptions as an OPML document, one folder per channel, rules kept. */
export function exportOpml(title: string, subscriptions: readonly Subscription[], channelLabel: (subscription: Subscription) => string, now?: Date): string {
  const feeds = subscriptions.map((subscription): OpmlFeed => ({
    xmlUrl: subscription.feedUrl,
    title: subscription.feedTitle,
    rule: subscription.rule,
    folders: [channelLabel(subscription)],
  }));
  return writeOpml({ title, feeds }, now);
}
