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
import { TransactionGuard } from './sql/transaction-guard.ts';
import { SqlWorkspaceRuleRepository } from './sql/workspace-rule-repository.ts';
import type { Store, StoreSession } from './store.ts';

/** The repositories over a database or one of its transactions. */
export function sqlSession(db: Kysely<Database>, engine: Engine): StoreSession {
  return {
    subscriptions: new SqlSubscriptionRepository(db),
    feeds: new SqlFeedRepository(db),
    seen: new SqlSeenRepository(db),
    deliveries: new SqlDeliveryRepository(db),
    leases: new SqlLeaseRepository(db, engine),
    shards: new SqlShardRepository(db, engine),
    decisions: new SqlDecisionRepository(db),
    workspaceRules: new SqlWorkspaceRuleRepository(db),
  };
}

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

  constructor(
    private readonly db: Kysely<Database>,
    readonly engine: Engine,
    readonly description: string,
  ) {
    this.outside = db.withPlugin(this.guard);
    const session = sqlSession(this.outside, engine);
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
    return this.guard.within(() => this.db.transaction().execute((transaction) => work(sqlSession(transaction, this.engine))));
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.outside);
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}
