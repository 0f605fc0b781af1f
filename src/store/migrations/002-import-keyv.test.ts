/**
 * Migration 002 on a copy of a file the previous release wrote (test/fixtures/legacy-keyv-store.sqlite: two
 * subscriptions of one feed, one of them paused with skipItemIds, the feed's state and seen set, one pending
 * delivery): everything comes back through the new Store, and the Keyv table is kept renamed as a backup.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../log.ts';
import { openStore } from '../open-store.ts';
import type { Store } from '../store.ts';

const FIXTURE = new URL('../../../test/fixtures/legacy-keyv-store.sqlite', import.meta.url);
const FEED = 'https://blog.example.org/feed.xml';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A copy of the fixture, optionally changed with SQL first. */
function legacyFile(...statements: string[]): string {
  const directory = mkdtempSync(path.join(tmpdir(), 'herald-legacy-'));
  cleanups.push(async () => rmSync(directory, { recursive: true, force: true }));
  const file = path.join(directory, 'herald.sqlite');
  copyFileSync(FIXTURE, file);
  const database = new BetterSqlite3(file);
  for (const statement of statements) database.exec(statement);
  database.close();
  return file;
}

async function open(file: string, lines: string[] = []): Promise<Store> {
  const log = createLogger({ level: 'info', format: 'json', stream: { write: (line: string) => lines.push(line) } as unknown as NodeJS.WritableStream });
  const store = await openStore(`sqlite://${file}`, { log });
  cleanups.push(() => store.close());
  return store;
}

function tablesOf(file: string): string[] {
  const database = new BetterSqlite3(file, { readonly: true });
  const names = database.prepare("select name from sqlite_master where type = 'table' and name like 'herald%' order by name").pluck().all() as string[];
  database.close();
  return names;
}

describe('importing the previous release\'s Keyv store', () => {
  it('brings back every subscription, the feed state, the seen set and the pending delivery', async () => {
    const file = legacyFile();
    const lines: string[] = [];
    const store = await open(file, lines);

    expect(await store.subscriptions.listByFeed(FEED)).toStrictEqual([
      {
        id: 'k7m2pq', platform: 'discord', workspaceId: '100000000000000001', channelId: '200000000000000001', channelName: 'data-eng',
        feedUrl: FEED, feedTitle: 'Example Blog', rule: 'kafka OR "event streaming"', createdAt: '2026-11-20T10:00:00.000Z',
        createdBy: '300000000000000001', paused: false,
      },
      {
        id: 'x9wz3a', platform: 'slack', workspaceId: 'T0001', channelId: 'C0001', feedUrl: FEED, feedTitle: 'Example Blog',
        rule: 'title:rust -title:"rust belt"', createdAt: '2026-11-20T11:00:00.000Z', createdBy: 'U0001', paused: true,
        pausedReason: 'the Slack channel is archived (Slack error is_archived)', skipItemIds: ['urn:post:3'],
      },
    ]);
    expect(await store.feeds.get(FEED)).toStrictEqual({
      url: FEED, title: 'Example Blog', etag: '"abc123"', lastModified: 'Fri, 20 Nov 2026 09:00:00 GMT', lastPolledAt: '2026-11-21T12:00:00.000Z',
      nextPollAt: '2026-11-21T12:10:00.000Z', minIntervalSeconds: 1800, consecutiveFailures: 0,
    });
    expect(await store.seen.get(FEED)).toStrictEqual({
      identity: 'id',
      keys: ['urn:post:1', 'urn:post:2', 'urn:post:3'],
      links: ['https://blog.example.org/1', 'https://blog.example.org/2', 'https://blog.example.org/3'],
    });
    expect(await store.deliveries.list()).toStrictEqual([
      {
        id: 'dlv-pending-1', subscriptionId: 'k7m2pq', platform: 'discord', channelId: '200000000000000001', itemId: 'urn:post:3',
        message: {
          title: 'Kafka 4.0 drops ZooKeeper', url: 'https://blog.example.org/3', summary: 'KRaft is now the only mode.', author: 'Jane Doe',
          feedTitle: 'Example Blog', feedUrl: FEED, timestamp: '2026-11-21T11:55:00.000Z', categories: ['kafka'],
        },
        createdAt: '2026-11-21T12:00:00.000Z', attempts: 1, nextAttemptAt: '2026-11-21T12:00:10.000Z', lastError: 'socket hang up', state: 'pending',
      },
    ]);
    // The delivery's channel is due when the delivery is.
    const due = new Date('2026-11-21T12:00:10.000Z');
    expect(await store.leases.claimDueChannels('w', ['discord'], new Date(due.getTime() - 1), 10, 1000)).toEqual([]);
    expect(await store.leases.claimDueChannels('w', ['discord'], due, 10, 1000)).toEqual([{ platform: 'discord', channelId: '200000000000000001' }]);

    expect(tablesOf(file)).toEqual(['herald_keyv_imported']);
    const report = lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((record) => String(record.msg).startsWith('imported'));
    expect(report).toMatchObject({ subscriptions: 2, feeds: 1, seenSets: 1, deliveries: 1, skipped: 0 });
  });

  it('imports once: opening the file again changes nothing', async () => {
    const file = legacyFile();
    const first = await open(file);
    await first.subscriptions.delete('x9wz3a');
    await first.close();
    const again = await open(file);
    expect((await again.subscriptions.listByFeed(FEED)).map((subscription) => subscription.id)).toEqual(['k7m2pq']);
    expect(await again.deliveries.list()).toHaveLength(1);
  });

  it("parks a paused subscription's deliveries, keeps the outbox's order, and skips and reports malformed records", async () => {
    const outbox = (id: string, subscriptionId: string, createdAt: string) =>
      JSON.stringify({
        value: {
          id, subscriptionId, platform: 'slack', channelId: 'C0001', itemId: id, createdAt, attempts: 0, nextAttemptAt: createdAt,
          message: { title: id, summary: '', feedTitle: 'Example Blog', feedUrl: FEED, categories: [] },
        },
      });
    const file = legacyFile(
      `insert into herald values ('herald:outbox:later', '${outbox('later', 'x9wz3a', '2026-11-21T13:00:00.000Z')}')`,
      `insert into herald values ('herald:outbox:earlier', '${outbox('earlier', 'x9wz3a', '2026-11-21T11:00:00.000Z')}')`,
      `insert into herald values ('herald:subscription:broken', '{"value":{"id":"broken","platform":"irc"}}')`,
      `insert into herald values ('herald:seen:000000000000000000000000', '{"value":{"identity":"id","keys":[],"links":[]}}')`,
      `insert into herald values ('herald:outbox:garbled', 'not json')`,
      `insert into herald values ('herald:outbox:timeless', '${outbox('timeless', 'x9wz3a', 'some time ago')}')`,
    );
    const lines: string[] = [];
    const store = await open(file, lines);

    expect((await store.deliveries.list({ platform: 'slack' })).map((delivery) => [delivery.id, delivery.state])).toEqual([
      ['earlier', 'parked'],
      ['later', 'parked'],
    ]);
    expect(await store.subscriptions.count()).toBe(2);
    const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records.find((record) => String(record.msg).startsWith('imported'))).toMatchObject({ subscriptions: 2, deliveries: 3, skipped: 4 });
    expect(records.filter((record) => record.level === 'warn').map((record) => record.key).sort()).toEqual([
      'herald:outbox:garbled',
      'herald:outbox:timeless',
      'herald:seen:000000000000000000000000',
      'herald:subscription:broken',
    ]);
  });
});
