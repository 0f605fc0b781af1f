import { describe, expect, it } from 'vitest';
import { useTemporaryStores } from '../../test/support/temporary-store.ts';
import { createSilentLogger } from '../log.ts';
import type { ItemDecision, SeenItemRecord } from '../store/records.ts';
import { Housekeeping, KEEP_DECISIONS_MS } from './housekeeping.ts';

const openStore = useTemporaryStores();
const NOW = new Date('2026-12-31T12:00:00Z');
const FEED = 'https://blog.test/feed';

function seenAt(id: string, at: Date): { item: SeenItemRecord; decision: ItemDecision } {
  return {
    item: { feedUrl: FEED, itemId: id, title: id, firstSeenAt: at.toISOString(), baseline: false },
    decision: { feedUrl: FEED, itemId: id, subscriptionId: 's1', delivered: false, reason: 'no term matched: needs "kafka"', decidedAt: at.toISOString() },
  };
}

describe('housekeeping', () => {
  it('forgets the decisions /feed why reads once they are older than 30 days, and keeps the rest', async () => {
    const { store } = await openStore();
    const old = seenAt('old', new Date(NOW.getTime() - KEEP_DECISIONS_MS - 60_000));
    const recent = seenAt('recent', new Date(NOW.getTime() - KEEP_DECISIONS_MS + 60_000));
    await store.decisions.record([old.item, recent.item], [old.decision, recent.decision]);

    expect(await new Housekeeping(store, () => NOW, createSilentLogger()).run()).toMatchObject({ decidedItems: 1 });
    expect(await store.decisions.findItems({ itemId: 'old' })).toEqual([]);
    expect(await store.decisions.forItem(FEED, 'old')).toEqual([]);
    expect(await store.decisions.forItem(FEED, 'recent')).toEqual([recent.decision]);
  });
});
