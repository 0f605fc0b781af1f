/**
 * The scheduler: a node-cron tick (every second) finds the feeds that are due and polls each distinct URL once,
 * however many channels subscribe to it, within a global and a per-host concurrency limit; then it lets the
 * delivery worker send what the outbox holds. A tick that finds the previous one still running skips.
 */
import cron from 'node-cron';
import type { ScheduledTask } from 'node-cron';
import type { OutboxDeliverer } from '../delivery/deliver-outbox.ts';
import type { Logger } from '../log.ts';
import { hostOf } from '../net/http-url.ts';
import type { Repositories } from '../store/repositories.ts';
import { pollFeed } from './poll-feed.ts';
import type { PollDependencies } from './poll-feed.ts';

const GLOBAL_CONCURRENCY = 8;
const PER_HOST_CONCURRENCY = 2;

export class Scheduler {
  private task: ScheduledTask | undefined;
  private ticking: Promise<void> | undefined;
  private readonly polling = new Set<string>();
  private readonly hostLoad = new Map<string, number>();

  constructor(
    private readonly repos: Repositories,
    private readonly pollDependencies: PollDependencies,
    private readonly deliverer: OutboxDeliverer,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.task = cron.schedule('* * * * * *', () => this.tick(), { name: 'herald-poll' });
    void this.tick();
  }

  async stop(): Promise<void> {
    await this.task?.stop();
    await this.task?.destroy();
    this.task = undefined;
    await this.ticking;
  }

  /** Polls every due feed and delivers; resolves when this tick's work is done. */
  tick(): Promise<void> {
    this.ticking ??= this.runTick().finally(() => {
      this.ticking = undefined;
    });
    return this.ticking;
  }

  private async runTick(): Promise<void> {
    try {
      const due = await this.dueFeeds();
      const queue = [...due];
      const started: Promise<void>[] = [];
      while (queue.length > 0 && this.polling.size < GLOBAL_CONCURRENCY) {
        const index = queue.findIndex((url) => (this.hostLoad.get(hostOf(url)) ?? 0) < PER_HOST_CONCURRENCY);
        if (index < 0) break;
        const [url] = queue.splice(index, 1);
        started.push(this.poll(url!));
      }
      await Promise.all(started);
      await this.deliverer.deliverDue();
    } catch (error) {
      this.log.error('scheduler tick failed', { error });
    }
  }

  private async dueFeeds(): Promise<string[]> {
    const now = this.pollDependencies.clock().getTime();
    const urls = new Set((await this.repos.subscriptions.list()).map((subscription) => subscription.feedUrl));
    const nextPoll = new Map((await this.repos.feeds.list()).map((state) => [state.url, state.nextPollAt]));
    return [...urls].filter((url) => {
      if (this.polling.has(url)) return false;
      const next = nextPoll.get(url);
      return next === undefined || Date.parse(next) <= now;
    });
  }

  private async poll(url: string): Promise<void> {
    const host = hostOf(url);
    this.polling.add(url);
    this.hostLoad.set(host, (this.hostLoad.get(host) ?? 0) + 1);
    try {
      await pollFeed(url, this.pollDependencies);
    } finally {
      this.polling.delete(url);
      this.hostLoad.set(host, (this.hostLoad.get(host) ?? 1) - 1);
    }
  }
}
