/**
 * Brings a database's schema up to date, on every open: Kysely's Migrator over the numbered migrations of this
 * folder (a static list, so no files are looked up at run time). It takes a lock first, so processes that
 * start together migrate once. On PostgreSQL its bookkeeping tables live in the current schema (search_path),
 * so every schema of one database migrates on its own.
 */
import { Migrator, sql } from 'kysely';
import type { Kysely, Migration, MigrationProvider } from 'kysely';
import { HeraldError, messageOf } from '../../errors.ts';
import type { Database, Engine } from '../sql/database.ts';
import { initialSchema } from './001-initial.ts';
import { importKeyvStore } from './002-import-keyv.ts';
import type { LegacyImportReport } from './002-import-keyv.ts';
import { gatewayShardsSchema } from './003-gateway-shards.ts';
import { searchPrecedenceRules } from './004-search-precedence.ts';
import { deliverySendingSince } from './005-delivery-sending-since.ts';
import { itemDecisionsSchema } from './006-item-decisions.ts';
import { workspaceRulesAndMentions } from './007-workspace-rules-and-mentions.ts';
import { subscriptionTemplate } from './008-subscription-template.ts';
import { configuredSubscriptions } from './009-configured-subscriptions.ts';
import { parkedBoundAndIntervalSource } from './011-parked-bound-and-interval-source.ts';

export interface MigrationOutcome {
  /** What migration 002 brought over from the previous release's Keyv table, when it found one. */
  readonly legacyImport?: LegacyImportReport;
}

class HeraldMigrations implements MigrationProvider {
  constructor(private readonly migrations: Record<string, Migration>) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    return this.migrations;
  }
}

export async function migrateToLatest(db: Kysely<Database>, engine: Engine): Promise<MigrationOutcome> {
  let legacyImport: LegacyImportReport | undefined;
  const migrator = new Migrator({
    db,
    provider: new HeraldMigrations({
      '001-initial': initialSchema(engine),
      '002-import-keyv': importKeyvStore(engine, (report) => (legacyImport = report)),
      '003-gateway-shards': gatewayShardsSchema(engine),
      '004-search-precedence': searchPrecedenceRules(),
      '005-delivery-sending-since': deliverySendingSince(engine),
      '006-item-decisions': itemDecisionsSchema(engine),
      '007-workspace-rules-and-mentions': workspaceRulesAndMentions(engine),
      '008-subscription-template': subscriptionTemplate(),
      '009-configured-subscriptions': configuredSubscriptions(),
      '011-parked-bound-and-interval-source': parkedBoundAndIntervalSource(),
    }),
    ...(engine === 'postgres' ? { migrationTableSchema: await currentSchema(db) } : {}),
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results.find((result) => result.status === 'Error')?.migrationName;
    throw new HeraldError('store-migration', `the store's schema could not be brought up to date${failed ? ` (migration ${failed})` : ''}: ${messageOf(error)}`, {
      cause: error,
    });
  }
  return legacyImport === undefined ? {} : { legacyImport };
}

async function currentSchema(db: Kysely<Database>): Promise<string> {
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  const schema = rows[0]?.schema;
  if (schema === null || schema === undefined) {
    throw new HeraldError('store-migration', 'PostgreSQL has no current schema: the search_path names no schema that exists');
  }
  return schema;
}
