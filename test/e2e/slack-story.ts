/**
 * A Slack workspace (the emulator), a feed server and one `herald start` against them, shared by the tests of a
 * describe block without sharing their state: each test takes channels and feeds of its own, so it can run alone
 * or in any order, while Herald's cold start (seconds on a loaded machine) is paid once per block.
 */
import { expect } from 'vitest';
import { makeAtom } from '../emulators/feed-documents.ts';
import { startSlackEmulator } from '../emulators/slack/server.ts';
import type { PostedMessage, SlackEmulator, SlashCommandResult } from '../emulators/slack/server.ts';
import type { SignatureMode } from '../emulators/slack/types.ts';
import { startHeraldProcess } from './herald-process.ts';
import type { HeraldProcess } from './herald-process.ts';
import { startHeraldStory } from './herald-story.ts';
import type { NewItem, StoryFeed } from './herald-story.ts';

export type Mode = 'socket' | 'http';

export const ADMIN = 'U0ADMIN';
export const MEMBER = 'U0MEMBER';
/** A member who is not a workspace admin, listed under slack.admins in herald.yaml. */
export const LISTED_MEMBER = 'U0LISTED';

/** What every fresh feed holds when a test takes it: one item a `category:rust` rule would match, one it would not. */
const BASELINE: readonly NewItem[] = [
  { guid: 'old-1', title: 'Rust 1.90 released', categories: ['rust'] },
  { guid: 'old-2', title: 'Gardening', categories: ['garden'] },
];

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
  const slack = await startSlackEmulator();
  slack.addUser({ id: ADMIN, name: 'ada', isAdmin: true });
  slack.addUser({ id: MEMBER, name: 'mel' });
  slack.addUser({ id: LISTED_MEMBER, name: 'lin' });
  const base = await startHeraldStory({
    look: { render: makeAtom, title: 'Example & Friends <Releases>', site: 'https://example.org/', baseline: BASELINE },
    files: { 'herald.yaml': `slack:\n  admins: [${LISTED_MEMBER}]\n` },
    start: (cwd) => startHerald(mode, slack, cwd),
    closePlatform: () => slack.close(),
  });

  const story: SlackStory = {
    slack,
    get herald() {
      return base.running.herald;
    },
    freshFeed: () => base.freshFeed(),
    freshChannel({ isPrivate = false, botIsMember = true } = {}) {
      const number = base.take();
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
      return slack.runSlashCommand({ mode, url: base.running.eventsUrl, command: '/feed', text, channelId: channel.id, userId: user, signature });
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
    linesFromNow: () => base.linesFromNow(),
    restart: (whileDown) => base.restart(whileDown),
    close: () => base.close(),
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
