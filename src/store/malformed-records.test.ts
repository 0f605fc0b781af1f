/**
 * One malformed stored record (bad JSON in a column, a value outside its enum) is skipped and reported; the rest
 * of the store goes on: the channel's other deliveries are sent, the feed's other subscriptions are read.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { combineListeners } from '../activity.ts';
import { DeliveryWorker } from '../delivery/delivery-worker.ts';
import type { MessageSender, SendOutcome } from '../delivery/message-sender.ts';
import type { Message } from '../format/message.ts';
import { createLogger } from '../log.ts';
import { openStore } from './open-store.ts';
import type { Delivery, Subscription } from './records.ts';
import type { Store } from './store.ts';

const now = new Date('2026-12-01T12:00:00Z');
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function storeWithLog(): Promise<{ store: Store; file: string; logLines: () => Array<Record<string, unknown>> }> {
  const directory = mkdtempSync(path.join(tmpdir(), 'herald-malformed-'));
  cleanups.push(() => rmSync(directory, { recursive: true, force: true }));
  const stream = new PassThrough();
  let text = '';
  stream.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  const store = await openStore('sqlite://herald.sqlite', { cwd: directory, log: createLogger({ level: 'info', stream, format: 'json' }) });
  cleanups.push(() => store.close());
  const logLines = () => text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Record<string, unknown>);
  return { store, file: path.join(directory, 'herald.sqlite'), logLines };
}

/** Changes a row behind the store's back, as a bad manual edit or an old bug would have. */
function tamper(file: string, statement: string, ...parameters: unknown[]): void {
  const database = new BetterSqlite3(file);
  try {
    database.prepare(statement).run(...parameters);
  } finally {
    database.close();
  }
}

function subscription(id: string): Subscription {
  return { id, platform: 'discord', workspaceId: 'g', channelId: 'c1', feedUrl: 'https://x.test/feed', feedTitle: 'X', rule: '', createdAt: now.toISOString(), createdBy: 'u', paused: false };
}

function delivery(id: string, offsetMs: number): Delivery {
  return {
    id, subscriptionId: 's1', platform: 'discord', channelId: 'c1', itemId: id,
    message: { title: `Item ${id}`, summary: '', feedTitle: 'X', feedUrl: 'https://x.test/feed', categories: [] },
    createdAt: new Date(now.getTime() + offsetMs).toISOString(), attempts: 0, nextAttemptAt: now.toISOString(),
  };
}

class RecordingSender implements MessageSender {
  readonly platform = 'discord' as const;
  readonly sent: string[] = [];
  async send(_channelId: string, message: Message): Promise<SendOutcome> {
    this.sent.push(message.title);
    return { kind: 'sent' };
  }
}

describe('a malformed stored record', () => {
  it('dead-letters a delivery whose message is not valid JSON, says why, and sends the rest of its channel', async () => {
    const { store, file, logLines } = await storeWithLog();
    await store.subscriptions.put(subscription('s1'));
    await store.deliveries.add([delivery('d1', 1), delivery('d2', 2), delivery('d3', 3)]);
    tamper(file, "update deliveries set message = '{\"title\": broken' where id = ?", 'd2');

    const sender = new RecordingSender();
    const worker = new DeliveryWorker({
      store, senders: new Map([['discord', sender]]), log: createLogger({ level: 'error', stream: new PassThrough() }),
      activity: combineListeners([]), clock: () => now, owner: 'worker-a',
    });
    await worker.runUntilIdle();

    expect(sender.sent).toEqual(['Item d1', 'Item d3']);
    const row = new BetterSqlite3(file, { readonly: true });
    cleanups.push(() => void row.close());
    expect(row.prepare('select state, last_error from deliveries where id = ?').get('d2')).toEqual({ state: 'dead', last_error: expect.stringMatching(/malformed stored record/) });
    const reported = logLines().filter((line) => line.level === 'error' && line.id === 'd2');
    expect(reported).toHaveLength(1);
    expect(reported[0]).toMatchObject({ table: 'deliveries', problem: expect.stringMatching(/message is not JSON/) });
  });

  it('leaves out a subscription with an unknown platform and still lists the feed\'s others', async () => {
    const { store, file, logLines } = await storeWithLog();
    await store.subscriptions.put(subscription('s1'));
    await store.subscriptions.put({ ...subscription('s2'), channelId: 'c2' });
    tamper(file, "update subscriptions set platform = 'telegram' where id = ?", 's2');

    expect((await store.subscriptions.listByFeed('https://x.test/feed')).map((entry) => entry.id)).toEqual(['s1']);
    expect(logLines().some((line) => line.level === 'error' && line.id === 's2' && String(line.problem).includes('platform'))).toBe(true);
  });
});
