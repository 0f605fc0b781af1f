/**
 * Herald's Prometheus metrics, on a registry of their own (never prom-client's global one, so two Heralds in one
 * process, as in tests, do not collide), with the default Node process metrics beside them.
 *
 * Counters and the fetch histogram are fed by calls (or by `listener`, see HeraldMetrics); the outbox and due-feed
 * gauges are read from the store at scrape time through the callbacks given to the constructor.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ActivityListener, DeliveryResult, PollResult } from '../activity.ts';
import type { Logger } from '../log.ts';
import type { OutboxStats } from '../store/store.ts';

export type { DeliveryResult, PollResult };
export type RuleVerdict = 'matched' | 'filtered';


/** Where the scrape-time gauges come from. */
export interface MetricsSources {
  outboxStats(): Promise<OutboxStats>;
  dueFeeds(): Promise<number>;
  now?(): Date;
}

const POLL_RESULTS: readonly PollResult[] = ['new', 'unchanged', 'not_modified', 'failed', 'error'];
const RULE_VERDICTS: readonly RuleVerdict[] = ['matched', 'filtered'];
const OUTBOX_STATES = ['pending', 'parked', 'dead'] as const;
/** From a fast conditional GET to the total fetch timeout. */
const FETCH_DURATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30];

/**
 * The metrics. Call the methods directly, or add `listener` to the core's activity listeners: it maps
 * `pollFinished` (polls_total, fetch_duration_seconds), `feedPolled` (new_items_total, rule_decisions_total: `deliveries`
 * matched, the rest of `decisions` filtered), `deliveryFinished` (deliveries_total, and rate_limited_total when
 * `rateLimited`) and `storeError` (store_errors_total). `delivered` and `feedNotModified` are not counted there:
 * `deliveryFinished` and `pollFinished` already cover them, so counting both would count twice.
 */
export class HeraldMetrics {
  readonly registry = new Registry();
  /** The core's activity events, mapped onto these metrics. */
  readonly listener: ActivityListener;

  private readonly polls: Counter<'outcome'>;
  private readonly fetchDuration: Histogram;
  private readonly newItemsCounter: Counter;
  private readonly ruleDecisions: Counter<'verdict'>;
  private readonly deliveries: Counter<'platform' | 'outcome'>;
  private readonly rateLimits: Counter<'platform'>;
  private readonly storeErrors: Counter<'operation'>;
  /** One store read per scrape, shared by the gauges that need it. */
  private outboxRead: Promise<OutboxStats | undefined> | undefined;

  constructor(
    private readonly sources: MetricsSources,
    private readonly log?: Logger,
  ) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.polls = new Counter({ name: 'herald_polls_total', help: 'Feed polls by how they ended.', labelNames: ['outcome'], registers });
    this.fetchDuration = new Histogram({ name: 'herald_fetch_duration_seconds', help: 'How long one poll of one feed took.', buckets: FETCH_DURATION_BUCKETS, registers });
    this.newItemsCounter = new Counter({ name: 'herald_new_items_total', help: 'Items seen for the first time (baselines not counted).', registers });
    this.ruleDecisions = new Counter({ name: 'herald_rule_decisions_total', help: 'Rule decisions on new items, one per item and subscription.', labelNames: ['verdict'], registers });
    this.deliveries = new Counter({ name: 'herald_deliveries_total', help: 'Delivery attempts by platform and outcome.', labelNames: ['platform', 'outcome'], registers });
    this.rateLimits = new Counter({ name: 'herald_rate_limited_total', help: 'Sends a platform answered with a rate limit.', labelNames: ['platform'], registers });
    this.storeErrors = new Counter({ name: 'herald_store_errors_total', help: 'Store operations that failed.', labelNames: ['operation'], registers });
    for (const outcome of POLL_RESULTS) this.polls.inc({ outcome }, 0);
    for (const verdict of RULE_VERDICTS) this.ruleDecisions.inc({ verdict }, 0);
    this.registerGauges(registers);
    this.listener = this.activityListener();
  }

  pollFinished(outcome: PollResult, durationSeconds: number): void {
    this.polls.inc({ outcome });
    this.fetchDuration.observe(durationSeconds);
  }

  newItems(count: number): void {
    if (count > 0) this.newItemsCounter.inc(count);
  }

  ruleDecision(verdict: RuleVerdict, count = 1): void {
    if (count > 0) this.ruleDecisions.inc({ verdict }, count);
  }

  delivery(platform: string, outcome: DeliveryResult): void {
    this.deliveries.inc({ platform, outcome });
  }

  rateLimited(platform: string): void {
    this.rateLimits.inc({ platform });
  }

  storeError(operation: string): void {
    this.storeErrors.inc({ operation });
  }

  private registerGauges(registers: Registry[]): void {
    const outbox = new Gauge({ name: 'herald_outbox_deliveries', help: 'Deliveries in the outbox by state.', labelNames: ['state'], registers,
      collect: async () => {
        const stats = await this.readOutbox();
        if (stats !== undefined) for (const state of OUTBOX_STATES) outbox.set({ state }, stats[state]);
      },
    });
    const oldestDue = new Gauge({ name: 'herald_outbox_oldest_due_age_seconds', help: 'How long the delivery that is due longest has waited (0 when none is due).', registers,
      collect: async () => {
        const stats = await this.readOutbox();
        if (stats === undefined) return;
        const now = (this.sources.now?.() ?? new Date()).getTime();
        oldestDue.set(stats.oldestDueAt === undefined ? 0 : Math.max(0, (now - stats.oldestDueAt.getTime()) / 1000));
      },
    });
    const dueFeeds = new Gauge({ name: 'herald_feeds_due', help: 'Feeds due for a poll that no worker has polled yet.', registers,
      collect: async () => {
        const count = await this.readSafely(() => this.sources.dueFeeds());
        if (count !== undefined) dueFeeds.set(count);
      },
    });
  }

  /** The scrape reads every metric at once: the first gauge to ask starts the read, the others wait for it. */
  private readOutbox(): Promise<OutboxStats | undefined> {
    this.outboxRead ??= this.readSafely(() => this.sources.outboxStats()).finally(() => {
      this.outboxRead = undefined;
    });
    return this.outboxRead;
  }

  /** A failing source leaves its gauges at their last value and counts a store error; the scrape goes on. */
  private async readSafely<T>(read: () => Promise<T>): Promise<T | undefined> {
    try {
      return await read();
    } catch (error) {
      this.storeError('metrics');
      this.log?.warn('metrics: could not read the store', { error });
      return undefined;
    }
  }

  private activityListener(): ActivityListener {
    return {
      pollFinished: ({ result, durationSeconds }) => this.pollFinished(result, durationSeconds),
      feedPolled: ({ newItems, decisions, deliveries }) => {
        this.newItems(newItems);
        this.ruleDecision('matched', deliveries);
        this.ruleDecision('filtered', decisions - deliveries);
      },
      deliveryFinished: ({ platform, result, rateLimited }) => {
        this.delivery(platform, result);
        if (rateLimited) this.rateLimited(platform);
      },
      storeError: ({ operation }) => this.storeError(operation),
    };
  }
}
