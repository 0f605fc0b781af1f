/**
 * Starts one local feed server for a test file (vitest beforeAll/afterAll) and returns it; the returned object
 * forwards to the running server, so tests can keep it in a module-level constant.
 */
import { afterAll, beforeAll } from 'vitest';
import { startFeedServer } from '../emulators/feed-server.ts';
import type { FeedServer } from '../emulators/feed-server.ts';

export function useFeedServer(): FeedServer {
  let current: FeedServer | undefined;
  beforeAll(async () => {
    current = await startFeedServer();
  });
  afterAll(async () => {
    await current?.close();
  });
  return new Proxy({} as FeedServer, {
    get(_target, key) {
      if (current === undefined) throw new Error('the feed server starts in beforeAll: use it inside tests or hooks');
      const value: unknown = Reflect.get(current, key);
      return typeof value === 'function' ? value.bind(current) : value;
    },
  });
}
