import { describe, expect, it, vi } from 'vitest';
import { useTemporaryStores } from '../../test/support/temporary-store.ts';
import { combineListeners } from '../activity.ts';
import type { Message } from '../format/message.ts';
import { createLogger, createSilentLogger } from '../log.ts';
import { waitUntil } from '../../test/support/wait-until.ts';
import { CredentialWatch } from './credential-watch.ts';
import type { Delivery, Platform, Subscription } from '../store/records.ts';
import { DeliveryWorker } from './delivery-worker.ts';
import type { DeliveryWorkerOptions } from './delivery-worker.ts';
import type { MessageSender, SendOutcome } from './message-sender.ts';

const openStore = useTemporaryStores();

/** A sender that answers from a script and records what it was asked to send, with when. */
class ScriptedSender implements MessageSender {
  readonly sent: Array<{ channelId: string; title: string; nonce: string; at: number }> = [];
  constructor(
    readonly platform: Platform,
    private readonly answer: (channelId: string, message: Message) => SendOutcome | Promise<SendOutcome>,
  ) {}
  async send(channelId: string, message: Message, nonce: string): Promise<SendOutcome> {
    const outcome = await this.answer(channelId, message);
    if (outcome.kind === 'sent') this.sent.push({ channelId, title: message.title, nonce, at: Date.now() });
    return outcome;
  }
}

let now = new Date('2026-11-21T12:00:00Z');
let sequence = 0;

function subscription(id: string, channelId: string, platform: Platform = 'discord'): Subscription {
  return { id, platform, workspaceId: 'g', channelId, feedUrl: 'https://x.test/feed', feedTitle: 'X', rule: '', createdAt: now.toISOString(), createdBy: 'u', paused: false };
}

function delivery(id: string, subscriptionId: string, channelId: string, platform: Platform = 'discord'): Delivery {
  sequence += 1;
  return {
    id, subscriptionId, platform, channelId, itemId: id,
    message: { title: `Item ${id}`, summary: '', feedTitle: 'X', feedUrl: 'https://x.test/feed', categories: [] },
    createdAt: new Date(now.getTime() + sequence).toISOString(), attempts: 0, nextAttemptAt: now.toISOString(),
  };
}

async function setUp(senders: ScriptedSender[], options: Partial<DeliveryWorkerOptions> = {}) {
  const { store } = await openStore();
  const paused: string[] = [];
  const worker = new DeliveryWorker({
    store,
    senders: new Map(senders.map((sender) => [sender.platform, sender])),
    log: createSilentLogger(),
    activity: combineListeners([{ subscriptionPaused: (event) => paused.push(`${event.subscription.id}${event.itemsKept ? ' (items kept)' : ''}`) }]),
    clock: () => now,
    owner: 'worker-a',
    ...options,
  });
  return { store, worker, paused };
}

/** A sender without an idempotency key (as Slack): it can look in a channel for a post by its delivery id. */
class LookingSender extends ScriptedSender {
  readonly inChannel = new Set<string>();
  readonly lookedFor: string[] = [];
  override async send(channelId: string, message: Message, nonce: string): Promise<SendOutcome> {
    const outcome = await super.send(channelId, message, nonce);
    if (outcome.kind === 'sent') this.inChannel.add(nonce);
    return outcome;
  }
  async findSent(_channelId: string, nonce: string): Promise<boolean> {
    this.lookedFor.push(nonce);
    return this.inChannel.has(nonce);
  }
}

describe('DeliveryWorker', () => {
  it('does not post again an interrupted post that reached the channel, and posts one that did not', async () => {
    const sender = new LookingSender('slack', () => ({ kind: 'sent' }));
    const { store, worker } = await setUp([sender]);
    await store.subscriptions.put(subscription('s1', 'c1', 'slack'));
    await store.deliveries.add(['landed', 'lost', 'fresh'].map((id) => delivery(id, 's1', 'c1', 'slack')));
    // A process died during both posts: one reached Slack before the crash, the other did not.
    await store.deliveries.markSending('landed', now);
    await store.deliveries.markSending('lost', now);
    sender.inChannel.add('landed');

    expect(await worker.runUntilIdle()).toMatchObject({ sent: 3 });
    expect(sender.lookedFor).toEqual(['landed', 'lost']);
    expect(sender.sent.map((entry) => entry.nonce)).toEqual(['lost', 'fresh']);
    const stored = await store.deliveries.list();
    expect(stored.map((entry) => [entry.id, entry.state, entry.sendingSince])).toEqual([
      ['landed', 'sent', undefined], ['lost', 'sent', undefined], ['fresh', 'sent', undefined],
    ]);
  });

  it('looks first for a post whose answer was lost (it may have landed) when it is retried, and posts it only if absent', async () => {
    let answers = 0;
    // The first post lands but its answer is lost (a timeout); Slack has it, the worker cannot know.
    const sender: LookingSender = new LookingSender('slack', () => (answers++ === 0 ? (sender.inChannel.add('landed'), { kind: 'retry', error: 'timeout' }) : { kind: 'sent' }));
    const { store, worker } = await setUp([sender]);
    await store.subscriptions.put(subscription('s1', 'c1', 'slack'));
    await store.deliveries.add([delivery('landed', 's1', 'c1', 'slack')]);

    expect(await worker.runUntilIdle()).toMatchObject({ retried: 1 });
    now = new Date(now.getTime() + 60_000);
    expect(await worker.runUntilIdle()).toMatchObject({ sent: 1 });
    expect(sender.lookedFor).toEqual(['landed']);
    expect(answers).toBe(1);
    expect((await store.deliveries.list()).map((entry) => entry.state)).toEqual(['sent']);
  });

  it('sends each delivery once, oldest first per channel, and keeps it as sent', async () => {
    const sender = new ScriptedSender('discord', () => ({ kind: 'sent' }));
    const { store, worker } = await setUp([sender]);
    await store.subscriptions.put(subscription('s1', 'c1'));
    await store.deliveries.add(['a', 'b', 'c'].map((id) => delivery(id, 's1', 'c1')));
    expect(await worker.runUntilIdle()).toMatchObject({ sent: 3 });
    expect(sender.sent.map((entry) => `${entry.title} ${entry.nonce}`)).toEqual(['Item a a', 'Item b b', 'Item c c']);
    expect((await store.deliveries.list()).map((entry) => entry.state)).toEqual(['sent', 'sent', 'sent']);
    expect(await worker.runUntilIdle()).toMatchObject({ sent: 0 });
    expect(sender.sent).toHaveLength(3);
  });

  it('serves channels in parallel: a slow channel does not hold up the others', async () => {
    let releaseSlow: () => void = () => undefined;
    const slowAnswered = new Promise<void>((resolve) => (releaseSlow = resolve));
    const sender = new ScriptedSender('discord', async (channelId) => {
      if (channelId === 'slow') await slowAnswered;
      return { kind: 'sent' };
    });
    const { store, worker } = await setUp([sender]);
    await store.subscriptions.put(subscription('s1', 'slow'));
    await store.subscriptions.put(subscription('s2', 'fast'));
    await store.deliveries.add([delivery('a', 's1', 'slow'), delivery('b', 's2', 'fast'), delivery('c', 's2', 'fast')]);
    const run = worker.runUntilIdle();
    await expect.poll(() => sender.sent.map((entry) => entry.title)).toEqual(['Item b', 'Item c']);
    releaseSlow();
    expect(await run).toMatchObject({ sent: 3 });
  });

  it('holds back a channel whose head failed, never reordering it, while other channels go on', async () => {
    let failing = true;
    const sender = new ScriptedSender('discord', (channelId) => (failing && channelId === 'c1' ? { kind: 'retry', error: 'socket hang up' } : { kind: 'sent' }));
    const { store, worker } = await setUp([sender]);
    await store.subscriptions.put(subscription('s1', 'c1'));
    await store.subscriptions.put(subscription('s2', 'c2'));
    await store.deliveries.add([delivery('a', 's1', 'c1'), delivery('b', 's1', 'c1'), delivery('x', 's2', 'c2')]);
    expect(await worker.runUntilIdle()).toMatchObject({ sent: 1, retried: 1 });
    const held = await store.deliveries.get('a');
    expect(held).toMatchObject({ attempts: 1, state: 'pending', lastError: 'socket hang up' });
    expect(Date.parse(held!.nextAttemptAt)).toBe(now.getTime() + 5_000);
    // Not due yet: nothing is sent, not even the delivery behind it.
    failing = false;
    expect(await worker.runUntilIdle()).toMatchObject({ sent: 0 });
    now = new Date(now.getTime() + 5_000);
    expect(await worker.runUntilIdle()).toMatchObject({ sent: 2 });
    expect(sender.sent.map((entry) => entry.title)).toEqual(['Item x', 'Item a', 'Item b']);
  });

  it('dead-letters a delivery that keeps failing, keeps it visible, and goes on with the channel', async () => {
    const sender = new ScriptedSender('discord', (_channel, message) => (message.title === 'Item a' ? { kind: 'retry', error: '503' } : { kind: 'sent' }));
    const { store, worker } = await setUp([sender], { maxAttempts: 3 });
    await store.subscriptions.put(subscription('s1', 'c1'));
    await store.deliveries.add([delivery('a', 's1', 'c1'), delivery('b', 's1', 'c1')]);
    for (let round = 0; round < 3; round += 1) {
      await worker.runUntilIdle();
      now = new Date(now.getTime() + 60 * 60_000);
    }
    expect(await store.deliveries.get('a')).toMatchObject({ state: 'dead', attempts: 3, lastError: '503' });
    expect(sender.sent.map((entry) => entry.title)).toEqual(['Item b']);
    expect((await store.deliveries.stats(now)).dead).toBe(1);
  });

  it('pauses the subscription of a lost channel, parks its deliveries, and still serves other channels', async () => {
    const sender = new ScriptedSender('discord', (channelId) => (channelId === 'gone' ? { kind: 'channel-lost', reason: 'Unknown Channel' } : { kind: 'sent' }));
    const { store, worker, paused } = await setUp([sender]);
    await store.subscriptions.put(subscription('s1', 'gone'));
    await store.subscriptions.put(subscription('s2', 'ok'));
    await store.deliveries.add([delivery('a', 's1', 'gone'), delivery('b', 's1', 'gone'), delivery('c', 's2', 'ok')]);
    expect(await worker.runUntilIdle()).toMatchObject({ sent: 1, parked: 1 });
    expect(paused).toEqual(['s1 (items kept)']);
    expect((await store.subscriptions.get('s1'))?.pausedReason).toBe('Unknown Channel');
    expect((await store.deliveries.list({ state: 'parked' })).map((entry) => entry.id)).toEqual(['a', 'b']);
    expect(sender.sent.map((entry) => entry.channelId)).toEqual(['ok']);
  });

  it('keeps a message the platform refuses for good as rejected, and goes on', async () => {
    const sender = new ScriptedSender('discord', (_channel, message) => (message.title === 'Item a' ? { kind: 'rejected', reason: 'embed too large' } : { kind: 'sent' }));
    const { store, worker } = await setUp([sender]);
    await store.subscriptions.put(subscription('s1', 'c1'));
    await store.deliveries.add([delivery('a', 's1', 'c1'), delivery('b', 's1', 'c1')]);
    expect(await worker.runUntilIdle()).toMatchObject({ sent: 1, rejected: 1 });
    expect(await store.deliveries.get('a')).toMatchObject({ state: 'rejected', lastError: 'embed too large' });
  });

  it('leaves a channel alone while another process holds it, and serves it once that lease has expired', async () => {
    const sender = new ScriptedSender('discord', () => ({ kind: 'sent' }));
    const { store, worker } = await setUp([sender]);
    await store.subscriptions.put(subscription('s1', 'c1'));
    await store.deliveries.add([delivery('a', 's1', 'c1')]);
    expect(await store.leases.claimDueChannels('worker-b', ['discord'], now, 10, 30_000)).toEqual([{ platform: 'discord', channelId: 'c1' }]);
    expect(await worker.runUntilIdle()).toMatchObject({ sent: 0 });
    now = new Date(now.getTime() + 30_001);
    expect(await worker.runUntilIdle()).toMatchObject({ sent: 1 });
  });

  it('paces Slack to one post per second per channel, while Discord channels are not held', async () => {
    const slack = new ScriptedSender('slack', () => ({ kind: 'sent' }));
    const discord = new ScriptedSender('discord', () => ({ kind: 'sent' }));
    const { store, worker } = await setUp([slack, discord]);
    await store.subscriptions.put(subscription('s1', 'C1', 'slack'));
    await store.subscriptions.put(subscription('s2', 'd1'));
    await store.deliveries.add([delivery('a', 's1', 'C1', 'slack'), delivery('b', 's1', 'C1', 'slack'), delivery('c', 's1', 'C1', 'slack')]);
    await store.deliveries.add([delivery('x', 's2', 'd1'), delivery('y', 's2', 'd1')]);
    // The worker's clock for pacing is the process's: made to move only when the test moves it, so the gaps are
    // the worker's own, whatever the machine's load.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    try {
      let report: Awaited<ReturnType<DeliveryWorker['runUntilIdle']>> | undefined;
      void worker.runUntilIdle().then((done) => (report = done));
      while (report === undefined) await vi.advanceTimersByTimeAsync(100);
      expect(report).toMatchObject({ sent: 5 });
    } finally {
      vi.useRealTimers();
    }
    const gaps = slack.sent.slice(1).map((entry, index) => entry.at - slack.sent[index]!.at);
    expect(gaps).toHaveLength(2);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1_000);
    expect(discord.sent).toHaveLength(2);
    expect(discord.sent.every((entry) => entry.at < slack.sent[1]!.at)).toBe(true);
  });

  it('serves only the platforms it has a sender for', async () => {
    const discord = new ScriptedSender('discord', () => ({ kind: 'sent' }));
    const { store, worker } = await setUp([discord]);
    await store.subscriptions.put(subscription('s1', 'C1', 'slack'));
    await store.deliveries.add([delivery('a', 's1', 'C1', 'slack')]);
    expect(await worker.runUntilIdle()).toMatchObject({ sent: 0 });
    expect(await store.deliveries.get('a')).toMatchObject({ state: 'pending' });
  });
});

describe('DeliveryWorker: errors that are not the message\'s fault', () => {
  /** A sender whose platform refuses the token while `revoked` is set; its credential check says the same. */
  class TokenSender extends ScriptedSender {
    revoked = true;
    checks = 0;
    constructor(platform: Platform) {
      super(platform, () => (this.revoked ? { kind: 'auth-failed', reason: 'Slack answered token_revoked', action: 'reinstall the app' } : { kind: 'sent' }));
    }
    async checkCredentials(): Promise<boolean> {
      this.checks += 1;
      return !this.revoked;
    }
  }

  function capturingLogger() {
    const lines: Array<Record<string, unknown>> = [];
    const log = createLogger({ level: 'debug', format: 'json', stream: { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) } as unknown as NodeJS.WritableStream });
    return { log, lines };
  }

  it('stops a platform whose token is refused, keeps every delivery with its attempts, logs once, and resumes when the token works', async () => {
    const slack = new TokenSender('slack');
    const discord = new ScriptedSender('discord', () => ({ kind: 'sent' }));
    const { log, lines } = capturingLogger();
    const credentials = new CredentialWatch({ senders: new Map<Platform, MessageSender>([['slack', slack], ['discord', discord]]), log, firstCheckMs: 20, maxCheckMs: 40 });
    const { store, worker } = await setUp([slack, discord], { log, credentials });
    await store.subscriptions.put(subscription('s1', 'c1', 'slack'));
    await store.subscriptions.put(subscription('s2', 'c2', 'slack'));
    await store.subscriptions.put(subscription('d1', 'c3'));
    await store.deliveries.add([...['a', 'b'].map((id) => delivery(id, 's1', 'c1', 'slack')), delivery('c', 's2', 'c2', 'slack'), delivery('d', 'd1', 'c3')]);

    await worker.runUntilIdle();
    expect(credentials.isStopped('slack')).toBe(true);
    expect(discord.sent.map((entry) => entry.nonce)).toEqual(['d']);
    const kept = await store.deliveries.list({ platform: 'slack' });
    expect(kept.map((entry) => [entry.id, entry.state, entry.attempts])).toEqual([['a', 'pending', 0], ['b', 'pending', 0], ['c', 'pending', 0]]);
    // Further rounds send nothing on the stopped platform and log nothing new.
    await worker.runUntilIdle();
    expect(slack.sent).toEqual([]);
    const refusals = lines.filter((line) => String(line.msg).includes("refused Herald's credentials"));
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toMatchObject({ level: 'error', platform: 'slack', reason: 'Slack answered token_revoked', action: 'reinstall the app' });

    await waitUntil(() => slack.checks >= 2, 'two credential checks');
    expect(credentials.isStopped('slack')).toBe(true);
    slack.revoked = false;
    await waitUntil(() => !credentials.isStopped('slack'), 'the credentials to work again');
    await worker.runUntilIdle();
    expect(slack.sent.map((entry) => entry.nonce).sort()).toEqual(['a', 'b', 'c']);
    expect(slack.sent.filter((entry) => entry.channelId === 'c1').map((entry) => entry.nonce)).toEqual(['a', 'b']);
    expect(lines.filter((line) => String(line.msg).includes('takes Herald\'s credentials again'))).toHaveLength(1);
    credentials.close();
  });

  it('retries an unknown error a bounded number of times, then dead-letters it and goes on', async () => {
    const sender = new ScriptedSender('discord', (_channel, message) => (message.title === 'Item bad' ? { kind: 'retry', error: 'Discord answered 400 12345: something new' } : { kind: 'sent' }));
    const { store, worker } = await setUp([sender], { maxAttempts: 3 });
    await store.subscriptions.put(subscription('s1', 'c1'));
    await store.deliveries.add([delivery('bad', 's1', 'c1'), delivery('good', 's1', 'c1')]);
    for (let round = 0; round < 3; round += 1) {
      await worker.runUntilIdle();
      now = new Date(now.getTime() + 2 * 60 * 60 * 1000);
    }
    const stored = await store.deliveries.list();
    expect(stored.map((entry) => [entry.id, entry.state, entry.attempts])).toEqual([['bad', 'dead', 3], ['good', 'sent', 0]]);
    expect(stored[0]!.lastError).toMatch(/something new/);
  });

  it('records a post that went out without a refused part as sent', async () => {
    const sender = new ScriptedSender('discord', () => ({ kind: 'sent', without: ['the link (embeds.0.url: Must be 2048 or fewer in length.)'] }));
    const { log, lines } = capturingLogger();
    const { store, worker } = await setUp([sender], { log });
    await store.subscriptions.put(subscription('s1', 'c1'));
    await store.deliveries.add([delivery('long', 's1', 'c1')]);
    expect(await worker.runUntilIdle()).toMatchObject({ sent: 1, rejected: 0 });
    expect(lines.find((line) => String(line.msg).includes('posted without it'))).toMatchObject({ level: 'warn', without: expect.stringContaining('embeds.0.url') });
  });
});
