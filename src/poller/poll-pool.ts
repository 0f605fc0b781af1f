/**
 * The poller: a pool that claims due feeds from the store's next-poll index (leased, so any number of processes
 * can share one store without polling a feed twice) and polls them with a global limit on polls in flight and a
 * per-host limit, so one slow or hanging site holds its own slots and never the others'. A claimed feed whose host
 * is busy waits in a short local queue, its lease kept alive by the LeaseKeeper. A poll that meets a store error
 * is logged and reported, and the feed is held back for a while (the length of a lease) before it is retried.
 */
import type { ActivityListener, PollResult } from '../activity.ts';
import { messageOf } from '../errors.ts';
import type { Logger } from '../log.ts';
import { hostOf } from '../net/http-url.ts';
import { DEFAULT_LEASE_MS } from '../store/lease-keeper.ts';
import type { Store } from '../store/store.ts';
import type { PollOutcome } from './poll-feed.ts';

export interface PollPoolOptions {
  readonly store: Store;
  /** Polls one feed that this pool holds the lease of, ending the lease as it records the poll (see pollFeed). */
  readonly poll: (url: string) => Promise<PollOutcome>;
  readonly owner: string;
  readonly clock: () => Date;
  readonly log: Logger;
  readonly activity: Required<ActivityListener>;
  /** Polls in flight at most (default 32). */
  readonly concurrency?: number;
  /** Polls in flight per host at most (default 2). */
  readonly perHost?: number;
  readonly leaseMs?: number;
  /** How often an idle pool looks for due feeds (default 1 s). */
  readonly idleCheckMs?: number;
}

export const DEFAULT_POLL_CONCURRENCY = 32;
export const DEFAULT_POLLS_PER_HOST = 2;

export class PollPool {
  private readonly concurrency: number;
  private readonly perHost: number;
  private readonly leaseMs: number;
  private readonly idleCheckMs: number;
  private readonly waiting: string[] = [];
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly hostLoad = new Map<string, number>();
  private claiming: Promise<number> | undefined;
  private running = false;
  private idleTimer: NodeJS.Timeout | undefined;
  private readonly idleWaiters = new Set<() => void>();
  private readonly unreleased = new Map<string, Date>();
  /** When each limit (and host) was last reported as reached: at most one log line a minute for each. */
  private readonly limitReported = new Map<string, number>();

  constructor(private readonly options: PollPoolOptions) {
    this.concurrency = options.concurrency ?? DEFAULT_POLL_CONCURRENCY;
    this.perHost = options.perHost ?? DEFAULT_POLLS_PER_HOST;
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.idleCheckMs = options.idleCheckMs ?? 1_000;
  }

  start(): void {
    this.running = true;
    this.fill();
  }

  /** Stops claiming, waits for the polls in flight, and gives back the leases of feeds that never started. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.idleTimer);
    await this.claiming?.catch(() => undefined);
    await Promise.all(this.inFlight.values());
    const unstarted = this.waiting.splice(0);
    for (const url of unstarted) await this.options.store.leases.releaseFeed(this.options.owner, url).catch(() => undefined);
  }

  /** Claims and polls until no feed is due and nothing is in flight (tests and benchmarks drive a sweep with it). */
  async runUntilIdle(): Promise<void> {
    const wasRunning = this.running;
    this.running = true;
    try {
      for (;;) {
        const idle = new Promise<void>((resolve) => this.idleWaiters.add(resolve));
        this.fill();
        await idle;
        if (this.inFlight.size === 0 && this.waiting.length === 0) return;
        if (this.inFlight.size > 0) await Promise.race(this.inFlight.values());
      }
    } finally {
      this.running = wasRunning;
      if (!wasRunning) clearTimeout(this.idleTimer);
    }
  }

  /** Starts what may start, and claims more when there is room; called whenever a slot frees up. */
  private fill(): void {
    this.startWaiting();
    if (!this.running || this.claiming !== undefined) return;
    // Claim in batches, when the feeds that could start run low: one query per batch, not one per finished poll.
    // Feeds of busy hosts wait without counting, up to a bound, so one slow site cannot stop the claiming.
    const startable = this.waiting.filter((url) => (this.hostLoad.get(hostOf(url)) ?? 0) < this.perHost).length;
    const room = Math.min(this.concurrency, this.concurrency * 4 - this.inFlight.size - this.waiting.length);
    if (startable > this.concurrency / 4 || room < Math.min(this.concurrency / 2, 8)) return;
    this.claiming = this.claim(room);
    void this.claiming.then(
      (claimed) => {
        this.claiming = undefined;
        this.startWaiting();
        if (claimed > 0) this.fill();
        else this.whenIdle();
      },
      (error: unknown) => {
        this.claiming = undefined;
        this.options.log.error('could not claim due feeds from the store; trying again shortly', { error: messageOf(error) });
        this.options.activity.storeError({ operation: 'claim feeds', error });
        this.whenIdle();
      },
    );
  }

  private async claim(limit: number): Promise<number> {
    for (const [url, retryAt] of [...this.unreleased]) {
      await this.options.store.leases.releaseFeed(this.options.owner, url, retryAt);
      this.unreleased.delete(url);
    }
    const urls = await this.options.store.leases.claimDueFeeds(this.options.owner, this.options.clock(), limit, this.leaseMs);
    this.waiting.push(...urls);
    return urls.length;
  }

  /** Nothing more to claim now: wake runUntilIdle's waiters, and look again after a while. */
  private whenIdle(): void {
    for (const wake of this.idleWaiters) wake();
    this.idleWaiters.clear();
    clearTimeout(this.idleTimer);
    if (this.running) this.idleTimer = setTimeout(() => this.fill(), this.idleCheckMs);
  }

  private startWaiting(): void {
    if (!this.running) return;
    for (let index = 0; index < this.waiting.length && this.inFlight.size < this.concurrency; ) {
      const url = this.waiting[index]!;
      const host = hostOf(url);
      if ((this.hostLoad.get(host) ?? 0) >= this.perHost) {
        this.reportLimit(`per-host ${host}`, 'polls wait: the per-host fetch limit is reached', { host, limit: this.perHost, setting: 'HERALD_FETCH_PER_HOST', feed: url });
        index += 1;
        continue;
      }
      this.waiting.splice(index, 1);
      this.hostLoad.set(host, (this.hostLoad.get(host) ?? 0) + 1);
      const polling = this.pollOne(url).finally(() => {
        this.inFlight.delete(url);
        const load = (this.hostLoad.get(host) ?? 1) - 1;
        if (load <= 0) this.hostLoad.delete(host);
        else this.hostLoad.set(host, load);
        this.fill();
        if (this.inFlight.size === 0 && this.waiting.length === 0 && this.claiming === undefined) this.whenIdle();
      });
      this.inFlight.set(url, polling);
    }
    if (this.inFlight.size >= this.concurrency && this.waiting.some((url) => (this.hostLoad.get(hostOf(url)) ?? 0) < this.perHost)) {
      this.reportLimit('global', 'polls wait: the global fetch limit is reached', { limit: this.concurrency, setting: 'HERALD_FETCH_CONCURRENCY', waiting: this.waiting.length });
    }
  }

  private reportLimit(key: string, message: string, fields: Record<string, unknown>): void {
    const now = Date.now();
    if (now - (this.limitReported.get(key) ?? -Infinity) < 60_000) return;
    this.limitReported.set(key, now);
    this.options.log.info(message, fields);
  }

  private async pollOne(url: string): Promise<void> {
    const { store, owner, activity, log } = this.options;
    const started = process.hrtime.bigint();
    let result: PollResult;
    try {
      const outcome = await this.options.poll(url);
      result = outcome.kind === 'failed' ? 'failed' : outcome.kind === 'not-modified' ? 'not_modified' : outcome.newItems > 0 ? 'new' : 'unchanged';
    } catch (error) {
      result = 'error';
      log.error('poll failed; the feed is tried again later', { feed: url, error: messageOf(error), retryInSeconds: Math.round(this.leaseMs / 1000) });
      activity.storeError({ operation: 'poll', error });
      const retryAt = new Date(this.options.clock().getTime() + this.leaseMs);
      // If even this fails, the lease must not be renewed for ever: try again with the next claim.
      await store.leases.releaseFeed(owner, url, retryAt).catch(() => this.unreleased.set(url, retryAt));
    }
    activity.pollFinished({ url, result, durationSeconds: Number(process.hrtime.bigint() - started) / 1e9 });
  }
}
