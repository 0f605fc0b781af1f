/**
 * Opens the one Keyv instance every repository shares, from HERALD_STORE.
 * Takes a store URI (sqlite://path by default); returns a Keyv whose values are plain JSON records.
 * Only this folder knows Keyv.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Keyv from 'keyv';
import KeyvSqlite from '@keyv/sqlite';
import { HeraldError } from '../errors.ts';

export type KeyValueStore = Keyv;

export function openStore(uri: string, cwd: string = process.cwd()): KeyValueStore {
  const scheme = uri.split(':', 1)[0]?.toLowerCase();
  if (scheme === 'sqlite') {
    const filePath = path.resolve(cwd, uri.slice('sqlite://'.length));
    mkdirSync(path.dirname(filePath), { recursive: true });
    const store = new KeyvSqlite({ uri: `sqlite://${filePath}`, table: 'herald', busyTimeout: 10_000 });
    const keyv = new Keyv({ store, namespace: 'herald' });
    return keyv;
  }
  throw new HeraldError(
    'store-unsupported',
    `HERALD_STORE=${uri}: this build stores data in SQLite only (sqlite://path); shared stores are not wired in yet`,
  );
}
