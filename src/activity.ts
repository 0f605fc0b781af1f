/**
 * What the core reports while it works, for whoever wants to know: the log, the console adapter, later
 * metrics and admin notices. Listeners must not throw; each method is optional.
 */
import type { Platform, Subscription } from './store/records.ts';

/** How one poll ended: new items, parsed but nothing new, 304, a failed fetch, or an error of Herald's own (store). */
export type PollResult = 'new' | 'unchanged' | 'not_modified' | 'failed' | 'error';

/** How one delivery attempt ended. */
export type DeliveryResult = 'sent' | 'retry' | 'parked' | 'rejected' | 'dead';

export interface PausedEvent {
  readonly subscription: Subscription;
  readonly reason: string;
  readonly itemsKept: boolean;
}

/** A post was to ping a role or user group that no longer exists: it went out without the ping, and the mention was removed. */
export interface MentionLostEvent {
  readonly subscription: Subscription;
  readonly roleId: string;
  readonly roleName: string;
}

export interface ActivityListener {
  /** `decisions`: rule decisions made (one per new item and active subscription); `deliveries` of them matched. */
  feedPolled?(event: { url: string; title: string; items: number; newItems: number; deliveries: number; decisions: number; baseline: boolean }): void;
  feedNotModified?(event: { url: string }): void;
  feedFailed?(event: { url: string; error: unknown; consecutiveFailures: number; retryInSeconds: number; subscriptions: readonly Subscription[] }): void;
  delivered?(event: { subscriptionId: string; platform: string; channelId: string; title: string }): void;
  /** `itemsKept`: items for it are held and posted on resume (a lost channel), not skipped (a failing feed). */
  subscriptionPaused?(event: PausedEvent): void;
  mentionLost?(event: MentionLostEvent): void;
  pollFinished?(event: { url: string; result: PollResult; durationSeconds: number }): void;
  deliveryFinished?(event: { platform: Platform; result: DeliveryResult; rateLimited: boolean }): void;
  /** A store operation failed; the work that met it is retried. */
  storeError?(event: { operation: string; error: unknown }): void;
}

/** Fans one event out to several listeners. */
export function combineListeners(listeners: readonly ActivityListener[]): Required<ActivityListener> {
  const call = <K extends keyof ActivityListener>(name: K) =>
    ((event: never) => {
      for (const listener of listeners) (listener[name] as ((event: never) => void) | undefined)?.call(listener, event);
    }) as Required<ActivityListener>[K];
  return {
    feedPolled: call('feedPolled'),
    feedNotModified: call('feedNotModified'),
    feedFailed: call('feedFailed'),
    delivered: call('delivered'),
    subscriptionPaused: call('subscriptionPaused'),
    mentionLost: call('mentionLost'),
    pollFinished: call('pollFinished'),
    deliveryFinished: call('deliveryFinished'),
    storeError: call('storeError'),
  };
}
