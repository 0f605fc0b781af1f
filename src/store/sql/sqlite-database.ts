/**
 * A Kysely database on one SQLite file (better-sqlite3): write-ahead logging so readers never wait for the
 * writer, a 10 s busy timeout for the writers of other processes, and transactions begun IMMEDIATE so a
 * transaction that reads and then writes takes the write lock up front instead of failing busy half-way.
 * Commits are synchronous=NORMAL, the usual setting with WAL: a crash of Herald or SIGKILL loses nothing
 * committed; only a power cut or OS crash may lose the last commits (and then the outbox posts them again,
 * which Discord's nonce makes harmless). Prepared statements are reused: Kysely prepares each query anew, and
 * preparing cost a sixth of a sweep's CPU.
 */
import BetterSqlite3 from 'better-sqlite3';
import { CompiledQuery, Kysely, SqliteDialect, SqliteDriver } from 'kysely';
import type { DatabaseConnection, Driver, SqliteDatabase, SqliteDialectConfig, SqliteStatement } from 'kysely';
import type { Database } from './database.ts';

const BUSY_TIMEOUT_MS = 10_000;
/** Distinct statements kept prepared; multi-row inserts of varying size make new ones, so the cache is bounded. */
const MAX_PREPARED = 500;

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
  database.pragma('synchronous = NORMAL');
  refuseCorruptFile(database);
  return new Kysely<Database>({ dialect: new ImmediateTransactionDialect({ database: reusingStatements(database) }) });
}

/**
 * A file whose pages were damaged opens fine and fails later, one query at a time, deep in a poll: check every
 * page's structure once at start-up (quick_check: no index-to-table cross-checks, so it costs one read of the file).
 */
function refuseCorruptFile(database: BetterSqlite3.Database): void {
  const problems = database.pragma('quick_check(3)', { simple: false }) as Array<{ quick_check: string }>;
  const found = problems.map((row) => row.quick_check).filter((text) => text !== 'ok');
  if (found.length === 0) return;
  database.close();
  throw Object.assign(new Error(`the database is corrupt: ${found.join('; ')}`), { code: 'SQLITE_CORRUPT' });
}

/** Kysely runs one query at a time on the connection and reads each result whole, so a statement can be reused. */
function reusingStatements(database: BetterSqlite3.Database): SqliteDatabase {
  const prepared = new Map<string, SqliteStatement>();
  return {
    close: () => database.close(),
    prepare(sql: string): SqliteStatement {
      let statement = prepared.get(sql);
      if (statement === undefined) {
        statement = database.prepare(sql);
        if (prepared.size >= MAX_PREPARED) prepared.clear();
        prepared.set(sql, statement);
      }
      return statement;
    },
  };
}
