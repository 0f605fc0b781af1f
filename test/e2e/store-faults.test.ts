/**
 * The SQLite store under faults, with the real Herald process in console mode: a database locked by another
 * connection for longer than the busy timeout loses no item; a corrupt or unusable file stops start-up with one
 * message naming the file and what to do; a data file deleted while Herald runs is reported and /readyz says so.
 */
import { closeSync, mkdirSync, openSync, rmSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.ts';
import { makeRss } from '../emulators/feed-documents.ts';
import type { TestItem } from '../emulators/feed-documents.ts';
import { startFeedServer } from '../emulators/feed-server.ts';
import type { FeedServer } from '../emulators/feed-server.ts';
import { waitUntil } from '../support/wait-until.ts';
import { makeWorkDirectory, runHeraldToEnd, startHeraldProcess } from './herald-process.ts';
import type { HeraldProcess } from './herald-process.ts';

let feeds: FeedServer;
beforeAll(async () => {
  feeds = await startFeedServer();
});
afterAll(async () => {
  await feeds.close();
});

const STORE = 'sqlite://data/herald.sqlite';
const item = (guid: string, title: string, minutesAgo = 0): TestItem => ({ guid, title, link: `https://store.test/${guid}`, pubDate: new Date(Date.now() - minutesAgo * 60_000) });

async function httpBase(herald: HeraldProcess): Promise<string> {
  const line = await herald.waitForLine(/"msg":"HTTP listening"/, { stream: 'stderr' });
  return `http://127.0.0.1:${(JSON.parse(line) as { port: number }).port}`;
}

function storeErrorCount(metrics: string): number {
  return [...metrics.matchAll(/^herald_store_errors_total\{[^}]*\} (\d+)/gm)].reduce((sum, match) => sum + Number(match[1]), 0);
}

describe('a database locked by another connection', () => {
  it('loses no item that arrived while locked: the failed writes are logged, counted and retried', async () => {
    const feedPath = '/locked.xml';
    const old = [item('old', 'Old news', 60)];
    feeds.setFeed(feedPath, makeRss(old, { title: 'Locked Feed' }));
    const work = makeWorkDirectory({ 'herald.yaml': `subscriptions:\n  - url: ${feeds.url(feedPath)}\n` });
    const herald = await startHeraldProcess({ cwd: work.cwd, env: { HERALD_STORE: STORE, HERALD_POLL_INTERVAL: '1', HERALD_ALLOW_PRIVATE_URLS: 'true' } });
    try {
      const base = await httpBase(herald);
      await herald.waitForLine(/Locked Feed .*1 items? now, not printed/, { stream: 'stdout' });

      const locker = new BetterSqlite3(path.join(work.cwd, 'data', 'herald.sqlite'));
      locker.exec('begin exclusive');
      const fresh = [item('new-1', 'First while locked'), item('new-2', 'Second while locked'), item('new-3', 'Third while locked')];
      try {
        feeds.setFeed(feedPath, makeRss([fresh[0]!, ...old], { title: 'Locked Feed' }));
        await new Promise((resolve) => setTimeout(resolve, 4_000));
        feeds.setFeed(feedPath, makeRss([fresh[1]!, fresh[0]!, ...old], { title: 'Locked Feed' }));
        await new Promise((resolve) => setTimeout(resolve, 4_000));
        feeds.setFeed(feedPath, makeRss([fresh[2]!, fresh[1]!, fresh[0]!, ...old], { title: 'Locked Feed' }));
        await new Promise((resolve) => setTimeout(resolve, 4_000));
        expect(herald.stdout()).not.toMatch(/while locked/);
      } finally {
        locker.exec('rollback');
        locker.close();
      }

      for (const entry of fresh) await herald.waitForLine(new RegExp(`Locked Feed — ${entry.title}`), { stream: 'stdout', timeoutMs: 30_000 });
      for (const entry of fresh) expect(herald.stdout().split('\n').filter((line) => line.includes(entry.title))).toHaveLength(1);
      expect(herald.stderr()).toMatch(/"level":"error".*database is locked/);
      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(storeErrorCount(metrics)).toBeGreaterThan(0);
    } finally {
      expect(await herald.stop()).toBe(0);
      work.remove();
    }
  }, 90_000);
});

describe('a corrupt or unusable store file', () => {
  /** A work directory whose store was made by Herald's own migrations, then damaged by `damage`. */
  async function damagedStore(damage: (file: string) => void): Promise<{ cwd: string; file: string; remove(): void }> {
    const work = makeWorkDirectory({ 'herald.yaml': 'subscriptions: []\n' });
    const store = await openStore(STORE, { cwd: work.cwd });
    await store.close();
    const file = path.join(work.cwd, 'data', 'herald.sqlite');
    damage(file);
    return { ...work, file };
  }

  const cases: Array<[string, (file: string) => void]> = [
    ['truncated', (file) => truncateSync(file, Math.floor(statSync(file).size / 3) + 100)],
    [
      'with garbage over its pages after the first',
      (file) => {
        const size = statSync(file).size;
        const descriptor = openSync(file, 'r+');
        const garbage = Buffer.alloc(size - 4096);
        for (let index = 0; index < garbage.length; index += 1) garbage[index] = (index * 7919 + 13) % 251;
        writeSync(descriptor, garbage, 0, garbage.length, 4096);
        closeSync(descriptor);
      },
    ],
    ['overwritten with text', (file) => writeFileSync(file, 'this is not a database\n'.repeat(500))],
    [
      'replaced by a directory',
      (file) => {
        rmSync(file);
        mkdirSync(file);
      },
    ],
  ];

  it.each(cases)('stops start-up with one message naming the file and what to do when it is %s', async (_name, damage) => {
    const work = await damagedStore(damage);
    try {
      const result = await runHeraldToEnd(['start'], work.cwd, { HERALD_STORE: STORE, HERALD_ALLOW_PRIVATE_URLS: 'true' });
      expect(result.code).toBe(1);
      expect(result.stdout).not.toMatch(/Herald started/);
      expect(result.stderr).not.toMatch(/\n\s+at /);
      const message = result.stderr.split('\n').find((line) => line.startsWith('herald: '));
      expect(message).toBeDefined();
      expect(message).toContain(work.file);
      expect(message).toMatch(/backup/);
      expect(message).toMatch(/move it away|move .* away/);
    } finally {
      work.remove();
    }
  }, 60_000);
});

describe('a data file deleted while Herald runs', () => {
  it('is reported as an error and makes /readyz not ready', async () => {
    feeds.setFeed('/deleted.xml', makeRss([item('a', 'Before deletion', 10)], { title: 'Deleted Feed' }));
    const work = makeWorkDirectory({ 'herald.yaml': `subscriptions:\n  - url: ${feeds.url('/deleted.xml')}\n` });
    const herald = await startHeraldProcess({ cwd: work.cwd, env: { HERALD_STORE: STORE, HERALD_POLL_INTERVAL: '1', HERALD_ALLOW_PRIVATE_URLS: 'true' } });
    try {
      const base = await httpBase(herald);
      await herald.waitForLine(/Deleted Feed .*not printed/, { stream: 'stdout' });
      expect((await fetch(`${base}/readyz`)).status).toBe(200);

      rmSync(path.join(work.cwd, 'data'), { recursive: true, force: true });
      const line = await herald.waitForLine(/"level":"error".*store file/, { stream: 'stderr', timeoutMs: 30_000 });
      expect(line).toContain(path.join(work.cwd, 'data', 'herald.sqlite'));
      const ready = await waitUntil(async () => {
        const response = await fetch(`${base}/readyz`);
        return response.status === 503 ? ((await response.json()) as { checks: Record<string, string> }) : undefined;
      }, '/readyz not ready');
      expect(ready.checks.store).toMatch(/deleted|gone|replaced/);
    } finally {
      await herald.stop();
      work.remove();
    }
  }, 60_000);
});

