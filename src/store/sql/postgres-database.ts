/**
 * A Kysely database on a PostgreSQL pool (pg). The pool reads int8 (our epoch-millisecond times, counts and
 * sequence numbers) as JavaScript numbers, for its own connections only; an idle connection's error (a server
 * restart) is reported instead of crashing the process, and the next query fails and is retried by its caller.
 *
 * Its introspection (which Kysely's Migrator uses to find its own tables) looks at the current schema only:
 * Kysely's own reads every schema of the database, which is slow when there are many and fails when one is
 * dropped meanwhile.
 */
import { Kysely, PostgresDialect, sql } from 'kysely';
import type { DatabaseIntrospector, SchemaMetadata, TableMetadata } from 'kysely';
import pg from 'pg';
import type { CustomTypesConfig } from 'pg';
import type { Database } from './database.ts';

const CONNECT_TIMEOUT_MS = 10_000;

const numbersForInt8 = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 && format !== 'binary' ? (text: string) => Number(text) : pg.types.getTypeParser(oid, format)) as CustomTypesConfig['getTypeParser'],
};

class CurrentSchemaIntrospector implements DatabaseIntrospector {
  constructor(private readonly db: Kysely<unknown>) {}

  async getSchemas(): Promise<SchemaMetadata[]> {
    const { rows } = await sql<{ name: string | null }>`select current_schema() as name`.execute(this.db);
    return rows.flatMap(({ name }) => (name === null ? [] : [{ name }]));
  }

  async getTables(): Promise<TableMetadata[]> {
    const { rows } = await sql<{ name: string; schema: string; type: string }>`
      select table_name as name, table_schema as schema, table_type as type
      from information_schema.tables where table_schema = current_schema()`.execute(this.db);
    return rows.map(({ name, schema, type }) => ({ name, schema, isView: type === 'VIEW', columns: [] }));
  }

  async getMetadata(): Promise<{ tables: TableMetadata[] }> {
    return { tables: await this.getTables() };
  }
}

class CurrentSchemaPostgresDialect extends PostgresDialect {
  override createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new CurrentSchemaIntrospector(db);
  }
}

export function openPostgresDatabase(connectionString: string, onIdleError: (error: Error) => void): Kysely<Database> {
  const pool = new pg.Pool({ connectionString, types: numbersForInt8, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  pool.on('error', onIdleError);
  return new Kysely<Database>({ dialect: new CurrentSchemaPostgresDialect({ pool }) });
}
