/**
 * The cache layer (Keyv): answers that are cheap to lose and costly to ask for again, such as Slack's users.info
 * for admin checks, a page's discovered feed URL, or the fetch behind a /feed preview that is followed by /feed add.
 * In memory by default; on Redis (`redis://…`) or PostgreSQL (`postgres://…`, the shared store's database) so that
 * every process of a cluster shares it. A cache that fails is a miss, never an error for the person waiting: the
 * failure is logged once a minute at most, and the work is simply done again.
 */
import Keyv from 'keyv';
import KeyvPostgres from '@keyv/postgres';
import KeyvRedis from '@keyv/redis';
import { messageOf } from '../errors.ts';
import type { Logger } from '../log.ts';

/** What the rest of Herald sees of the cache: JSON values under string keys, each with a time to live. */
export interface Cache {
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown, ttlMs: number): Promise<void>;
  delete(key: string): Promise<void>;
  close(): Promise<void>;
}

export type CacheKind = 'memory' | 'redis' | 'postgres';

export function cacheKindOf(uri: string | undefined): CacheKind {
  if (uri === undefined || uri === 'memory') return 'memory';
  return /^rediss?:/i.test(uri) ? 'redis' : 'postgres';
}

/** Opens the cache at `uri` (`memory`, `redis://…`, `postgres://…`); unset: memory. */
export function openCache(uri: string | undefined, log: Logger): Cache {
  const kind = cacheKindOf(uri);
  const keyv =
    kind === 'memory'
      ? new Keyv({ namespace: 'herald' })
      : new Keyv({ store: kind === 'redis' ? new KeyvRedis(uri) : new KeyvPostgres({ uri, table: 'herald_cache' }), namespace: 'herald' });
  return new KeyvCache(keyv, log);
}

class KeyvCache implements Cache {
  private lastComplaint = 0;

  constructor(
    private readonly keyv: Keyv,
    private readonly log: Logger,
  ) {
    keyv.on('error', (error: unknown) => this.complain('the cache failed', error));
  }

  async get<T>(key: string): Promise<T | undefined> {
    try {
      return (await this.keyv.get<T>(key)) ?? undefined;
    } catch (error) {
      this.complain('could not read the cache', error);
      return undefined;
    }
  }

  async set(key: string, value: unknown, ttlMs: number): Promise<void> {
    try {
      await this.keyv.set(key, value, ttlMs);
    } catch (error) {
      this.complain('could not write the cache', error);
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await this.keyv.delete(key);
    } catch (error) {
      this.complain('could not write the cache', error);
    }
  }

  async close(): Promise<void> {
    await this.keyv.disconnect().catch(() => undefined);
  }

  private complain(what: string, error: unknown): void {
    const now = Date.now();
    if (now - this.lastComplaint < 60_000) return;
    this.lastComplaint = now;
    this.log.warn(`${what}; carrying on without it`, { error: messageOf(error) });
  }
}
