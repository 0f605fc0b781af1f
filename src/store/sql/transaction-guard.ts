/**
 * Refuses a query made through the store itself while the same task runs a transaction: the work was handed a
 * session for that. On SQLite such a query would wait for ever for the one connection the transaction holds; on
 * PostgreSQL it runs outside the transaction and can wait for ever on its rows. Either way the process would hang
 * in silence, so the query fails at once with the reason instead.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import { HeraldError } from '../../errors.ts';

export class TransactionGuard implements KyselyPlugin {
  private readonly running = new AsyncLocalStorage<{ open: boolean }>();

  /** Runs `work` as this task's transaction. */
  async within<T>(work: () => Promise<T>): Promise<T> {
    const transaction = { open: true };
    try {
      return await this.running.run(transaction, work);
    } finally {
      transaction.open = false;
    }
  }

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    if (this.running.getStore()?.open === true) {
      throw new HeraldError('store-misuse', 'a transaction\'s work used the store instead of the session it was given; use the session inside store.transaction');
    }
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}
