import { describe, expect, it } from 'vitest';
import { useTemporaryStores } from '../../test/support/temporary-store.ts';
import { openStore } from './open-store.ts';
import { Repositories } from './repositories.ts';
import type { Subscription } from './records.ts';

const openTemporary = useTemporaryStores();

function subscription(id: string, feedUrl: string): Subscription {
  return {
    id, platform: 'discord', workspaceId: 'g1', channelId: 'c1', feedUrl, feedTitle: 'Feed', rule: 'kafka',
    createdAt: new Date(0).toISOString(), createdBy: 'u1', paused: false,
  };
}

describe('Repositories', () => {
  it('keeps subscriptions, feed state and seen sets across a reopen of the SQLite file', async () => {
    const { repos, uri } = openTemporary();
    await repos.subscriptions.put('a', subscription('a', 'https://x.test/feed'));
    await repos.subscriptions.put('b', subscription('b', 'https://y.test/feed'));
    await repos.saveFeedState({ url: 'https://x.test/feed', etag: '"v1"', consecutiveFailures: 0 });
    await repos.saveSeenSet('https://x.test/feed', { identity: 'id', keys: ['1', '2'], links: [] });
    await repos.close();

    const reopened = new Repositories(openStore(uri));
    expect((await reopened.subscriptions.list()).map((s) => s.id)).toEqual(['a', 'b']);
    expect((await reopened.subscriptionsOfFeed('https://y.test/feed')).map((s) => s.id)).toEqual(['b']);
    expect((await reopened.getFeedState('https://x.test/feed'))?.etag).toBe('"v1"');
    expect((await reopened.getSeenSet('https://x.test/feed'))?.keys).toEqual(['1', '2']);
    await reopened.close();
  });

  it('does not lose index entries when many records are added and removed at once', async () => {
    const { repos } = openTemporary();
    const ids = Array.from({ length: 40 }, (_, index) => `s${index}`);
    await Promise.all(ids.map((id) => repos.subscriptions.put(id, subscription(id, 'https://x.test/feed'))));
    await Promise.all(ids.slice(0, 10).map((id) => repos.subscriptions.delete(id)));
    expect((await repos.subscriptions.ids()).sort()).toEqual(ids.slice(10).sort());
    await repos.close();
  });

  it('updates a record in place and reports a missing one', async () => {
    const { repos } = openTemporary();
    await repos.subscriptions.put('a', subscription('a', 'https://x.test/feed'));
    const paused = await repos.subscriptions.update('a', (s) => ({ ...s, paused: true, pausedReason: 'test' }));
    expect(paused?.paused).toBe(true);
    expect((await repos.subscriptions.get('a'))?.pausedReason).toBe('test');
    expect(await repos.subscriptions.update('missing', (s) => s)).toBeUndefined();
    await repos.close();
  });
});
