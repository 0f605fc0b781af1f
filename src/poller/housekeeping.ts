/**
 * The clock work that is not polling (node-cron): every ten minutes, deliveries that were sent or refused more
 * than a week ago are pruned, and the state and seen sets of feeds that nobody follows any more are forgotten.
 * Seen sets of followed feeds are bounded as they are written. Every process of a cluster may run it: each step is
 * one idempotent statement.
 */
import cron from 'node-cron';
import type { ScheduledTask } from 'node-cron';
import { messageOf } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { Store } from '../store/store.ts';

export const KEEP_FINISHED_DELIVERIES_MS = 7 * 24 * 60 * 60 * 1000;

export class Housekeeping {
  private task: ScheduledTask | undefined;

  constructor(
    private readonly store: Store,
    private readonly clock: () => Date,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.task = cron.schedule('*/10 * * * *', () => this.run(), { name: 'herald-housekeeping', noOverlap: true });
  }

  stop(): void {
    void this.task?.destroy();
    this.task = undefined;
  }

  /** One round; resolves with what was removed (errors are logged, and the next round tries again). */
  async run(): Promise<{ deliveries: number; feeds: number }> {
    try {
      const now = this.clock();
      const deliveries = await this.store.deliveries.pruneFinished(new Date(now.getTime() - KEEP_FINISHED_DELIVERIES_MS));
      const feeds = await this.store.feeds.forgetUnfollowed();
      if (deliveries + feeds > 0) this.log.info('housekeeping', { prunedDeliveries: deliveries, forgottenFeeds: feeds });
      return { deliveries, feeds };
    } catch (error) {
      this.log.error('housekeeping failed; the next round tries again', { error: messageOf(error) });
      return { deliveries: 0, feeds: 0 };
    }
  }
}
