/**
 * What a story (slack-story.ts, discord-story.ts) holds whatever the platform: a feed server whose feeds a test takes
 * for itself, a work directory, and the one `herald start` the block's tests share, which a test may restart.
 * Takes the platform's start and close; relies on `start` resolving only once Herald is ready, so that a test that
 * follows a restart does not care which process it gets.
 */
import type { TestFeedOptions, TestItem } from '../emulators/feed-documents.ts';
import { startFeedServer } from '../emulators/feed-server.ts';
import type { FeedServer } from '../emulators/feed-server.ts';
import { waitUntil } from '../support/wait-until.ts';
import { makeWorkDirectory } from './herald-process.ts';
import type { HeraldProcess } from './herald-process.ts';

export type NewItem = Omit<TestItem, 'pubDate' | 'link'> & { guid: string };

/** What every fresh feed of a story looks like when a test takes it. */
export interface FeedLook {
  /** makeRss, makeAtom, ... */
  readonly render: (items: readonly TestItem[], options: TestFeedOptions) => string;
  readonly title: string;
  /** The site: items link to <site>posts/<guid>. */
  readonly site: string;
  readonly baseline: readonly NewItem[];
}

export interface StoryFeed {
  /** Its path on the feed server, e.g. for a page that links to it. */
  readonly path: string;
  readonly url: string;
  /** Puts items on top of the feed, dated now and linked to <site>posts/<guid>. */
  publish(...items: NewItem[]): void;
  /** Every request for the feed so far. */
  fetches(): number;
  /** Resolves once Herald has fetched the feed `count` more times. */
  waitForPolls(count: number): Promise<void>;
}

export interface HeraldStory<Running extends { readonly herald: HeraldProcess }> {
  readonly feeds: FeedServer;
  /** The Herald process running now, with what its platform's start found out (restart starts another). */
  readonly running: Running;
  /** A number no other feed or channel of this story has had. */
  take(): number;
  /** A feed only this test follows, holding the look's baseline. */
  freshFeed(): StoryFeed;
  /** Waits for a line Herald prints from now on (waitForLine also finds what it printed for earlier tests). */
  linesFromNow(): (pattern: RegExp) => Promise<string>;
  /** Stops Herald (SIGTERM, or SIGKILL for `kill`: a crash), runs `whileDown`, and starts it again on the same store. */
  restart(whileDown?: () => void, how?: 'stop' | 'kill'): Promise<void>;
  close(): Promise<void>;
}

export async function startHeraldStory<Running extends { readonly herald: HeraldProcess }>(options: {
  readonly look: FeedLook;
  /** The work directory's files (herald.yaml). */
  readonly files: Record<string, string>;
  /** Starts Herald in `cwd` against the platform and resolves once it is ready. */
  readonly start: (cwd: string) => Promise<Running>;
  /** Closes the platform's emulator. */
  readonly closePlatform: () => Promise<void>;
}): Promise<HeraldStory<Running>> {
  let feeds: FeedServer;
  try {
    feeds = await startFeedServer();
  } catch (error) {
    await options.closePlatform();
    throw error;
  }
  const work = makeWorkDirectory(options.files);
  const release = async () => {
    await options.closePlatform();
    await feeds.close();
    work.remove();
  };
  let running: Running;
  try {
    running = await options.start(work.cwd);
  } catch (error) {
    await release();
    throw error;
  }
  let taken = 0;

  const story: HeraldStory<Running> = {
    feeds,
    get running() {
      return running;
    },
    take: () => ++taken,
    freshFeed() {
      const path = `/feeds/${story.take()}.xml`;
      const { render, title, site, baseline } = options.look;
      const items: TestItem[] = [];
      const feed: StoryFeed = {
        path,
        url: feeds.url(path),
        publish(...added) {
          for (const item of added) items.unshift({ ...item, link: `${site}posts/${item.guid}`, pubDate: new Date() });
          feeds.setFeed(path, render(items, { title, link: site }));
        },
        fetches: () => feeds.requestsTo(path),
        async waitForPolls(count) {
          const target = feed.fetches() + count;
          await waitUntil(() => feed.fetches() >= target, `${count} more polls of ${path}`);
        },
      };
      feed.publish(...baseline);
      return feed;
    },
    linesFromNow() {
      const { herald } = running;
      const from = { stdout: herald.stdout().length, stderr: herald.stderr().length };
      const printed = () => `${herald.stdout().slice(from.stdout)}\n${herald.stderr().slice(from.stderr)}`;
      return (pattern) =>
        waitUntil(() => printed().split('\n').find((line) => pattern.test(line)), `Herald to print a line matching ${pattern}`, 20_000).catch((error: unknown) => {
          throw new Error(`${String(error)}\n--- printed since\n${printed()}`);
        });
    },
    async restart(whileDown = () => {}, how = 'stop') {
      await (how === 'kill' ? running.herald.kill() : running.herald.stop());
      whileDown();
      running = await options.start(work.cwd);
    },
    async close() {
      await running.herald.stop();
      await release();
    },
  };
  return story;
}
