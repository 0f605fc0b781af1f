/**
 * `/feed why <link>`: whether Herald saw an item, and for each of this workspace's subscriptions of the feed it was
 * in, whether it matched and why, and whether it was posted (when) or why not. Reads the decisions each poll
 * stores (migration 006) and the outbox; only this workspace's subscriptions are shown, so nothing is told about
 * other servers' feeds. Accepts the link as pasted: in <…>, with or without a trailing slash, over http or https.
 */
import { HeraldError } from '../errors.ts';
import { deliveryId } from '../delivery/route-items.ts';
import { linkKey } from '../net/link-key.ts';
import type { ItemDecision, SeenItemRecord, StoredDelivery, Subscription } from '../store/records.ts';
import type { Store } from '../store/store.ts';
import type { Workspace } from './subscription-service.ts';

/** What happened to the item in one subscription: posted, on its way (or held), or not posted. */
export type ItemOutcome = 'posted' | 'waiting' | 'not-posted';

export interface SubscriptionAnswer {
  readonly subscription: Subscription;
  readonly outcome: ItemOutcome;
  /** In words, starting with what happened: `posted 2026-12-02 04:10 UTC; matched "kafka" in title`. */
  readonly text: string;
}

export interface ItemSighting {
  readonly item: SeenItemRecord;
  readonly feedTitle: string;
  readonly subscriptions: readonly SubscriptionAnswer[];
}

export interface ItemExplanation {
  /** The link or id as looked up (without the <> it was pasted in). */
  readonly asked: string;
  /** Empty: no feed followed here has had the item (as far as Herald keeps records). */
  readonly sightings: readonly ItemSighting[];
}

export async function explainItem(store: Store, workspace: Workspace, pasted: string): Promise<ItemExplanation> {
  const asked = unwrap(pasted);
  if (asked === '') {
    throw new HeraldError('why-missing-link', 'no item link given', { userMessage: 'Give the link of the item, as posted or as in the feed: `/feed why https://example.org/post`.' });
  }
  const found = await store.decisions.findItems({ linkKey: linkKey(asked), itemId: asked });
  if (found.length === 0) return { asked, sightings: [] };
  const subscriptions = await store.subscriptions.listByWorkspace(workspace.platform, workspace.workspaceId);
  const sightings: ItemSighting[] = [];
  for (const item of found) {
    const decisions = new Map((await store.decisions.forItem(item.feedUrl, item.itemId)).map((decision) => [decision.subscriptionId, decision]));
    const concerned = subscriptions.filter((subscription) => subscription.feedUrl === item.feedUrl || decisions.has(subscription.id));
    if (concerned.length === 0) continue;
    const answers = await Promise.all(concerned.map((subscription) => answerFor(store, subscription, item, decisions.get(subscription.id))));
    sightings.push({ item, feedTitle: concerned[0]!.feedTitle, subscriptions: answers });
  }
  return { asked, sightings };
}

/** `<https://…>` and Slack's `<https://…|label>` as the link inside. */
function unwrap(pasted: string): string {
  const text = pasted.trim();
  const bracketed = /^<([^<>]*)>$/su.exec(text);
  return bracketed === null ? text : bracketed[1]!.split('|')[0]!.trim();
}

async function answerFor(store: Store, subscription: Subscription, item: SeenItemRecord, decision: ItemDecision | undefined): Promise<SubscriptionAnswer> {
  const answer = (outcome: ItemOutcome, text: string): SubscriptionAnswer => ({ subscription, outcome, text });
  if (decision === undefined) return answer('not-posted', `not posted: ${undecidedReason(subscription, item)}`);
  if (!decision.delivered) return answer('not-posted', `not posted: ${decision.reason}`);
  const delivery = await store.deliveries.get(deliveryId(subscription.id, item.itemId));
  if (delivery === undefined) {
    return answer('posted', `handed over for posting ${timeOf(decision.decidedAt)} (how it went is kept for a week only); ${decision.reason}`);
  }
  return deliveryAnswer(delivery, decision.reason, subscription, answer);
}

function deliveryAnswer(
  delivery: StoredDelivery,
  reason: string,
  subscription: Subscription,
  answer: (outcome: ItemOutcome, text: string) => SubscriptionAnswer,
): SubscriptionAnswer {
  const lastError = delivery.lastError === undefined ? '' : ` (last error: ${delivery.lastError})`;
  switch (delivery.state) {
    case 'sent':
      return answer('posted', `posted${delivery.sentAt === undefined ? '' : ` ${timeOf(delivery.sentAt)}`}; ${reason}`);
    case 'pending':
      return answer(
        'waiting',
        delivery.attempts === 0
          ? `${reason}; waiting to be posted`
          : `${reason}; not posted yet: ${delivery.attempts} ${delivery.attempts === 1 ? 'attempt' : 'attempts'} failed${lastError}, next try ${timeOf(delivery.nextAttemptAt)}`,
      );
    case 'parked':
      return answer('waiting', `${reason}; held while the subscription is paused${subscription.pausedReason === undefined ? '' : ` (${subscription.pausedReason})`}: /feed resume posts it`);
    case 'dead':
      return answer('not-posted', `not posted: ${reason}, but posting failed ${delivery.attempts} times and Herald gave up${lastError}`);
    case 'rejected':
      return answer('not-posted', `not posted: ${reason}, but ${platformName(delivery.platform)} refused the post${lastError}`);
  }
}

/** No decision of this subscription on the item: it was there before the subscription, or before Herald read the feed. */
function undecidedReason(subscription: Subscription, item: SeenItemRecord): string {
  if (Date.parse(item.firstSeenAt) <= Date.parse(subscription.createdAt)) {
    return `it was already in the feed when the subscription was made (${timeOf(subscription.createdAt)}), and what a feed holds then is never posted`;
  }
  if (item.baseline) return `it was in the feed when Herald first read it (${timeOf(item.firstSeenAt)}), and what a feed holds then is never posted`;
  return 'Herald kept no decision of this subscription on it';
}

function platformName(platform: Subscription['platform']): string {
  return platform === 'discord' ? 'Discord' : platform === 'slack' ? 'Slack' : 'the console';
}

function timeOf(iso: string): string {
  return `${iso.slice(0, 16).replace('T', ' ')} UTC`;
}
