/**
 * The admin layer and mentions in the router: an item reaches a subscription only if it passes its workspace's
 * rule and its own, the reason names the layer that blocked it, and a delivery pings its role only when the
 * mention's rule also matches.
 */
import { describe, expect, it } from 'vitest';
import { sampleItem } from '../../test/support/sample-item.ts';
import { subscriptionRecord } from '../../test/support/store-records.ts';
import { prepareRuleItem as prepare } from '../rules/index.ts';
import { RuleCache } from './rule-cache.ts';
import { routeItems, workspaceKey } from './route-items.ts';
import type { RoutingContext } from './route-items.ts';
import type { Subscription } from '../store/records.ts';

const NOW = new Date('2026-12-01T12:00:00Z');
const CREATED = '2026-11-01T00:00:00Z';
const kafka = sampleItem({ id: 'kafka', title: 'Kafka 4.0 released', categories: ['streaming'], published: NOW });
const sponsored = sampleItem({ id: 'sponsored', title: 'Kafka hosting, sponsored', categories: ['streaming'], published: NOW });
const job = sampleItem({ id: 'job', title: 'Kafka engineer wanted', categories: ['jobs'], published: NOW });

function route(subscriptions: Subscription[], workspaceRules: Record<string, string> = {}, extra: Partial<RoutingContext> = {}) {
  return routeItems([kafka, sponsored, job], 'Example Blog', subscriptions, {
    now: NOW, maxItemAgeDays: 7, rules: new RuleCache(), workspaceRules: new Map(Object.entries(workspaceRules)), ...extra,
  });
}

const decisionOf = (result: ReturnType<typeof route>, subscriptionId: string, itemId: string) =>
  result.decisions.find((decision) => decision.subscriptionId === subscriptionId && decision.itemId === itemId)!;

describe('routing through the workspace rule and the subscription rule', () => {
  it("delivers only what passes both layers, and names the server's rule when it blocks", () => {
    const result = route([subscriptionRecord('s', { rule: 'kafka', createdAt: CREATED })], { [workspaceKey('discord', 'guild-1')]: '-sponsored -category:jobs' });
    expect(result.deliveries.map((delivery) => delivery.itemId)).toEqual(['kafka']);
    expect(decisionOf(result, 's', 'sponsored').reason).toBe("blocked by this server's rule -sponsored -category:jobs: blocked by -sponsored (found in title)");
    expect(decisionOf(result, 's', 'job').reason).toMatch(/^blocked by this server's rule -sponsored -category:jobs: blocked by -category:jobs/);
    expect(decisionOf(result, 's', 'kafka').reason).toMatch(/^matched "kafka" in title; passes this server's rule -sponsored -category:jobs$/);
  });

  it("names the subscription's own rule when the workspace rule lets an item through and its own does not", () => {
    const result = route([subscriptionRecord('s', { rule: '-title:released', createdAt: CREATED })], { [workspaceKey('discord', 'guild-1')]: '-sponsored' });
    expect(result.deliveries.map((delivery) => delivery.itemId)).toEqual(['job']);
    expect(decisionOf(result, 's', 'kafka').reason).toMatch(/^blocked by -title:released/);
  });

  it("applies a workspace's rule only to that workspace's subscriptions, and calls Slack's a workspace", () => {
    const result = route(
      [
        subscriptionRecord('here', { rule: '', createdAt: CREATED }),
        subscriptionRecord('elsewhere', { rule: '', createdAt: CREATED, workspaceId: 'guild-2', channelId: 'c2' }),
        subscriptionRecord('slack', { rule: '', createdAt: CREATED, platform: 'slack', workspaceId: 'T1', channelId: 'C1' }),
      ],
      { [workspaceKey('discord', 'guild-1')]: '-sponsored', [workspaceKey('slack', 'T1')]: '-category:jobs' },
    );
    const delivered = (id: string) => result.deliveries.filter((delivery) => delivery.subscriptionId === id).map((delivery) => delivery.itemId);
    expect(delivered('here')).toEqual(['kafka', 'job']);
    expect(delivered('elsewhere')).toEqual(['kafka', 'sponsored', 'job']);
    expect(delivered('slack')).toEqual(['kafka', 'sponsored']);
    expect(decisionOf(result, 'slack', 'job').reason).toMatch(/^blocked by this workspace's rule -category:jobs/);
  });

  it('decides exactly as evaluating both rules on every item would', () => {
    const subscriptions = ['kafka', 'released OR wanted', '-hosting', '', 'title:/engineer/i'].map((rule, index) =>
      subscriptionRecord(`s${index}`, { rule, createdAt: CREATED, workspaceId: index % 2 === 0 ? 'guild-1' : 'guild-2', channelId: `c${index}` }),
    );
    const workspaceRules = { [workspaceKey('discord', 'guild-1')]: '-sponsored', [workspaceKey('discord', 'guild-2')]: 'category:jobs OR released' };
    const rules = new RuleCache();
    const expected = subscriptions.flatMap((subscription) =>
      [kafka, sponsored, job].map((item) => {
        const text = { ...item, feedTitle: 'Example Blog' };
        const layer = workspaceRules[workspaceKey(subscription.platform, subscription.workspaceId)]!;
        return `${subscription.id}/${item.id}:${rules.evaluate(layer, prepare(text)).matches && rules.evaluate(subscription.rule, prepare(text)).matches}`;
      }),
    );
    const result = route(subscriptions, workspaceRules);
    const actual = subscriptions.flatMap((subscription) => [kafka, sponsored, job].map((item) => `${subscription.id}/${item.id}:${decisionOf(result, subscription.id, item.id).deliver}`));
    expect(actual).toEqual(expected);
  });
});

describe('mentions decided at routing time', () => {
  const mentioned = (rule?: string) =>
    subscriptionRecord('s', { rule: '', createdAt: CREATED, mention: { roleId: '223456789012345678', roleName: 'releases', ...(rule === undefined ? {} : { rule }) } });

  it('pings with every delivered item when the mention has no rule', () => {
    const result = route([mentioned()]);
    expect(result.deliveries.map((delivery) => [delivery.itemId, delivery.message.mentionRoleId])).toEqual([
      ['kafka', '223456789012345678'], ['sponsored', '223456789012345678'], ['job', '223456789012345678'],
    ]);
  });

  it("pings only for the items that also match the mention's rule, and says why in the reason", () => {
    const result = route([mentioned('title:released')]);
    expect(result.deliveries.map((delivery) => [delivery.itemId, delivery.message.mentionRoleId])).toEqual([
      ['kafka', '223456789012345678'], ['sponsored', undefined], ['job', undefined],
    ]);
    expect(decisionOf(result, 's', 'kafka').mentionRoleId).toBe('223456789012345678');
    expect(decisionOf(result, 's', 'kafka').reason).toMatch(/; pings @releases \(matched "released" in title\)$/);
    expect(decisionOf(result, 's', 'job').reason).toMatch(/; does not ping @releases \(its rule: [^)]*released[^)]*\)$/);
  });

  it('never pings for an item that is not delivered, even when the mention rule matches it', () => {
    const result = route([mentioned('kafka')], { [workspaceKey('discord', 'guild-1')]: '-sponsored' });
    expect(decisionOf(result, 's', 'sponsored')).toMatchObject({ deliver: false });
    expect(decisionOf(result, 's', 'sponsored').mentionRoleId).toBeUndefined();
    expect(result.deliveries.map((delivery) => delivery.itemId)).toEqual(['kafka', 'job']);
  });

  it('pings with the summary post when an item left out past the cap would have pinged', () => {
    const result = route([mentioned('wanted')], {}, { maxPostsPerPoll: 1 });
    expect(result.deliveries.map((delivery) => [delivery.message.title, delivery.message.mentionRoleId])).toEqual([
      ['Kafka 4.0 released', undefined], ['…and 2 more from Example Blog', '223456789012345678'],
    ]);
  });
});
