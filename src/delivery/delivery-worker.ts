/**
 * The delivery worker: claims channels whose oldest pending delivery is due (leased, so one process serves a
 * channel at a time) and serves each in its own loop, strictly oldest first, many channels in parallel up to what
 * the platforms allow: Discord's per-route buckets and global limit are kept by discord.js's REST client, and Slack
 * gets at most one message per second per channel, paced here. A delivery leaves the outbox only once its platform
 * accepted it. A passing failure holds back its channel (not the others, and never reorders it) with exponential
 * backoff; after too many attempts the delivery is dead-lettered, kept for inspection, and the channel goes on. A
 * lost channel pauses its subscription and parks its deliveries until /feed resume. A platform that refuses
 * Herald's credentials is stopped (CredentialWatch): its deliveries wait, attempts uncounted, until they work again.
 */
import type { ActivityListener, DeliveryResult } from '../activity.ts';
import { messageOf } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { Platform, StoredDelivery } from '../store/records.ts';
import { DEFAULT_LEASE_MS } from '../store/lease-keeper.ts';
import type { ChannelKey, Store } from '../store/store.ts';
import { CredentialWatch } from './credential-watch.ts';
import type { MessageSender, SendOutcome } from './message-sender.ts';
import { fromStoredMessage } from './stored-message.ts';
import type { Message } from '../format/message.ts';

export interface DeliveryWorkerOptions {
  readonly store: Store;
  readonly senders: ReadonlyMap<Platform, MessageSender>;
  readonly log: Logger;
  readonly activity: Required<ActivityListener>;
  readonly clock: () => Date;
  readonly owner: string;
  /** Channels served at once (default 64: enough to fill Discord's 50 requests per second). */
  readonly maxChannels?: number;
  readonly leaseMs?: number;
  /** Attempts before a delivery is dead-lettered (default 10, about 85 minutes of retries). */
  readonly maxAttempts?: number;
  /** Least time between two posts to one channel, per platform (default: Slack 1 s). */
  readonly channelGapMs?: Partial<Record<Platform, number>>;
  /** How often an idle worker looks for due deliveries (default 1 s); `wake()` looks at once. */
  readonly idleCheckMs?: number;
  /** Stops and restarts a platform whose credentials are refused (default: one of the worker's own). */
  readonly credentials?: CredentialWatch;
}

export interface DeliveryReport {
  sent: number;
  retried: number;
  parked: number;
  rejected: number;
  dead: number;
}

/** Read a channel's queue a few at a time: reading is synchronous on SQLite, and a big first read per channel
 * delays the first posts of every other channel (measured: 429s from a skewed first second). */
const BATCH = 5;
const FIRST_RETRY_MS = 5_000;
const MAX_RETRY_DELAY_MS = 60 * 60 * 1000;
const DEFAULT_CHANNEL_GAP_MS: Partial<Record<Platform, number>> = { slack: 1_000 };

export class DeliveryWorker {
  private readonly maxChannels: number;
  private readonly leaseMs: number;
  private readonly maxAttempts: number;
  private readonly gaps: Partial<Record<Platform, number>>;
  private readonly serving = new Map<string, Promise<void>>();
  private readonly lastPostAt = new Map<string, number>();
  private claiming: Promise<void> | undefined;
  private claimAgain = false;
  private running = false;
  private idleTimer: NodeJS.Timeout | undefined;
  private report: DeliveryReport = emptyReport();
  readonly credentials: CredentialWatch;

  constructor(private readonly options: DeliveryWorkerOptions) {
    this.credentials = options.credentials ?? new CredentialWatch({ senders: options.senders, log: options.log });
    this.credentials.onRestored(() => this.wake());
    this.maxChannels = options.maxChannels ?? 64;
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.maxAttempts = options.maxAttempts ?? 10;
    this.gaps = options.channelGapMs ?? DEFAULT_CHANNEL_GAP_MS;
  }

  start(): void {
    this.running = true;
    this.wake();
  }

  /** Stops claiming channels; each channel being served finishes the post under way, then its lease is released. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.idleTimer);
    this.credentials.close();
    await this.claiming;
    await Promise.all(this.serving.values());
  }

  /** Looks for due deliveries now (the poller calls it after a poll queued some). */
  wake(): void {
    if (!this.running) return;
    if (this.claiming !== undefined) {
      this.claimAgain = true;
      return;
    }
    clearTimeout(this.idleTimer);
    this.claiming = this.claimAndServe().finally(() => {
      this.claiming = undefined;
      if (this.claimAgain) {
        this.claimAgain = false;
        this.wake();
      } else if (this.running) {
        this.idleTimer = setTimeout(() => this.wake(), this.options.idleCheckMs ?? 1_000);
      }
    });
  }

  /** Serves every channel with due deliveries until none is left; returns what happened (tests, benchmarks). */
  async runUntilIdle(): Promise<DeliveryReport> {
    this.report = emptyReport();
    const wasRunning = this.running;
    this.running = true;
    try {
      for (;;) {
        await this.claimAndServe();
        if (this.serving.size === 0) break;
        await Promise.race(this.serving.values());
      }
    } finally {
      this.running = wasRunning;
    }
    return this.report;
  }

  private async claimAndServe(): Promise<void> {
    const room = this.maxChannels - this.serving.size;
    if (room <= 0) return;
    const platforms = [...this.options.senders.keys()].filter((platform) => !this.credentials.isStopped(platform));
    if (platforms.length === 0) return;
    let channels: ChannelKey[];
    try {
      channels = await this.options.store.leases.claimDueChannels(this.options.owner, platforms, this.options.clock(), room, this.leaseMs);
    } catch (error) {
      this.options.log.error('could not claim channels with due deliveries; trying again shortly', { error: messageOf(error) });
      this.options.activity.storeError({ operation: 'claim channels', error });
      return;
    }
    for (const channel of channels) {
      const key = `${channel.platform}:${channel.channelId}`;
      const serving = this.serveChannel(channel).finally(() => {
        this.serving.delete(key);
        this.wake();
      });
      this.serving.set(key, serving);
    }
  }

  private async serveChannel(channel: ChannelKey): Promise<void> {
    const { store, owner, log } = this.options;
    try {
      await this.sendDue(channel);
    } catch (error) {
      log.error('delivery to a channel failed on a store error; it is retried', { channel: channel.channelId, platform: channel.platform, error: messageOf(error) });
      this.options.activity.storeError({ operation: 'deliver', error });
    }
    await store.leases.releaseChannel(owner, channel).catch((error: unknown) => {
      log.error('could not release a channel lease; it expires by itself', { channel: channel.channelId, error: messageOf(error) });
      this.options.activity.storeError({ operation: 'release channel', error });
    });
  }

  /** Sends the channel's pending deliveries in order until none is left, one is not due yet, or the worker stops. */
  private async sendDue(channel: ChannelKey): Promise<void> {
    const sender = this.options.senders.get(channel.platform);
    if (sender === undefined) return;
    for (;;) {
      const batch = await this.options.store.deliveries.nextForChannel(channel.platform, channel.channelId, BATCH);
      if (batch.length === 0) return;
      for (const delivery of batch) {
        if (!this.running || Date.parse(delivery.nextAttemptAt) > this.options.clock().getTime()) return;
        if (this.credentials.isStopped(channel.platform)) return;
        await this.keepPace(channel);
        const outcome = await this.post(sender, delivery);
        const next = await this.record(delivery, outcome);
        if (next === 'stop') return;
        // A pause parked some of this batch: read the channel's queue again.
        if (next === 'reread') break;
      }
    }
  }

  /**
   * Posts once. Where the platform has no idempotency key, the attempt is recorded first; a delivery that shows an
   * attempt with no outcome (its process died mid-post) is first looked for in the channel, and not posted again
   * if it is there.
   */
  private async post(sender: MessageSender, delivery: StoredDelivery): Promise<SendOutcome> {
    const { store, clock, log } = this.options;
    if (sender.findSent !== undefined) {
      if (delivery.sendingSince !== undefined) {
        const found = await sender.findSent(delivery.channelId, delivery.id, new Date(delivery.sendingSince)).catch((error: unknown) => {
          log.warn('could not look for an interrupted post in the channel; posting it again, which may repeat it', { delivery: delivery.id, error: messageOf(error) });
          return false;
        });
        if (found) {
          log.info('an interrupted post had reached the channel; recorded as sent, not posted again', { delivery: delivery.id, channel: delivery.channelId });
          return { kind: 'sent' };
        }
      }
      await store.deliveries.markSending(delivery.id, clock());
    }
    const message = await this.withLiveMention(sender, delivery, fromStoredMessage(delivery.message));
    return sender.send(delivery.channelId, message, delivery.id).catch((error: unknown): SendOutcome => ({ kind: 'retry', error: messageOf(error) }));
  }

  /**
   * A post that pings a role or user group deleted since: it goes out without the ping, the subscription's mention
   * is removed and its manager is told. When the platform cannot be asked, the ping stays: a deleted role's
   * mention pings nobody on either platform, and the post should not wait for the answer.
   */
  private async withLiveMention(sender: MessageSender, delivery: StoredDelivery, message: Message): Promise<Message> {
    const roleId = message.mentionRoleId;
    if (roleId === undefined || sender.roles === undefined) return message;
    const { store, log, activity } = this.options;
    const subscription = await store.subscriptions.get(delivery.subscriptionId);
    if (subscription === undefined) return message;
    let roles;
    try {
      roles = await sender.roles.list(subscription.workspaceId);
    } catch (error) {
      log.warn('could not check that the role to mention still exists; posting with the ping', { delivery: delivery.id, role: roleId, error: messageOf(error) });
      return message;
    }
    if (roles.some((role) => role.id === roleId)) return message;
    const { mentionRoleId: _gone, ...unpinged } = message;
    const roleName = subscription.mention?.roleId === roleId ? subscription.mention.roleName : roleId;
    log.warn('the role to mention no longer exists; posted without the ping and removed the mention', {
      delivery: delivery.id, subscription: subscription.id, role: roleId, roleName,
    });
    if (subscription.mention?.roleId === roleId) {
      const updated = await store.subscriptions.setMention(subscription.id, undefined);
      activity.mentionLost({ subscription: updated ?? subscription, roleId, roleName });
    }
    return unpinged;
  }

  private async keepPace(channel: ChannelKey): Promise<void> {
    const gap = this.gaps[channel.platform];
    if (gap === undefined) return;
    const key = `${channel.platform}:${channel.channelId}`;
    const wait = (this.lastPostAt.get(key) ?? 0) + gap - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    this.lastPostAt.set(key, Date.now());
    if (this.lastPostAt.size > 10_000) this.lastPostAt.clear();
  }

  /** Records one send's outcome; returns whether the channel goes on with its next delivery. */
  private async record(delivery: StoredDelivery, outcome: SendOutcome): Promise<'next' | 'reread' | 'stop'> {
    const { store, activity } = this.options;
    const now = this.options.clock();
    const log = this.options.log.child({ delivery: delivery.id, subscription: delivery.subscriptionId, channel: delivery.channelId });
    const finished = (result: DeliveryResult, rateLimited = false) => {
      this.report[result === 'retry' ? 'retried' : result] += 1;
      activity.deliveryFinished({ platform: delivery.platform, result, rateLimited });
    };
    switch (outcome.kind) {
      case 'sent':
        await store.deliveries.markSent(delivery.id, now);
        if (outcome.without !== undefined) log.warn('the platform refused part of this message; it was posted without it', { without: outcome.without.join('; '), title: delivery.message.title });
        finished('sent');
        activity.delivered({ subscriptionId: delivery.subscriptionId, platform: delivery.platform, channelId: delivery.channelId, title: delivery.message.title });
        return 'next';
      case 'retry': {
        const attempts = delivery.attempts + 1;
        if (attempts >= this.maxAttempts) {
          await store.deliveries.markFailed(delivery.id, 'dead', attempts, outcome.error);
          log.error('delivery failed too often; it is dead-lettered and the channel goes on', { error: outcome.error, attempts, title: delivery.message.title });
          finished('dead');
          return 'next';
        }
        const delayMs = outcome.afterMs ?? Math.min(MAX_RETRY_DELAY_MS, FIRST_RETRY_MS * 2 ** delivery.attempts);
        await store.deliveries.markRetry(delivery.id, attempts, new Date(now.getTime() + delayMs), outcome.error);
        log.warn('delivery failed; the channel waits and retries it', { error: outcome.error, attempt: attempts, retryInSeconds: Math.round(delayMs / 1000) });
        finished('retry', outcome.afterMs !== undefined);
        return 'stop';
      }
      case 'channel-lost': {
        const paused = await store.subscriptions.setPaused(delivery.subscriptionId, true, outcome.reason, now);
        finished('parked');
        if (paused !== undefined) {
          log.warn('channel unavailable; subscription paused, its deliveries are kept until it is resumed', { reason: outcome.reason, feed: paused.feedUrl });
          activity.subscriptionPaused({ subscription: paused, reason: outcome.reason, itemsKept: true });
        }
        return 'reread';
      }
      case 'auth-failed':
        // Not the message's fault: it keeps its place and its attempts, and waits for the credentials to work.
        await store.deliveries.markRetry(delivery.id, delivery.attempts, now, outcome.reason);
        this.credentials.refused(delivery.platform, outcome.reason, outcome.action);
        finished('retry');
        return 'stop';
      case 'rejected':
        await store.deliveries.markFailed(delivery.id, 'rejected', delivery.attempts + 1, outcome.reason);
        log.error('the platform refused this message; it was dropped', { reason: outcome.reason, title: delivery.message.title });
        finished('rejected');
        return 'next';
    }
  }
}

function emptyReport(): DeliveryReport {
  return { sent: 0, retried: 0, parked: 0, rejected: 0, dead: 0 };
}
