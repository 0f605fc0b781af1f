/**
 * Loads feeds for people in chat through the cache: a page whose feed was discovered is remembered for a day (the
 * next add or preview of that page goes straight to its feed), and a feed fetched for /feed preview is kept for two
 * minutes, so the /feed add that usually follows costs no second fetch. The add uses that fetch once: the feed as
 * the person just saw it becomes the new subscription's baseline. Polling never goes through here: the poller's
 * conditional requests are already cheap and must see the feed as it is now.
 */
import type { Item, ParsedFeed } from '../feeds/item.ts';
import type { LoadedFeed, LoadFeedOptions, loadFeed } from '../feeds/load-feed.ts';
import type { Cache } from '../store/cache.ts';

const DISCOVERED_TTL_MS = 24 * 60 * 60 * 1000;
const RECENT_FETCH_TTL_MS = 2 * 60 * 1000;
/** Larger feeds are fetched again rather than kept in a shared cache. */
const MAX_CACHED_JSON = 2_000_000;

type OkFeed = Extract<LoadedFeed, { status: 'ok' }>;
type StoredItem = Omit<Item, 'published' | 'updated'> & { published?: string; updated?: string };
type StoredFeed = Omit<OkFeed, 'feed'> & { feed: Omit<ParsedFeed, 'items'> & { items: StoredItem[] } };

export class RecentFeeds {
  constructor(
    private readonly load: typeof loadFeed,
    private readonly cache: Cache,
  ) {}

  /** Loads `url` (a feed, or a page that links to one) for a preview, and keeps the fetch for a following add. */
  async loadForPreview(url: string, options: LoadFeedOptions): Promise<LoadedFeed> {
    const loaded = await this.loadFresh(url, await this.feedOfPage(url), options);
    if (loaded.status !== 'ok') return loaded;
    const stored = JSON.stringify(loaded);
    if (stored.length <= MAX_CACHED_JSON) await this.cache.set(`previewed:${loaded.url}`, JSON.parse(stored) as StoredFeed, RECENT_FETCH_TTL_MS);
    return loaded;
  }

  /** Loads `url` for a new subscription: the fetch of a preview moments ago if there is one (used once), else anew. */
  async loadForAdd(url: string, options: LoadFeedOptions): Promise<LoadedFeed> {
    const target = await this.feedOfPage(url);
    const previewed = await this.cache.get<StoredFeed>(`previewed:${target}`);
    if (previewed === undefined) return this.loadFresh(url, target, options);
    await this.cache.delete(`previewed:${target}`);
    return revive(previewed);
  }

  /** The feed a page was found to link to, or the URL itself. */
  private async feedOfPage(url: string): Promise<string> {
    return (await this.cache.get<string>(`feed-page:${url}`)) ?? url;
  }

  private async loadFresh(url: string, target: string, options: LoadFeedOptions): Promise<LoadedFeed> {
    const loaded = await this.load(target, options);
    if (loaded.status === 'ok' && loaded.url !== url) await this.cache.set(`feed-page:${url}`, loaded.url, DISCOVERED_TTL_MS);
    return loaded;
  }
}

function revive(stored: StoredFeed): OkFeed {
  const date = (text: string | undefined) => (text === undefined ? undefined : new Date(text));
  const items = stored.feed.items.map((item): Item => ({ ...item, published: date(item.published), updated: date(item.updated) }));
  return { ...stored, feed: { ...stored.feed, items } };
}
