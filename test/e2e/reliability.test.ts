/**
 * Nothing lost, on both platforms, with the real `herald start` process (real discord.js and Bolt) against the
 * emulators: a paused subscription keeps what arrives (bounded, the oldest dropped and counted) and /feed resume
 * posts it in order; a reset or revoked token stops sending without dropping anything, marks /readyz not ready,
 * is logged once and recovers by itself; a Discord embed refused for its URL is posted again without it; and
 * /feed status shows each subscription's polls and outbox. Each test has its own channels and feed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDiscordEmulator } from '../emulators/discord/server.ts';
import type { DiscordEmulator } from '../emulators/discord/server.ts';
import { makeRss } from '../emulators/feed-documents.ts';
import type { TestItem } from '../emulators/feed-documents.ts';
import { startFeedServer } from '../emulators/feed-server.ts';
import type { FeedServer } from '../emulators/feed-server.ts';
import { startSlackEmulator } from '../emulators/slack/server.ts';
import type { SlackEmulator } from '../emulators/slack/server.ts';
import { waitUntil } from '../support/wait-until.ts';
import { makeWorkDirectory, startHeraldProcess } from './herald-process.ts';
import type { HeraldProcess } from './herald-process.ts';

const GUILD = '100000000000000001';
const DISCORD_ADMIN = { id: '300000000000000001', name: 'admin' };
const SLACK_ADMIN = 'U0ADMIN';
const MAX_PARKED = 3;

let feeds: FeedServer;
let discord: DiscordEmulator;
let slack: SlackEmulator;
let work: ReturnType<typeof makeWorkDirectory>;
let herald: HeraldProcess;
let httpBase: string;

/** One feed per test, with items published newest first. */
function testFeed(path: string, options: { ttlMinutes?: number } = {}) {
  const items: TestItem[] = [];
  const publish = (...entries: Array<{ guid: string; title: string; link?: string }>) => {
    for (const entry of entries) items.unshift({ link: `https://news.test/${entry.guid}`, ...entry, pubDate: new Date() });
    feeds.setFeed(path, makeRss(items, { title: `Feed ${path}`, ...options }));
  };
  publish({ guid: `${path}-old`, title: 'Already there' });
  return {
    url: feeds.url(path),
    publish,
    /** Lets Herald poll the feed `count` more times, so that an absence of posts means something. */
    polls: async (count: number) => {
      const target = feeds.requestsTo(path) + count;
      await waitUntil(() => feeds.requestsTo(path) >= target, `${count} more polls of ${path}`, 30_000);
    },
  };
}

interface Platform {
  readonly name: 'discord' | 'slack';
  /** A fresh channel of its own. */
  channel(name: string): string;
  command(channel: string, text: string, options?: Record<string, string>): Promise<string>;
  titles(channel: string): string[];
  waitForPosts(channel: string, count: number): Promise<unknown>;
  revokeToken(): void;
  restoreToken(): void;
}

let channelCounter = 0;
const onDiscord: Platform = {
  name: 'discord',
  channel(name) {
    channelCounter += 1;
    const id = String(200000000000000000n + BigInt(channelCounter));
    discord.addGuild({ id: GUILD, name: 'Guild', channels: [...knownDiscordChannels, { id, name }] });
    knownDiscordChannels.push({ id, name });
    return id;
  },
  async command(channel, text, options = {}) {
    const [subcommand = '', argument] = text.split(' ');
    const named: Record<string, string> = { ...options };
    if (argument !== undefined) named[subcommand === 'add' ? 'url' : subcommand === 'status' ? 'scope' : 'subscription'] = argument;
    const answer = await discord.runCommand({ guildId: GUILD, channelId: channel, user: DISCORD_ADMIN, permissions: 1n << 5n, name: 'feed', subcommand, options: named, timeoutMs: 20_000 });
    return answer.content;
  },
  titles: (channel) => discord.messages(channel).map((message) => String(message.embeds[0]?.title)),
  waitForPosts: (channel, count) => discord.waitForMessages(channel, count, 20_000),
  revokeToken: () => discord.resetToken(),
  restoreToken: () => discord.restoreToken(),
};
const knownDiscordChannels: Array<{ id: string; name: string }> = [];

const onSlack: Platform = {
  name: 'slack',
  channel(name) {
    channelCounter += 1;
    const id = `C0TEST${channelCounter}`;
    slack.addChannel({ id, name });
    return id;
  },
  async command(channel, text) {
    const words = text.split(' ');
    const line = words[0] === 'add' ? `add <${words[1]}>` : text;
    const result = await slack.runSlashCommand({ mode: 'socket', command: '/feed', text: line, channelId: channel, userId: SLACK_ADMIN });
    if (words[0] === 'add') await result.waitForResponses(1);
    return result.visibleText();
  },
  titles: (channel) => slack.messages(channel).map((message) => String(message.text)),
  waitForPosts: (channel, count) => slack.waitForMessages(channel, count, 20_000),
  revokeToken: () => slack.revokeBotToken('token_revoked'),
  restoreToken: () => slack.restoreBotToken(),
};

async function subscribe(platform: Platform, channel: string, url: string): Promise<string> {
  const answer = await platform.command(channel, `add ${url}`);
  const id = /\(id `?(\w+)`?\)/.exec(answer)?.[1];
  if (id === undefined) throw new Error(`no subscription id in: ${answer}`);
  return id;
}

async function readiness(): Promise<{ status: number; checks: Record<string, string> }> {
  const response = await fetch(`${httpBase}/readyz`);
  return { status: response.status, checks: ((await response.json()) as { checks: Record<string, string> }).checks };
}

beforeAll(async () => {
  feeds = await startFeedServer();
  discord = await startDiscordEmulator();
  discord.addGuild({ id: GUILD, name: 'Guild', channels: [] });
  slack = await startSlackEmulator();
  slack.addUser({ id: SLACK_ADMIN, name: 'ada', isOwner: true });
  work = makeWorkDirectory({ 'herald.yaml': 'subscriptions: []\n' });
  herald = await startHeraldProcess({
    cwd: work.cwd,
    env: {
      DISCORD_TOKEN: discord.token, DISCORD_API_URL: discord.apiBase, DISCORD_GUILD_ID: GUILD,
      SLACK_BOT_TOKEN: slack.botToken, SLACK_APP_TOKEN: slack.appToken, SLACK_API_URL: slack.apiUrl,
      HERALD_STORE: 'sqlite://data/herald.sqlite', HERALD_POLL_INTERVAL: '1', HERALD_ALLOW_PRIVATE_URLS: 'true',
      HERALD_MAX_PARKED_PER_SUBSCRIPTION: String(MAX_PARKED), LOG_LEVEL: 'debug',
    },
  });
  const line = await herald.waitForLine(/"msg":"HTTP listening"/, { stream: 'stderr' });
  httpBase = `http://127.0.0.1:${(JSON.parse(line) as { port: number }).port}`;
}, 60_000);

afterAll(async () => {
  await herald?.stop();
  await discord?.close();
  await slack?.close();
  await feeds?.close();
  work?.remove();
});

describe.each([onDiscord, onSlack])('$name: nothing is lost', (platform) => {
  it('keeps what arrives while paused, the latest few, and /feed resume posts them in order, saying how many were dropped', async () => {
    const channel = platform.channel(`paused-${platform.name}`);
    const feed = testFeed(`/paused-${platform.name}.xml`);
    const id = await subscribe(platform, channel, feed.url);
    feed.publish({ guid: 'before', title: 'Posted before the pause' });
    await platform.waitForPosts(channel, 1);

    const paused = await platform.command(channel, `pause ${id}`);
    expect(paused).toMatch(new RegExp(`kept meanwhile, the latest ${MAX_PARKED} \\(older ones past that are dropped, and counted\\)`));
    for (const n of [1, 2, 3, 4, 5]) {
      feed.publish({ guid: `while-${n}`, title: `While paused ${n}` });
      await feed.polls(1);
    }
    await feed.polls(1);
    expect(platform.titles(channel)).toEqual([expect.stringContaining('Posted before the pause')]);

    const resumed = await platform.command(channel, `resume ${id}`);
    expect(resumed).toMatch(/The 3 items that arrived while it was paused are being posted now, oldest first/);
    expect(resumed).toMatch(/2 older items were dropped: a paused subscription keeps only its latest 3/);
    await platform.waitForPosts(channel, 4);
    await feed.polls(2);
    const titles = platform.titles(channel);
    expect(titles).toHaveLength(4);
    ['While paused 3', 'While paused 4', 'While paused 5'].forEach((title, index) => expect(titles[index + 1]).toContain(title));
  });

  it('stops sending on a refused token without dropping anything, is not ready, logs once, and delivers everything once the token works', async () => {
    const channel = platform.channel(`token-${platform.name}`);
    const feed = testFeed(`/token-${platform.name}.xml`);
    await subscribe(platform, channel, feed.url);
    const logPattern = new RegExp(`${platform.name} refused Herald's credentials`);
    expect(herald.stderr()).not.toMatch(logPattern);

    platform.revokeToken();
    try {
      for (const n of [1, 2, 3]) {
        feed.publish({ guid: `revoked-${n}`, title: `Revoked ${n}` });
        await feed.polls(1);
      }
      const line = await herald.waitForLine(logPattern, { stream: 'stderr' });
      expect(line).toMatch(platform.name === 'discord' ? /DISCORD_TOKEN/ : /SLACK_BOT_TOKEN/);
      const ready = await readiness();
      expect(ready.status).toBe(503);
      expect(ready.checks[`${platform.name} credentials`]).toMatch(/refuses Herald's token/);
      await feed.polls(3);
      expect(platform.titles(channel)).toEqual([]);
      expect(herald.stderr().split('\n').filter((candidate) => logPattern.test(candidate))).toHaveLength(1);
    } finally {
      platform.restoreToken();
    }
    await herald.waitForLine(new RegExp(`${platform.name} takes Herald's credentials again`), { stream: 'stderr', timeoutMs: 30_000 });
    await platform.waitForPosts(channel, 3);
    const titles = platform.titles(channel);
    expect(titles).toHaveLength(3);
    ['Revoked 1', 'Revoked 2', 'Revoked 3'].forEach((title, index) => expect(titles[index]).toContain(title));
    await waitUntil(async () => (await readiness()).status === 200, 'ready again');
  });

  it('/feed status shows each subscription\'s polls, its outbox and why its feed is polled less often', async () => {
    const channel = platform.channel(`status-${platform.name}`);
    const feed = testFeed(`/status-${platform.name}.xml`, { ttlMinutes: 30 });
    const id = await subscribe(platform, channel, feed.url);
    feed.publish({ guid: 'one', title: 'One for the status' });
    await platform.waitForPosts(channel, 1);
    const stretched = (line: string) => line.includes('<ttl> stretches its poll interval') && line.includes(feed.url);
    await waitUntil(() => herald.stderr().split('\n').some(stretched), 'the log line saying the <ttl> stretches the interval');

    // The post reaches the channel a moment before Herald records it as sent.
    const status = await waitUntil(async () => {
      const answer = await platform.command(channel, 'status');
      return /delivered in the last day: 1/.test(answer) && answer;
    }, 'the status to count the delivery');
    expect(status).toContain(id);
    expect(status).toMatch(/last successful poll: \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    expect(status).toMatch(/next poll: \d{4}-\d\d-\d\d \d\d:\d\d UTC \(in (29|30) min/);
    expect(status).toMatch(/delivered in the last day: 1 · waiting: 0 · parked: 0 · dead-lettered: 0/);
    // Slack's mrkdwn escapes < and > as entities, which Slack shows as the characters.
    expect(status.replaceAll('&lt;', '<').replaceAll('&gt;', '>')).toMatch(/polled less often than asked: the feed's <ttl> asks for at least 30 min between polls \(Herald is set to 1 s\)/);
    const everywhere = await platform.command(channel, 'status all');
    expect(everywhere).toContain(id);
  });
});

describe('Discord: a message refused for a part of it', () => {
  it('is posted again without the link Discord refused (an embed URL over 2,048 characters)', async () => {
    const channel = onDiscord.channel('long-links');
    const feed = testFeed('/long-links.xml');
    await subscribe(onDiscord, channel, feed.url);
    const longLink = `https://news.test/${'a'.repeat(2100)}`;
    feed.publish({ guid: 'long', title: 'A very long link', link: longLink });
    const [message] = await discord.waitForMessages(channel, 1, 20_000);
    expect(message!.embeds[0]).toMatchObject({ title: 'A very long link' });
    expect(message!.embeds[0]).not.toHaveProperty('url');
    await herald.waitForLine(/refused part of this message; it was posted without it.*embeds\.0\.url/, { stream: 'stderr' });
  });
});
