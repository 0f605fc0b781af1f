/**
 * Opens the store HERALD_STORE names: `sqlite://path` (a file; a relative path starts at `cwd`, and missing
 * folders are made) or `postgres://…` / `postgresql://…` (a libpq URL; `?options=-c%20search_path%3Dname` picks a
 * schema). Brings the schema up to date before it returns, importing the previous release's Keyv data once.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { HeraldError, messageOf } from '../errors.ts';
import type { Logger } from '../log.ts';
import { migrateToLatest } from './migrations/migrate.ts';
import type { LegacyImportReport } from './migrations/002-import-keyv.ts';
import type { Database, Engine } from './sql/database.ts';
import { openPostgresDatabase } from './sql/postgres-database.ts';
import { openSqliteDatabase } from './sql/sqlite-database.ts';
import { sqliteOpenProblem, SqliteFileIdentity } from './sql/sqlite-file.ts';
import { SqlStore } from './sql-store.ts';
import type { Store } from './store.ts';

export interface OpenStoreOptions {
  /** Where a relative sqlite:// path starts; the working directory by default. */
  readonly cwd?: string;
  /** Hears what the store does on its own: an import of the previous release's data, a lost idle connection. */
  readonly log?: Logger;
}

const SKIPPED_RECORDS_LOGGED = 20;

export async function openStore(uri: string, options: OpenStoreOptions = {}): Promise<Store> {
  const { engine, description, open, file } = locate(uri, options);
  let db: Kysely<Database> | undefined;
  try {
    db = open();
    const { legacyImport } = await migrateToLatest(db, engine);
    if (legacyImport !== undefined) reportImport(legacyImport, options.log);
    return new SqlStore(db, engine, description, { file: file === undefined ? undefined : new SqliteFileIdentity(file), log: options.log });
  } catch (error) {
    await db?.destroy().catch(() => undefined);
    // Start-up is the only caller: the message is the operator's, and for a file it says what to do.
    const message = file === undefined ? `could not open the store ${description}: ${messageOf(error)}` : sqliteOpenProblem(file, error);
    throw new HeraldError('store-unavailable', message, { cause: error });
  }
}

interface StoreLocation {
  readonly engine: Engine;
  readonly description: string;
  readonly open: () => Kysely<Database>;
  /** The SQLite file, absolute. */
  readonly file?: string;
}

function locate(uri: string, options: OpenStoreOptions): StoreLocation {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(uri)?.[1]?.toLowerCase();
  if (scheme === 'sqlite' && uri.startsWith('sqlite://') && uri.length > 'sqlite://'.length) {
    const filePath = path.resolve(options.cwd ?? process.cwd(), uri.slice('sqlite://'.length));
    return {
      engine: 'sqlite',
      description: `sqlite://${filePath}`,
      file: filePath,
      open: () => {
        mkdirSync(path.dirname(filePath), { recursive: true });
        return openSqliteDatabase(filePath);
      },
    };
  }
  if (scheme === 'postgres' || scheme === 'postgresql') {
    return {
      engine: 'postgres',
      description: withoutPassword(uri),
      open: () => openPostgresDatabase(uri, (error) => options.log?.warn('a PostgreSQL connection of the pool failed while idle', { error: messageOf(error) })),
    };
  }
  const given = scheme === undefined ? 'a value with no scheme' : `a ${scheme}: URL`;
  throw new HeraldError('store-unsupported', `HERALD_STORE is ${given}; it must be sqlite://path or postgres://user@host/database`, {
    userMessage: 'HERALD_STORE must be sqlite://path (a file) or postgres://user@host/database.',
  });
}

function withoutPassword(uri: string): string {
  try {
    const url = new URL(uri);
    if (url.password !== '') url.password = '***';
    if (url.searchParams.has('password')) url.searchParams.set('password', '***');
    return url.toString();
  } catch {
    return `${uri.split(':', 1)[0]}://…`;
  }
}

function reportImport(report: LegacyImportReport, log: Logger | undefined): void {
  const { skipped, ...imported } = report;
  log?.info("imported the previous release's data from its Keyv table, kept as herald_keyv_imported", { ...imported, skipped: skipped.length });
  for (const { key, reason } of skipped.slice(0, SKIPPED_RECORDS_LOGGED)) log?.warn("skipped a malformed record of the previous release's store", { key, reason });
}
