/**
 * A Discord guild (the emulator), a feed server and one `herald start` against them, shared by the tests of a
 * describe block without sharing their state: each test takes channels and feeds of its own, so it can run alone
 * or in any order, while Herald's cold start (seconds on a loaded machine) is paid once per block.
 * Herald registers /feed in GUILD only (DISCORD_GUILD_ID), so every fresh channel is made there, after Herald started.
 */
import { expect } from 'vitest';
import { startDiscordEmulator } from '../emulators/discord/server.ts';
import type { DiscordEmulator, InteractionReply, PostedMessage } from '../emulators/discord/server.ts';
import { makeRss } from '../emulators/feed-documents.ts';
import type { FeedServer } from '../emulators/feed-server.ts';
import { startHeraldProcess } from './herald-process.ts';
import type { HeraldProcess } from './herald-process.ts';
import { startHeraldStory } from './herald-story.ts';
import type { NewItem, StoryFeed } from './herald-story.ts';

export const GUILD = '100000000000000001';
const GUILD_NAME = 'Data People';
export const MANAGE_GUILD = 1n << 5n;
export const ADMINISTRATOR = 1n << 3n;
export const ADMIN = { id: '300000000000000001', name: 'admin' };
export const MEMBER = { id: '300000000000000002', name: 'member' };

/** Every fresh feed's title. */
export const FEED_TITLE = 'Data Eng Weekly';

/** What every fresh feed holds when a test takes it: two items a `kafka OR "event streaming"` rule would match, one it would not. */
const BASELINE: readonly NewItem[] = [
  { guid: 'old-1', title: 'Kafka tips from last week' },
  { guid: 'old-2', title: 'Event streaming 101' },
  { guid: 'old-3', title: 'Gardening' },
];

export type CommandOptions = Record<string, string | { channelId: string }>;

export interface StoryChannel {
  readonly id: string;
  /** Its name in the guild (Herald shows it as #name). */
  readonly name: string;
  messages(): ReadonlyArray<PostedMessage>;
  /** The title of each message's embed, in the order they were posted. */
  titles(): string[];
  waitForMessages(count: number, timeoutMs?: number): Promise<ReadonlyArray<PostedMessage>>;
}

export interface DiscordStory {
  readonly discord: DiscordEmulator;
  /** The feed server the fresh feeds are on, for other documents a test serves. */
  readonly feeds: FeedServer;
  /** The Herald process running now (restart starts another). */
  readonly herald: HeraldProcess;
  /** A feed only this test follows, titled FEED_TITLE, holding the baseline. */
  freshFeed(): StoryFeed;
  /** A text channel only this test uses, made in GUILD now. */
  freshChannel(): StoryChannel;
  /** `/feed <subcommand>` run in `channel` by ADMIN (with Manage Server) unless `user` says otherwise (then without it). */
  command(channel: StoryChannel, subcommand: string, options?: CommandOptions, user?: typeof ADMIN): Promise<InteractionReply>;
  /** ADMIN subscribes `channel` to `feed` with `/feed add` run in `from` (default: the channel itself), and sees it confirmed. */
  subscribe(channel: StoryChannel, feed: StoryFeed, rule: string, options?: { from?: StoryChannel }): Promise<InteractionReply>;
  /** A fresh channel subscribed to a fresh feed. */
  subscribeFreshChannel(rule: string): Promise<{ channel: StoryChannel; feed: StoryFeed }>;
  /** Waits for a line Herald prints from now on (waitForLine also finds what it printed for earlier tests). */
  linesFromNow(): (pattern: RegExp) => Promise<string>;
  /** Stops Herald (or kills it: a crash), runs `whileDown`, and starts it again on the same store; resolves once it is ready. */
  restart(whileDown?: () => void, how?: 'stop' | 'kill'): Promise<void>;
  close(): Promise<void>;
}

export async function startDiscordStory(): Promise<DiscordStory> {
  const discord = await startDiscordEmulator();
  const channels: Array<{ id: string; name: string }> = [];
  discord.addGuild({ id: GUILD, name: GUILD_NAME, channels });
  const base = await startHeraldStory({
    look: { render: makeRss, title: FEED_TITLE, site: 'https://blog.test/', baseline: BASELINE },
    files: { 'herald.yaml': 'subscriptions: []\n' },
    start: (cwd) => startHerald(discord, cwd),
    closePlatform: () => discord.close(),
  });

  const story: DiscordStory = {
    discord,
    feeds: base.feeds,
    get herald() {
      return base.running.herald;
    },
    freshFeed: () => base.freshFeed(),
    freshChannel() {
      const number = base.take();
      const channel = { id: String(200_000_000_000_000_000n + BigInt(number)), name: `story-${number}` };
      channels.push(channel);
      discord.addGuild({ id: GUILD, name: GUILD_NAME, channels });
      return {
        ...channel,
        messages: () => discord.messages(channel.id),
        titles: () => discord.messages(channel.id).map((message) => String(message.embeds[0]?.title)),
        waitForMessages: (count, timeoutMs) => discord.waitForMessages(channel.id, count, timeoutMs),
      };
    },
    command(channel, subcommand, options = {}, user = ADMIN) {
      return discord.runCommand({
        guildId: GUILD, channelId: channel.id, user, permissions: user === ADMIN ? MANAGE_GUILD : 0n,
        name: 'feed', subcommand, options, timeoutMs: 20_000,
      });
    },
    async subscribe(channel, feed, rule, { from = channel } = {}) {
      const answer = await story.command(from, 'add', { url: feed.url, channel: { channelId: channel.id }, ...(rule === '' ? {} : { filter: rule }) });
      expect(answer.content).toContain(`<#${channel.id}> is now subscribed`);
      return answer;
    },
    async subscribeFreshChannel(rule) {
      const channel = story.freshChannel();
      const feed = story.freshFeed();
      await story.subscribe(channel, feed, rule);
      return { channel, feed };
    },
    linesFromNow: () => base.linesFromNow(),
    restart: (whileDown, how) => base.restart(whileDown, how),
    close: () => base.close(),
  };
  return story;
}

async function startHerald(discord: DiscordEmulator, cwd: string): Promise<{ herald: HeraldProcess }> {
  const herald = await startHeraldProcess({
    cwd,
    env: {
      DISCORD_TOKEN: discord.token,
      DISCORD_API_URL: discord.apiBase,
      DISCORD_GUILD_ID: GUILD,
      HERALD_STORE: 'sqlite://data/herald.sqlite',
      HERALD_POLL_INTERVAL: '1',
      HERALD_ALLOW_PRIVATE_URLS: 'true',
      LOG_LEVEL: 'debug',
    },
    readyPattern: /Herald started/,
  });
  return { herald };
}
