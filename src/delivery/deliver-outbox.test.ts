import { describe, expect, it } from 'vitest';
import { useTemporaryStores } from '../../test/support/temporary-store.ts';
import { combineListeners } from '../activity.ts';
import type { Message } from '../format/message.ts';
import { createSilentLogger } from '../log.ts';
import type { Delivery, Subscription } from '../store/records.ts';
import { OutboxDeliverer } from './deliver-outbox.ts';
import type { MessageSender, SendOutcome } from './message-sender.ts';

const openStore = useTemporaryStores();

/** A sender that answers from a script and records what it was asked to send. */
class ScriptedSender implements MessageSender {
  readonly platform = 'discord' as const;
  readonly sent: Array<{ channelId: string; title: string; nonce: string }> = [];
  constructor(private readonly answer: (channelId: string, message: Message) => SendOutcome) {}
  async send(channelId: string, message: Message, nonce: string): Promise<SendOutcome> {
    const outcome = this.answer(channelId, message);
    if (outcome.kind === 'sent') this.sent.push({ channelId, title: message.title, nonce });
    return outcome;
  }
}

const NOW = new Date('2026-11-21T12:00:00Z');

function subscription(id: string, channelId: string): Subscription {
  return { id, platform: 'discord', workspaceId: 'g', channelId, feedUrl: 'https://x.test/feed', feedTitle: 'X', rule: '', createdAt: NOW.toISOString(), createdBy: 'u', paused: false };
}

function delivery(id: string, subscriptionId: string, channelId: string, createdAt = NOW): Delivery {
  return {
    id, subscriptionId, platform: 'discord', channelId, itemId: id,
    message: { title: `Item ${id}`, summary: '', feedTitle: 'X', feedUrl: 'https://x.test/feed', categories: [] },
    createdAt: createdAt.toISOString(), attempts: 0, nextAttemptAt: NOW.toISOString(),
  };
}

async function setUp(answer: (channelId: string, message: Message) => SendOutcome) {
  const store = openStore();
  const sender = new ScriptedSender(answer);
  const paused: string[] = [];
  const deliverer = new OutboxDeliverer(store.repos, new Map([['discord', sender]]), createSilentLogger(), combineListeners([{ subscriptionPaused: (event) => paused.push(`${event.subscription.id}${event.itemsKept ? ' (items kept)' : ''}`) }]), () => NOW);
  return { repos: store.repos, sender, deliverer, paused };
}

describe('OutboxDeliverer', () => {
  it('sends each delivery once, oldest first per channel, and empties the outbox', async () => {
    const { repos, sender, deliverer } = await setUp(() => ({ kind: 'sent' }));
    await repos.subscriptions.put('s1', subscription('s1', 'c1'));
    await repos.addDeliveries([delivery('b', 's1', 'c1', new Date(NOW.getTime() + 1)), delivery('a', 's1', 'c1')]);
    expect(await deliverer.deliverDue()).toMatchObject({ sent: 2 });
    expect(sender.sent.map((entry) => entry.title)).toEqual(['Item a', 'Item b']);
    expect(sender.sent[0]!.nonce).toBe('a');
    expect(await repos.outbox.list()).toEqual([]);
    expect(await deliverer.deliverDue()).toMatchObject({ sent: 0 });
    expect(sender.sent).toHaveLength(2);
  });

  it('keeps a delivery that failed for a passing reason, and retries it later', async () => {
    let failing = true;
    const { repos, sender, deliverer } = await setUp(() => (failing ? { kind: 'retry', error: 'socket hang up' } : { kind: 'sent' }));
    await repos.subscriptions.put('s1', subscription('s1', 'c1'));
    await repos.addDeliveries([delivery('a', 's1', 'c1')]);
    expect(await deliverer.deliverDue()).toMatchObject({ sent: 0, retried: 1 });
    const kept = await repos.outbox.get('a');
    expect(kept?.attempts).toBe(1);
    expect(Date.parse(kept!.nextAttemptAt)).toBeGreaterThan(NOW.getTime());
    failing = false;
    await repos.outbox.put('a', { ...kept!, nextAttemptAt: NOW.toISOString() });
    expect(await deliverer.deliverDue()).toMatchObject({ sent: 1 });
    expect(sender.sent).toHaveLength(1);
  });

  it('pauses the subscription of a lost channel, parks its deliveries, and still serves other channels', async () => {
    const { repos, sender, deliverer, paused } = await setUp((channelId) => (channelId === 'gone' ? { kind: 'channel-lost', reason: 'Unknown Channel' } : { kind: 'sent' }));
    await repos.subscriptions.put('s1', subscription('s1', 'gone'));
    await repos.subscriptions.put('s2', subscription('s2', 'ok'));
    await repos.addDeliveries([delivery('a', 's1', 'gone'), delivery('b', 's1', 'gone'), delivery('c', 's2', 'ok')]);
    const report = await deliverer.deliverDue();
    expect(report).toMatchObject({ sent: 1, parked: 2 });
    expect(paused).toEqual(['s1 (items kept)']);
    expect((await repos.subscriptions.get('s1'))?.pausedReason).toBe('Unknown Channel');
    expect((await repos.outbox.ids()).sort()).toEqual(['a', 'b']);
    expect(sender.sent.map((entry) => entry.channelId)).toEqual(['ok']);
  });

  it('drops deliveries of removed subscriptions and messages the platform refuses for good', async () => {
    const { repos, deliverer } = await setUp(() => ({ kind: 'rejected', reason: 'embed too large' }));
    await repos.subscriptions.put('s1', subscription('s1', 'c1'));
    await repos.addDeliveries([delivery('a', 's1', 'c1'), delivery('orphan', 'removed', 'c1')]);
    expect(await deliverer.deliverDue()).toMatchObject({ dropped: 2 });
    expect(await repos.outbox.list()).toEqual([]);
  });
});
