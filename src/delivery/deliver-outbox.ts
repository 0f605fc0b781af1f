/**
 * The delivery worker: sends what the outbox holds and removes a delivery only once its platform accepted it.
 * Deliveries to one channel go out one at a time, oldest first; channels are served in parallel up to a limit.
 * A lost channel pauses its subscription and parks the deliveries (they go out after a resume); a passing
 * failure retries with exponential backoff; a message the platform can never accept is dropped with an error line.
 */
import type { ActivityListener } from '../activity.ts';
import type { Logger } from '../log.ts';
import type { Repositories } from '../store/repositories.ts';
import type { Delivery, Platform, Subscription } from '../store/records.ts';
import type { MessageSender, SendOutcome } from './message-sender.ts';
import { fromStoredMessage } from './stored-message.ts';
import { messageOf } from '../errors.ts';

const PARALLEL_CHANNELS = 4;
const MAX_RETRY_DELAY_MS = 60 * 60 * 1000;

export interface DeliveryReport {
  sent: number;
  retried: number;
  parked: number;
  dropped: number;
}

export class OutboxDeliverer {
  private running: Promise<DeliveryReport> | undefined;

  constructor(
    private readonly repos: Repositories,
    private readonly senders: ReadonlyMap<Platform, MessageSender>,
    private readonly log: Logger,
    private readonly activity: Required<ActivityListener>,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Sends every due delivery; a call made while a run is in progress joins that run. */
  deliverDue(): Promise<DeliveryReport> {
    this.running ??= this.run().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async run(): Promise<DeliveryReport> {
    const report: DeliveryReport = { sent: 0, retried: 0, parked: 0, dropped: 0 };
    const pending = await this.repos.outbox.list();
    if (pending.length === 0) return report;
    const now = this.clock();
    const subscriptions = new Map((await this.repos.subscriptions.list()).map((s) => [s.id, s]));
    const byChannel = new Map<string, Delivery[]>();
    for (const delivery of pending) {
      const subscription = subscriptions.get(delivery.subscriptionId);
      if (subscription === undefined) {
        await this.repos.outbox.delete(delivery.id);
        report.dropped += 1;
        continue;
      }
      if (subscription.paused) {
        report.parked += 1;
        continue;
      }
      if (Date.parse(delivery.nextAttemptAt) > now.getTime() || !this.senders.has(delivery.platform)) continue;
      const channel = `${delivery.platform}:${delivery.channelId}`;
      byChannel.set(channel, [...(byChannel.get(channel) ?? []), delivery]);
    }
    const queues = [...byChannel.values()].map((queue) => queue.sort((a, b) => a.createdAt.localeCompare(b.createdAt)));
    const workers = Array.from({ length: Math.min(PARALLEL_CHANNELS, queues.length) }, async () => {
      for (let queue = queues.shift(); queue !== undefined; queue = queues.shift()) {
        await this.deliverChannel(queue, subscriptions, report);
      }
    });
    await Promise.all(workers);
    return report;
  }

  private async deliverChannel(queue: readonly Delivery[], subscriptions: Map<string, Subscription>, report: DeliveryReport): Promise<void> {
    for (const [index, delivery] of queue.entries()) {
      const sender = this.senders.get(delivery.platform)!;
      const outcome: SendOutcome = await sender.send(delivery.channelId, fromStoredMessage(delivery.message), delivery.id).catch((error: unknown) => ({
        kind: 'retry',
        error: messageOf(error),
      }));
      const log = this.log.child({ delivery: delivery.id, subscription: delivery.subscriptionId, channel: delivery.channelId });
      switch (outcome.kind) {
        case 'sent':
          await this.repos.outbox.delete(delivery.id);
          report.sent += 1;
          this.activity.delivered({ subscriptionId: delivery.subscriptionId, platform: delivery.platform, channelId: delivery.channelId, title: delivery.message.title });
          break;
        case 'retry': {
          const delayMs = outcome.afterMs ?? Math.min(MAX_RETRY_DELAY_MS, 5_000 * 2 ** delivery.attempts);
          await this.repos.outbox.put(delivery.id, {
            ...delivery,
            attempts: delivery.attempts + 1,
            nextAttemptAt: new Date(this.clock().getTime() + delayMs).toISOString(),
            lastError: outcome.error,
          });
          log.warn('delivery failed; will retry', { error: outcome.error, attempt: delivery.attempts + 1, retryInSeconds: Math.round(delayMs / 1000) });
          report.retried += queue.length - index;
          return;
        }
        case 'channel-lost': {
          report.parked += queue.length - index;
          await this.pauseSubscriptionsOf(delivery, outcome.reason, subscriptions, log);
          return;
        }
        case 'rejected':
          await this.repos.outbox.delete(delivery.id);
          report.dropped += 1;
          log.error('the platform refused this message; it was dropped', { reason: outcome.reason, title: delivery.message.title });
          break;
      }
    }
  }

  private async pauseSubscriptionsOf(delivery: Delivery, reason: string, subscriptions: Map<string, Subscription>, log: Logger): Promise<void> {
    const paused = await this.repos.subscriptions.update(delivery.subscriptionId, (current) => ({ ...current, paused: true, pausedReason: reason }));
    if (paused === undefined) return;
    subscriptions.set(paused.id, paused);
    log.warn('channel unavailable; subscription paused, its deliveries are kept until it is resumed', { reason, feed: paused.feedUrl });
    this.activity.subscriptionPaused({ subscription: paused, reason, itemsKept: true });
  }
}

