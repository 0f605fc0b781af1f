/** Opening the store from HERALD_STORE: the URI forms, what the store says it is, and refusing what it cannot open. */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { deliveryRecord, subscriptionRecord } from '../../test/support/store-records.ts';
import { useTemporaryStores } from '../../test/support/temporary-store.ts';
import { HeraldError } from '../errors.ts';
import { openStore } from './open-store.ts';

const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected the store not to open'),
    (error: unknown) => error,
  );
}

function temporaryDirectory(): string {
  const directory = mkdtempSync(path.join(tmpdir(), 'herald-open-'));
  directories.push(directory);
  return directory;
}

describe('openStore', () => {
  it('opens sqlite://relative/path under cwd, making the folders it needs', async () => {
    const cwd = temporaryDirectory();
    const store = await openStore('sqlite://data/nested/herald.sqlite', { cwd });
    try {
      expect(store.engine).toBe('sqlite');
      expect(store.description).toBe(`sqlite://${path.join(cwd, 'data/nested/herald.sqlite')}`);
      expect(existsSync(path.join(cwd, 'data/nested/herald.sqlite'))).toBe(true);
      await store.ping();
    } finally {
      await store.close();
    }
  });

  it('refuses a store it does not know, naming HERALD_STORE', async () => {
    for (const uri of ['mysql://localhost/herald', 'data/herald.sqlite', 'sqlite://']) {
      const error = await rejectionOf(openStore(uri));
      expect(error).toBeInstanceOf(HeraldError);
      expect(error).toMatchObject({ code: 'store-unsupported', userMessage: expect.stringContaining('HERALD_STORE') });
    }
  });

  it('hides a PostgreSQL password in its description and in the error when it cannot connect', async () => {
    const error = await rejectionOf(openStore('postgresql://herald:s3cret@127.0.0.1:1/herald'));
    expect(error).toMatchObject({ code: 'store-unavailable' });
    expect((error as Error).message).toContain('postgresql://herald:***@127.0.0.1:1/herald');
    expect((error as Error).message).not.toContain('s3cret');
  });

  describe('on PostgreSQL', () => {
    const openTemporary = useTemporaryStores('postgres');

    it('says where it is without the password', async () => {
      const { uri } = await openTemporary();
      const withPassword = uri.replace('postgres://postgres@', 'postgres://postgres:s3cret@');
      const store = await openStore(withPassword);
      try {
        expect(store.engine).toBe('postgres');
        expect(store.description).toContain('postgres://postgres:***@127.0.0.1:5432/test');
        expect(store.description).not.toContain('s3cret');
      } finally {
        await store.close();
      }
    });
  });

  describe('a malformed row', () => {
    const openTemporary = useTemporaryStores('sqlite');

    it('throws store-corrupt naming the table and the row when asked for by id, and is left out of lists', async () => {
      const { store, uri } = await openTemporary();
      const subscription = subscriptionRecord('s');
      await store.subscriptions.put(subscription);
      await store.deliveries.add([deliveryRecord('d', subscription), deliveryRecord('e', subscription)]);
      const database = new BetterSqlite3(uri.slice('sqlite://'.length));
      database.exec(`update subscriptions set skip_item_ids = '[1, 2]' where id = 's'`);
      database.exec(`update deliveries set message = '{"title": 1' where id = 'd'`);
      database.exec(`update deliveries set message = '{"title": "no summary"}' where id = 'e'`);
      database.close();

      await expect(store.subscriptions.get('s')).rejects.toMatchObject({ code: 'store-corrupt', message: expect.stringContaining('subscriptions row s ') });
      await expect(store.deliveries.get('d')).rejects.toMatchObject({ code: 'store-corrupt', message: expect.stringContaining('deliveries row d ') });
      await expect(store.deliveries.get('e')).rejects.toMatchObject({ code: 'store-corrupt', message: expect.stringContaining('deliveries row e ') });
      // A list goes on without them (malformed-records.test.ts: reported, and a pending one dead-lettered).
      expect(await store.deliveries.list()).toEqual([]);
      expect(await store.subscriptions.listByFeed(subscription.feedUrl)).toEqual([]);
    });
  });
});
