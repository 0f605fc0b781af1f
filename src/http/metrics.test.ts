import { describe, expect, it } from 'vitest';
import { HeraldMetrics } from './metrics.ts';
import type { MetricsSources } from './metrics.ts';
import type { OutboxStats } from '../store/store.ts';

const NOW = new Date('2025-06-01T12:00:00Z');

function metricsWith(overrides: Partial<MetricsSources> = {}): HeraldMetrics {
  return new HeraldMetrics({ outboxStats: async () => ({ pending: 0, parked: 0, dead: 0 }), dueFeeds: async () => 0, now: () => NOW, ...overrides });
}

/** Scrapes once and compares the samples named, e.g. `herald_polls_total{outcome="new"}`, with their expected values. */
async function expectSamples(metrics: HeraldMetrics, expected: Record<string, number>): Promise<void> {
  const lines = (await metrics.registry.metrics()).split('\n');
  const valueOf = (series: string) => {
    const line = lines.find((candidate) => candidate.startsWith(`${series} `));
    return line === undefined ? undefined : Number(line.slice(series.length + 1));
  };
  expect(Object.fromEntries(Object.keys(expected).map((series) => [series, valueOf(series)]))).toEqual(expected);
}

describe('HeraldMetrics', () => {
  it('counts polls by outcome, with every outcome present from the start, and times them', async () => {
    const metrics = metricsWith();
    await expectSamples(metrics, { 'herald_polls_total{outcome="not_modified"}': 0 });
    metrics.pollFinished('new', 0.2);
    metrics.pollFinished('not_modified', 0.03);
    metrics.pollFinished('not_modified', 12);
    await expectSamples(metrics, {
      'herald_polls_total{outcome="new"}': 1,
      'herald_polls_total{outcome="not_modified"}': 2,
      'herald_polls_total{outcome="error"}': 0,
      'herald_fetch_duration_seconds_count': 3,
      'herald_fetch_duration_seconds_bucket{le="0.05"}': 1,
      'herald_fetch_duration_seconds_bucket{le="30"}': 3,
    });
  });

  it('counts new items, rule decisions, deliveries, rate limits and store errors', async () => {
    const metrics = metricsWith();
    metrics.newItems(3);
    metrics.newItems(0);
    metrics.ruleDecision('matched');
    metrics.ruleDecision('filtered', 4);
    metrics.delivery('slack', 'sent');
    metrics.delivery('slack', 'sent');
    metrics.delivery('discord', 'parked');
    metrics.rateLimited('discord');
    metrics.storeError('poll');
    await expectSamples(metrics, {
      'herald_new_items_total': 3,
      'herald_rule_decisions_total{verdict="matched"}': 1,
      'herald_rule_decisions_total{verdict="filtered"}': 4,
      'herald_deliveries_total{platform="slack",outcome="sent"}': 2,
      'herald_deliveries_total{platform="discord",outcome="parked"}': 1,
      'herald_rate_limited_total{platform="discord"}': 1,
      'herald_store_errors_total{operation="poll"}': 1,
    });
  });

  it('maps the core activity events onto the same metrics', async () => {
    const metrics = metricsWith();
    const { listener } = metrics;
    listener.pollFinished?.({ url: 'https://blog.test/feed', result: 'failed', durationSeconds: 1.5 });
    listener.feedPolled?.({ url: 'https://blog.test/feed', title: 'Blog', items: 10, newItems: 2, deliveries: 3, decisions: 4, baseline: false });
    listener.deliveryFinished?.({ platform: 'slack', result: 'retry', rateLimited: true });
    listener.storeError?.({ operation: 'claim feeds', error: new Error('locked') });
    await expectSamples(metrics, {
      'herald_polls_total{outcome="failed"}': 1,
      'herald_fetch_duration_seconds_sum': 1.5,
      'herald_new_items_total': 2,
      'herald_rule_decisions_total{verdict="matched"}': 3,
      'herald_rule_decisions_total{verdict="filtered"}': 1,
      'herald_deliveries_total{platform="slack",outcome="retry"}': 1,
      'herald_rate_limited_total{platform="slack"}': 1,
      'herald_store_errors_total{operation="claim feeds"}': 1,
    });
  });

  it('reads the outbox and due feeds at scrape time, once per scrape', async () => {
    let reads = 0;
    let stats: OutboxStats = { pending: 4, parked: 1, dead: 2, oldestDueAt: new Date(NOW.getTime() - 90_000) };
    const metrics = metricsWith({
      outboxStats: async () => {
        reads += 1;
        return stats;
      },
      dueFeeds: async () => 7,
    });
    await expectSamples(metrics, {
      'herald_outbox_deliveries{state="pending"}': 4,
      'herald_outbox_deliveries{state="parked"}': 1,
      'herald_outbox_deliveries{state="dead"}': 2,
      'herald_outbox_oldest_due_age_seconds': 90,
      'herald_feeds_due': 7,
    });
    expect(reads).toBe(1);
    stats = { pending: 0, parked: 0, dead: 0 };
    await expectSamples(metrics, { 'herald_outbox_oldest_due_age_seconds': 0 });
    expect(reads).toBe(2);
  });

  it('keeps the last gauge values when a source fails, counts a store error, and still scrapes', async () => {
    let failing = false;
    const metrics = metricsWith({
      outboxStats: async () => {
        if (failing) throw new Error('database is locked');
        return { pending: 5, parked: 0, dead: 0 };
      },
      dueFeeds: async () => {
        if (failing) throw new Error('database is locked');
        return 2;
      },
    });
    await expectSamples(metrics, { 'herald_outbox_deliveries{state="pending"}': 5 });
    failing = true;
    const text = await metrics.registry.metrics();
    expect(text).toContain('herald_outbox_deliveries{state="pending"} 5');
    expect(text).toContain('herald_feeds_due 2');
    expect(text).toContain('herald_polls_total');
    // One failed read of each source (the outbox is read once for both of its gauges).
    expect(await metrics.registry.getSingleMetricAsString('herald_store_errors_total')).toContain('herald_store_errors_total{operation="metrics"} 2');
  });

  it('has the default Node process metrics, on a registry of its own', async () => {
    const text = await metricsWith().registry.metrics();
    expect(text).toMatch(/^process_cpu_user_seconds_total /m);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes /m);
    // Two instances in one process do not collide.
    expect(() => metricsWith()).not.toThrow();
  });
});
