/**
 * Stores for tests, each on its own fresh database, removed by `dispose`: SQLite in a file of a temporary folder
 * (the default), or PostgreSQL in a new schema of the test server (HERALD_TEST_POSTGRES, by default
 * postgres://postgres@127.0.0.1:5432/test, as .ci/run provides), dropped afterwards. `uri` opens the same data again.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterEach } from 'vitest';
import { messageOf } from '../../src/errors.ts';
import { openStore } from '../../src/store/open-store.ts';
import type { Store } from '../../src/store/store.ts';

export type StoreEngine = Store['engine'];

export interface TemporaryStore {
  readonly store: Store;
  readonly uri: string;
  dispose(): Promise<void>;
}

export const POSTGRES_TEST_SERVER = process.env.HERALD_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test';

export async function openTemporaryStore(engine: StoreEngine = 'sqlite'): Promise<TemporaryStore> {
  return engine === 'postgres' ? openPostgresStore() : openSqliteStore();
}

/** For a test file: opens temporary stores on demand and disposes of each after its test. */
export function useTemporaryStores(engine: StoreEngine = 'sqlite'): () => Promise<TemporaryStore> {
  const opened: TemporaryStore[] = [];
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.dispose();
  });
  return async () => {
    const store = await openTemporaryStore(engine);
    opened.push(store);
    return store;
  };
}

/** `useTemporaryStores('postgres')`: fails (does not skip) when the test server does not answer. */
export function usePostgresStores(): () => Promise<TemporaryStore> {
  return useTemporaryStores('postgres');
}

async function openSqliteStore(): Promise<TemporaryStore> {
  const directory = mkdtempSync(path.join(tmpdir(), 'herald-store-'));
  const uri = `sqlite://${path.join(directory, 'herald.sqlite')}`;
  const store = await openStore(uri);
  return {
    store,
    uri,
    async dispose() {
      await store.close().catch(() => undefined);
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

async function openPostgresStore(): Promise<TemporaryStore> {
  const schema = `herald_test_${randomBytes(6).toString('hex')}`;
  await onTestServer(`create schema ${schema}`);
  const separator = POSTGRES_TEST_SERVER.includes('?') ? '&' : '?';
  const uri = `${POSTGRES_TEST_SERVER}${separator}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  const store = await openStore(uri).catch(async (error: unknown) => {
    await onTestServer(`drop schema ${schema} cascade`).catch(() => undefined);
    throw error;
  });
  return {
    store,
    uri,
    async dispose() {
      await store.close().catch(() => undefined);
      await onTestServer(`drop schema if exists ${schema} cascade`);
    },
  };
}

async function onTestServer(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_TEST_SERVER, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `PostgreSQL does not answer at ${POSTGRES_TEST_SERVER} (${messageOf(error)}); the store's PostgreSQL tests need it: ` +
        'run .ci/run, or start a server with trust auth for user postgres and a database named test (or set HERALD_TEST_POSTGRES)',
      { cause: error },
    );
  }
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
