import { describe, expect, it } from 'vitest';
import { RuleCache } from '../delivery/rule-cache.ts';
import type { LoadedFeed } from '../feeds/load-feed.ts';
import { createSilentLogger } from '../log.ts';
import { openCache } from '../store/cache.ts';
import type { Store } from '../store/store.ts';
import { SubscriptionService } from './subscription-service.ts';

/** A service whose feed loads wait until `release` is called: previews that are running stay running. */
function gatedService(previewsInAll?: number) {
  const waiting: Array<(outcome: 'ok' | 'fail') => void> = [];
  const load = (url: string): Promise<LoadedFeed> =>
    new Promise((resolve, reject) => {
      waiting.push((outcome) =>
        outcome === 'ok' ? resolve({ status: 'ok', url, bytes: 10, feed: { format: 'rss', title: 'Slow', items: [] } }) : reject(new Error('unreachable')));
    });
  const service = new SubscriptionService({
    store: {} as Store, cache: openCache(undefined, createSilentLogger()), load, rules: new RuleCache(), allowPrivateUrls: true,
    pollIntervalSeconds: 600, clock: () => new Date('2026-12-01T12:00:00Z'), ...(previewsInAll !== undefined && { previewsInAll }),
  });
  /** Lets the `count` loads through, once all of them have started. */
  const release = async (count = 1, outcome: 'ok' | 'fail' = 'ok') => {
    while (waiting.length < count) await new Promise((resolve) => setImmediate(resolve));
    for (const resume of waiting.splice(0)) resume(outcome);
  };
  return { service, release };
}

const person = (userId: string, platform = 'discord') => ({ platform, workspaceId: 'w1', userId });
const URL = 'http://127.0.0.1:1/feed.xml';

describe('/feed preview limits', () => {
  it('runs one preview per person at a time, and tells the person why a second one is refused', async () => {
    const { service, release } = gatedService();
    const first = service.preview(URL, '', 10, person('alice'));
    await expect(service.preview(URL, '', 10, person('alice'))).rejects.toMatchObject({
      code: 'preview-busy',
      userMessage: 'You already have a preview running; try again in a moment.',
    });
    // Someone else, or the same id on the other platform, is not held up.
    const other = service.preview(URL, '', 10, person('bob'));
    const elsewhere = service.preview(URL, '', 10, person('alice', 'slack'));
    await release(3);
    await expect(first).resolves.toMatchObject({ feedTitle: 'Slow' });
    await expect(other).resolves.toMatchObject({ feedTitle: 'Slow' });
    await expect(elsewhere).resolves.toMatchObject({ feedTitle: 'Slow' });
    // Once the first has finished, the next one runs.
    const again = service.preview(URL, '', 10, person('alice'));
    await release();
    await expect(again).resolves.toMatchObject({ feedTitle: 'Slow' });
  });

  it('runs a few previews in all, and frees the place of one that failed', async () => {
    const { service, release } = gatedService(2);
    const running = [service.preview(URL, '', 10, person('a')), service.preview(URL, '', 10, person('b'))];
    await expect(service.preview(URL, '', 10, person('c'))).rejects.toMatchObject({
      code: 'preview-busy',
      userMessage: 'Herald is busy with other previews right now; try again in a moment.',
    });
    await release(2);
    await Promise.all(running);
    const failing = gatedService(1);
    const failed = failing.service.preview(URL, '', 10, person('a'));
    await failing.release(1, 'fail');
    await expect(failed).rejects.toThrow('unreachable');
    const next = failing.service.preview(URL, '', 10, person('a'));
    await failing.release();
    await expect(next).resolves.toMatchObject({ feedTitle: 'Slow' });
  });
});
