/**
 * The Store over SQL (Kysely): the repositories of src/store/sql/ on one database, and transactions that hand
 * the same repositories, bound to the transaction, to the caller's work. Which engine it is only matters to
 * the few statements that differ (see lease-repository.ts); open-store.ts opens it.
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database, Engine } from './sql/database.ts';
import { SqlDecisionRepository } from './sql/decision-repository.ts';
import { SqlDeliveryRepository } from './sql/delivery-repository.ts';
import { SqlFeedRepository } from './sql/feed-repository.ts';
import { SqlLeaseRepository } from './sql/lease-repository.ts';
import { SqlSeenRepository } from './sql/seen-repository.ts';
import { SqlShardRepository } from './sql/shard-repository.ts';
import { SqlSubscriptionRepository } from './sql/subscription-repository.ts';
import type { MalformedRowReport } from './sql/columns.ts';
import type { SqliteFileIdentity } from './sql/sqlite-file.ts';
import { TransactionGuard } from './sql/transaction-guard.ts';
import { HeraldError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { SqlWorkspaceRuleRepository } from './sql/workspace-rule-repository.ts';
import type { Store, StoreSession } from './store.ts';

/** The repositories over a database or one of its transactions. */
export function sqlSession(db: Kysely<Database>, engine: Engine, reportMalformed?: MalformedRowReport): StoreSession {
  return {
    subscriptions: new SqlSubscriptionRepository(db, reportMalformed),
    feeds: new SqlFeedRepository(db),
    seen: new SqlSeenRepository(db),
    deliveries: new SqlDeliveryRepository(db, reportMalformed),
    leases: new SqlLeaseRepository(db, engine),
    shards: new SqlShardRepository(db, engine),
    decisions: new SqlDecisionRepository(db),
    workspaceRules: new SqlWorkspaceRuleRepository(db),
  };
}

export interface SqlStoreOptions {
  /** The SQLite file opened, watched so that its deletion or replacement is reported (sqlite-file.ts). */
  readonly file?: SqliteFileIdentity;
  readonly log?: Logger;
}

/** How often the SQLite file is looked at; /readyz looks at every request as well. */
const FILE_WATCH_MS = 5_000;

export class SqlStore implements Store {
  readonly subscriptions: StoreSession['subscriptions'];
  readonly feeds: StoreSession['feeds'];
  readonly seen: StoreSession['seen'];
  readonly deliveries: StoreSession['deliveries'];
  readonly leases: StoreSession['leases'];
  readonly shards: StoreSession['shards'];
  readonly decisions: StoreSession['decisions'];
  readonly workspaceRules: StoreSession['workspaceRules'];

  private readonly guard = new TransactionGuard();
  /** The database for work outside transactions: it refuses queries from inside one (transaction-guard.ts). */
  private readonly outside: Kysely<Database>;
  private readonly fileWatch?: NodeJS.Timeout;
  private reportedFileProblem: string | undefined;
  private readonly reportMalformed: MalformedRowReport;

  constructor(
    private readonly db: Kysely<Database>,
    readonly engine: Engine,
    readonly description: string,
    private readonly options: SqlStoreOptions = {},
  ) {
    this.outside = db.withPlugin(this.guard);
    this.reportMalformed = (problem, origin) =>
      options.log?.error('skipped a malformed stored record; the rest goes on (a delivery is dead-lettered)', { table: origin.table, id: origin.id, problem });
    if (options.file !== undefined) this.fileWatch = setInterval(() => this.fileProblem(), FILE_WATCH_MS).unref();
    const session = sqlSession(this.outside, engine, this.reportMalformed);
    this.subscriptions = session.subscriptions;
    this.feeds = session.feeds;
    this.seen = session.seen;
    this.deliveries = session.deliveries;
    this.leases = session.leases;
    this.shards = session.shards;
    this.decisions = session.decisions;
    this.workspaceRules = session.workspaceRules;
  }

  transaction<T>(work: (session: StoreSession) => Promise<T>): Promise<T> {
    return this.guard.within(() => this.db.transaction().execute((transaction) => work(sqlSession(transaction, this.engine, this.reportMalformed))));
  }

  async ping(): Promise<void> {
    const problem = this.fileProblem();
    if (problem !== undefined) throw new HeraldError('store-file-lost', problem);
    await sql`select 1`.execute(this.outside);
  }

  /** The SQLite file's problem, if any; logged as an error once each time it changes. */
  private fileProblem(): string | undefined {
    const { file, log } = this.options;
    const found = file?.problem();
    const problem = file === undefined || found === undefined ? undefined : file.describe(found);
    if (problem !== this.reportedFileProblem) {
      if (problem !== undefined) log?.error(problem, { file: file?.file });
      else log?.info('the store file is back where it was opened', { file: file?.file });
      this.reportedFileProblem = problem;
    }
    return problem;
  }

  async close(): Promise<void> {
    clearInterval(this.fileWatch);
    await this.db.destroy();
  }
}
