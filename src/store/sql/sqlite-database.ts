/**
 * A Kysely database on one SQLite file (better-sqlite3): write-ahead logging so readers never wait for the
 * writer, a 10 s busy timeout for the writers of other processes, and transactions begun IMMEDIATE so a
 * transaction that reads and then writes takes the write lock up front instead of failing busy half-way.
 */
import BetterSqlite3 from 'better-sqlite3';
import { CompiledQuery, Kysely, SqliteDialect, SqliteDriver } from 'kysely';
import type { DatabaseConnection, Driver, SqliteDialectConfig } from 'kysely';
import type { Database } from './database.ts';

const BUSY_TIMEOUT_MS = 10_000;

class ImmediateTransactionDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class ImmediateTransactionDialect extends SqliteDialect {
  constructor(private readonly config: SqliteDialectConfig) {
    super(config);
  }

  override createDriver(): Driver {
    return new ImmediateTransactionDriver(this.config);
  }
}

export function openSqliteDatabase(filePath: string): Kysely<Database> {
  const database = new BetterSqlite3(filePath);
  database.pragma('journal_mode = WAL');
  database.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  return new Kysely<Database>({ dialect: new ImmediateTransactionDialect({ database }) });
}
