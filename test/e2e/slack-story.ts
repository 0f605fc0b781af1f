/**
 * A Slack workspace (the emulator), a feed server and one `herald start` against them, shared by the tests of a
 * describe block without sharing their state: each test takes channels and feeds of its own, so it can run alone
 * or in any order, while Herald's cold start (seconds on a loaded machine) is paid once per block.
 */
import { expect } from 'vitest';
import { makeAtom } from '../emulators/feed-documents.ts';
import type { TestItem } from '../emulators/feed-documents.ts';
import { startFeedServer } from '../emulators/feed-server.ts';
import { startSlackEmulator } from '../emulators/slack/server.ts';
import type { PostedMessage, SlackEmulator, SlashCommandResult } from '../emulators/slack/server.ts';
import type { SignatureMode } from '../emulators/slack/types.ts';
import { waitUntil } from '../support/wait-until.ts';
import { makeWorkDirectory, startHeraldProcess } from './herald-process.ts';
import type { HeraldProcess } from './herald-process.ts';

export type Mode = 'socket' | 'http';
export type NewItem = Omit<TestItem, 'pubDate' | 'link'> & { guid: string };

export const ADMIN = 'U0ADMIN';
export const MEMBER = 'U0MEMBER';
/** A member who is not a workspace admin, listed under slack.admins in herald.yaml. */
export const LISTED_MEMBER = 'U0LISTED';

/** What every fresh feed holds when a test takes it: one item a `category:rust` rule would match, one it would not. */
const BASELINE: readonly NewItem[] = [
  { guid: 'old-1', title: 'Rust 1.90 released', categories: ['rust'] },
  { guid: 'old-2', title: 'Gardening', categories: ['garden'] },
];

export interface StoryFeed {
  readonly url: string;
  /** Puts items on top of the feed, dated now and linked to https://example.org/posts/<guid>. */
  publish(...items: NewItem[]): void;
  /** Every request for the feed so far. */
  fetches(): number;
  /** Resolves once Herald has fetched the feed `count` more times. */
  waitForPolls(count: number): Promise<void>;
}

export interface StoryChannel {
  readonly id: string;
  readonly name: string;
  /** The channel as a command names it: <#id|name>. */
  readonly link: string;
  messages(): ReadonlyArray<PostedMessage>;
  waitForMessages(count: number, timeoutMs?: number): Promise<ReadonlyArray<PostedMessage>>;
}

export interface SlackStory {
  readonly slack: SlackEmulator;
  /** The Herald process running now (restart starts another). */
  readonly herald: HeraldProcess;
  /** A feed only this test follows, titled "Example & Friends <Releases>", holding the baseline. */
  freshFeed(): StoryFeed;
  /** A channel only this test uses: public with Herald in it unless said otherwise. */
  freshChannel(options?: { isPrivate?: boolean; botIsMember?: boolean }): StoryChannel;
  /** `/feed <text>` typed in `channel`, by ADMIN unless `user` says otherwise. */
  command(channel: StoryChannel, text: string, options?: { user?: string; signature?: SignatureMode }): Promise<SlashCommandResult>;
  /** ADMIN subscribes `channel` to `feed` with `/feed add` typed in `from` (default: the channel itself), and sees it confirmed. */
  subscribe(channel: StoryChannel, feed: StoryFeed, rule: string, options?: { from?: StoryChannel }): Promise<void>;
  /** A fresh channel subscribed to a fresh feed. */
  subscribeFreshChannel(rule: string, options?: { botIsMember?: boolean; from?: StoryChannel }): Promise<{ channel: StoryChannel; feed: StoryFeed }>;
  /** Waits for a line Herald prints from now on (waitForLine also finds what it printed for earlier tests). */
  linesFromNow(): (pattern: RegExp) => Promise<string>;
  /** Stops Herald, runs `whileDown`, and starts it again on the same store. */
  restart(whileDown: () => void): Promise<void>;
  close(): Promise<void>;
}

/** The final answer the person sees, once a deferred command has answered `responses` times through response_url. */
export async function answerOf(result: SlashCommandResult, responses = 0): Promise<string> {
  if (responses > 0) await result.waitForResponses(responses);
  return result.visibleText();
}

export async function startSlackStory(mode: Mode): Promise<SlackStory> {
  const feeds = await startFeedServer();
  const slack = await startSlackEmulator();
  slack.addUser({ id: ADMIN, name: 'ada', isAdmin: true });
  slack.addUser({ id: MEMBER, name: 'mel' });
  slack.addUser({ id: LISTED_MEMBER, name: 'lin' });
  const work = makeWorkDirectory({ 'herald.yaml': `slack:\n  admins: [${LISTED_MEMBER}]\n` });
  const release = async () => {
    await slack.close();
    await feeds.close();
    work.remove();
  };
  const start = () => startHerald(mode, slack, work.cwd);
  let running: Awaited<ReturnType<typeof start>>;
  try {
    running = await start();
  } catch (error) {
    await release();
    throw error;
  }
  let taken = 0;

  const story: SlackStory = {
    slack,
    get herald() {
      return running.herald;
    },
    freshFeed() {
      const path = `/feeds/${++taken}.xml`;
      const items: TestItem[] = [];
      const feed: StoryFeed = {
        url: feeds.url(path),
        publish(...added) {
          for (const item of added) items.unshift({ ...item, link: `https://example.org/posts/${item.guid}`, pubDate: new Date() });
          feeds.setFeed(path, makeAtom(items, { title: 'Example & Friends <Releases>', link: 'https://example.org/' }));
        },
        fetches: () => feeds.requestsTo(path),
        async waitForPolls(count) {
          const target = feed.fetches() + count;
          await waitUntil(() => feed.fetches() >= target, `${count} more polls of ${path}`);
        },
      };
      feed.publish(...BASELINE);
      return feed;
    },
    freshChannel({ isPrivate = false, botIsMember = true } = {}) {
      const number = ++taken;
      const id = `${isPrivate ? 'G' : 'C'}0STORY${number}`;
      const name = `story-${number}`;
      slack.addChannel({ id, name, isPrivate, botIsMember });
      return {
        id,
        name,
        link: `<#${id}|${name}>`,
        messages: () => slack.messages(id),
        waitForMessages: (count, timeoutMs) => slack.waitForMessages(id, count, timeoutMs),
      };
    },
    command(channel, text, { user = ADMIN, signature } = {}) {
      return slack.runSlashCommand({ mode, url: running.eventsUrl, command: '/feed', text, channelId: channel.id, userId: user, signature });
    },
    async subscribe(channel, feed, rule, { from = channel } = {}) {
      const answer = await answerOf(await story.command(from, `add <${feed.url}> ${channel.link} ${rule}`), 1);
      expect(answer).toContain(`<#${channel.id}> is now subscribed`);
    },
    async subscribeFreshChannel(rule, { botIsMember, from } = {}) {
      const channel = story.freshChannel({ botIsMember });
      const feed = story.freshFeed();
      await story.subscribe(channel, feed, rule, { from });
      return { channel, feed };
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
    async restart(whileDown) {
      await running.herald.stop();
      whileDown();
      running = await start();
    },
    async close() {
      await running.herald.stop();
      await release();
    },
  };
  return story;
}

async function startHerald(mode: Mode, slack: SlackEmulator, cwd: string): Promise<{ herald: HeraldProcess; eventsUrl?: string }> {
  const herald = await startHeraldProcess({
    cwd,
    env: {
      SLACK_BOT_TOKEN: slack.botToken,
      ...(mode === 'socket' ? { SLACK_APP_TOKEN: slack.appToken } : { SLACK_SIGNING_SECRET: slack.signingSecret }),
      SLACK_API_URL: slack.apiUrl,
      HERALD_STORE: 'sqlite://data/herald.sqlite',
      HERALD_POLL_INTERVAL: '1',
      HERALD_ALLOW_PRIVATE_URLS: 'true',
      LOG_LEVEL: 'debug',
    },
    readyPattern: /Herald started/,
  });
  if (mode === 'socket') return { herald };
  const line = await herald.waitForLine(/"msg":"HTTP listening"/);
  const { port } = JSON.parse(line) as { port: number };
  return { herald, eventsUrl: `http://127.0.0.1:${port}/slack/events` };
}
