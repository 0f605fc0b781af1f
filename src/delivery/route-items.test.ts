/**
 * The router's flood cap: a poll that finds many matching items for a subscription posts the first few and one
 * summary post for the rest, per subscription, with the reason in each left-out item's decision.
 */
import { describe, expect, it } from 'vitest';
import { sampleItem } from '../../test/support/sample-item.ts';
import { subscriptionRecord } from '../../test/support/store-records.ts';
import { RuleCache } from './rule-cache.ts';
import { routeItems } from './route-items.ts';

const NOW = new Date('2026-12-01T12:00:00Z');
const items = (count: number, title = 'Kafka news') =>
  Array.from({ length: count }, (_, index) => sampleItem({ id: `post-${index}`, title: `${title} ${index}`, link: `https://blog.example.org/${index}`, published: NOW }));

function route(count: number, maxPostsPerPoll?: number) {
  const subscriptions = [
    subscriptionRecord('kafka', { rule: 'kafka', createdAt: '2026-11-01T00:00:00Z' }),
    subscriptionRecord('none', { rule: 'gardening', createdAt: '2026-11-01T00:00:00Z', channelId: 'channel-2' }),
  ];
  return routeItems(items(count), 'Example Blog', subscriptions, {
    now: NOW, maxItemAgeDays: 7, rules: new RuleCache(), feedLink: 'https://blog.example.org/', ...(maxPostsPerPoll === undefined ? {} : { maxPostsPerPoll }),
  });
}

describe('routeItems under a flood of new items', () => {
  it('posts the first five matching items, then one summary linked to the feed naming the rest', () => {
    const { deliveries, decisions } = route(8);
    expect(deliveries.map((delivery) => delivery.message.title)).toEqual([
      'Kafka news 0', 'Kafka news 1', 'Kafka news 2', 'Kafka news 3', 'Kafka news 4', '…and 3 more from Example Blog',
    ]);
    const summary = deliveries.at(-1)!;
    expect(summary.message.url).toBe('https://blog.example.org/');
    expect(summary.message.summary).toBe('• Kafka news 5\n• Kafka news 6\n• Kafka news 7');
    expect(summary.subscriptionId).toBe('kafka');
    const leftOut = decisions.filter((decision) => decision.subscriptionId === 'kafka' && !decision.deliver);
    expect(leftOut.map((decision) => decision.itemId)).toEqual(['post-5', 'post-6', 'post-7']);
    expect(leftOut[0]!.reason).toMatch(/already posted 5 items .* summary post/);
  });

  it('posts every item when a poll finds no more than the cap, and follows a cap the operator set', () => {
    expect(route(5).deliveries).toHaveLength(5);
    expect(route(8, 10).deliveries).toHaveLength(8);
    expect(route(8, 2).deliveries.map((delivery) => delivery.message.title)).toEqual(['Kafka news 0', 'Kafka news 1', '…and 6 more from Example Blog']);
  });

  it('gives the summary a stable id, so a retried poll does not post it twice', () => {
    expect(route(8).deliveries.at(-1)!.id).toBe(route(8).deliveries.at(-1)!.id);
  });

  it('routes a paused subscription\'s items too, flood cap included, so they can be kept for /feed resume', () => {
    const paused = subscriptionRecord('paused', { rule: 'kafka', createdAt: '2026-11-01T00:00:00Z', paused: true, pausedReason: 'paused with /feed pause' });
    const { deliveries } = routeItems(items(7), 'Example Blog', [paused], { now: NOW, maxItemAgeDays: 7, rules: new RuleCache() });
    expect(deliveries.map((delivery) => [delivery.subscriptionId, delivery.message.title])).toEqual([
      ...[0, 1, 2, 3, 4].map((index) => ['paused', `Kafka news ${index}`]),
      ['paused', '…and 2 more from Example Blog'],
    ]);
  });
});

describe('routeItems with a template', () => {
  it("stores the subscription's template in each item's snapshot, but not in the flood summary", () => {
    const subscriptions = [
      subscriptionRecord('formatted', { createdAt: '2026-11-01T00:00:00Z', template: '{title} by {author}' }),
      subscriptionRecord('plain', { createdAt: '2026-11-01T00:00:00Z', channelId: 'channel-2' }),
    ];
    const { deliveries } = routeItems(items(6), 'Example Blog', subscriptions, { now: NOW, maxItemAgeDays: 7, rules: new RuleCache(), feedLink: 'https://blog.example.org/' });
    const formatted = deliveries.filter((delivery) => delivery.subscriptionId === 'formatted');
    expect(formatted.map((delivery) => delivery.message.template)).toEqual([...Array<string>(5).fill('{title} by {author}'), undefined]);
    expect(deliveries.filter((delivery) => delivery.subscriptionId === 'plain').every((delivery) => delivery.message.template === undefined)).toBe(true);
  });
});
