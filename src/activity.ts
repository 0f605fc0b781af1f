/**
 * What the core reports while it works, for whoever wants to know: the log, the console adapter, later
 * metrics and admin notices. Listeners must not throw; each method is optional.
 */
import type { Subscription } from './store/records.ts';

export interface PausedEvent {
  readonly subscription: Subscription;
  readonly reason: string;
  readonly itemsKept: boolean;
}

export interface ActivityListener {
  feedPolled?(event: { url: string; title: string; items: number; newItems: number; deliveries: number; baseline: boolean }): void;
  feedNotModified?(event: { url: string }): void;
  feedFailed?(event: { url: string; error: unknown; consecutiveFailures: number; retryInSeconds: number; subscriptions: readonly Subscription[] }): void;
  delivered?(event: { subscriptionId: string; platform: string; channelId: string; title: string }): void;
  /** `itemsKept`: items for it are held and posted on resume (a lost channel), not skipped (a failing feed). */
  subscriptionPaused?(event: PausedEvent): void;
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
  };
}
