/**
 * HERALD_ROLES splits the work between processes on one PostgreSQL: a `gateway,http` process answers slash
 * commands but never polls or posts; a `poll,deliver` process polls and posts but never connects to the gateway.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDiscordEmulator } from '../emulators/discord/server.ts';
import type { DiscordEmulator } from '../emulators/discord/server.ts';
import { makeRss } from '../emulators/feed-documents.ts';
import type { TestItem } from '../emulators/feed-documents.ts';
import { startFeedServer } from '../emulators/feed-server.ts';
import type { FeedServer } from '../emulators/feed-server.ts';
import { openTemporaryStore } from '../support/temporary-store.ts';
import type { TemporaryStore } from '../support/temporary-store.ts';
import { makeWorkDirectory, startHeraldProcess } from './herald-process.ts';
import type { HeraldProcess } from './herald-process.ts';

const GUILD = '100000000000000001';
const CHANNEL = '200000000000000001';
const ADMIN = { id: '300000000000000001', name: 'admin' };
const FEED_PATH = '/roles.xml';
const POLL_INTERVAL_SECONDS = 2;

let feeds: FeedServer;
let discord: DiscordEmulator;
let database: TemporaryStore;
const work = makeWorkDirectory({ 'herald.yaml': 'subscriptions: []\n' });
const processes: HeraldProcess[] = [];
const published: TestItem[] = [];

function publish(guid: string, title: string): void {
  published.unshift({ guid, title, link: `https://news.test/${guid}`, pubDate: new Date() });
  feeds.setFeed(FEED_PATH, makeRss(published, { title: 'Role News' }));
}

async function startWithRoles(roles: string): Promise<HeraldProcess> {
  const member = await startHeraldProcess({
    cwd: work.cwd,
    env: {
      HERALD_STORE: database.uri, HERALD_ROLES: roles,
      DISCORD_TOKEN: discord.token, DISCORD_API_URL: discord.apiBase, DISCORD_GUILD_ID: GUILD,
      HERALD_POLL_INTERVAL: String(POLL_INTERVAL_SECONDS), HERALD_ALLOW_PRIVATE_URLS: 'true', LOG_LEVEL: 'debug',
    },
    readyTimeoutMs: 60_000,
  });
  processes.push(member);
  return member;
}

beforeAll(async () => {
  feeds = await startFeedServer();
  discord = await startDiscordEmulator();
  discord.addGuild({ id: GUILD, name: 'Guild', channels: [{ id: CHANNEL, name: 'news' }] });
  database = await openTemporaryStore('postgres');
  publish('old', 'Already there');
}, 60_000);

afterAll(async () => {
  await Promise.all(processes.map((member) => member.stop().catch(() => undefined)));
  await discord?.close();
  await feeds?.close();
  await database?.dispose();
  work.remove();
});

describe('HERALD_ROLES', () => {
  it('lets a gateway process take commands and a poll,deliver process do the posting', async () => {
    const front = await startWithRoles('gateway,http');
    expect(front.stderr()).toMatch(/"roles":"gateway,http"/);
    expect(discord.connectedShards()).toHaveLength(1);

    const added = await discord.runCommand({
      guildId: GUILD, channelId: CHANNEL, user: ADMIN, permissions: 1n << 5n, name: 'feed', subcommand: 'add', options: { url: feeds.url(FEED_PATH) }, timeoutMs: 20_000,
    });
    expect(added.content).toMatch(/is now subscribed/);
    const fetchedByAdd = feeds.requests.filter((request) => request.path === FEED_PATH).length;

    // The gateway process neither polls nor posts: three intervals pass with no fetch and no post.
    publish('fresh', 'Fresh news from the workers');
    await new Promise((resolve) => setTimeout(resolve, 3 * POLL_INTERVAL_SECONDS * 1000 + 500));
    expect(feeds.requests.filter((request) => request.path === FEED_PATH)).toHaveLength(fetchedByAdd);
    expect(discord.messages(CHANNEL)).toHaveLength(0);

    const worker = await startWithRoles('poll,deliver');
    await discord.waitForMessages(CHANNEL, 1, 20_000);
    expect(discord.messages(CHANNEL).map((message) => message.embeds[0]?.title)).toEqual(['Fresh news from the workers']);
    // The worker never connected to Discord's gateway: still one shard connection, the front's.
    expect(discord.connectedShards()).toHaveLength(1);
    expect(worker.stderr()).not.toMatch(/Discord gateway running/);
    expect(front.stderr()).toMatch(/Discord gateway running/);
  }, 120_000);
});
