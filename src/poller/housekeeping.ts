/**
 * The clock work that is not polling (node-cron): every ten minutes, deliveries that were sent or refused more
 * than a week ago are pruned, so are the routing decisions `/feed why` reads once they are a month old, and the
 * state and seen sets of feeds that nobody follows any more are forgotten. Seen sets of followed feeds are bounded
 * as they are written. Every process of a cluster may run it: each step is one idempotent statement.
 */
import cron from 'node-cron';
import type { ScheduledTask } from 'node-cron';
import { messageOf } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { Store } from '../store/store.ts';

export const KEEP_FINISHED_DELIVERIES_MS = 7 * 24 * 60 * 60 * 1000;
export const KEEP_DECISIONS_MS = 30 * 24 * 60 * 60 * 1000;

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
  async run(): Promise<{ deliveries: number; decidedItems: number; feeds: number }> {
    try {
      const now = this.clock();
      const deliveries = await this.store.deliveries.pruneFinished(new Date(now.getTime() - KEEP_FINISHED_DELIVERIES_MS));
      const decidedItems = await this.store.decisions.prune(new Date(now.getTime() - KEEP_DECISIONS_MS));
      const feeds = await this.store.feeds.forgetUnfollowed();
      if (deliveries + decidedItems + feeds > 0) this.log.info('housekeeping', { prunedDeliveries: deliveries, prunedDecidedItems: decidedItems, forgottenFeeds: feeds });
      return { deliveries, decidedItems, feeds };
    } catch (error) {
      this.log.error('housekeeping failed; the next round tries again', { error: messageOf(error) });
      return { deliveries: 0, decidedItems: 0, feeds: 0 };
    }
  }
}
