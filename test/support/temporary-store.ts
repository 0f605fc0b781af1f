/** A Repositories over a fresh SQLite file in a temporary directory, removed by `dispose`. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { openStore } from '../../src/store/open-store.ts';
import { Repositories } from '../../src/store/repositories.ts';

export function openTemporaryStore(): { repos: Repositories; uri: string; dispose(): Promise<void> } {
  const directory = mkdtempSync(path.join(tmpdir(), 'herald-store-'));
  const uri = `sqlite://${path.join(directory, 'herald.sqlite')}`;
  const repos = new Repositories(openStore(uri));
  return {
    repos,
    uri,
    async dispose() {
      await repos.close().catch(() => undefined);
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** For a test file: opens temporary stores on demand and disposes of each after its test. */
export function useTemporaryStores(): () => ReturnType<typeof openTemporaryStore> {
  const opened: Array<ReturnType<typeof openTemporaryStore>> = [];
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.dispose();
  });
  return () => {
    const store = openTemporaryStore();
    opened.push(store);
    return store;
  };
}
