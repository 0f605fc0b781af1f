/**
 * Stopping, as Docker does it: SIGTERM, then SIGKILL 10 s later. The real `herald start` is told to stop while one
 * feed takes 30 s to answer its poll and a post is on its way to Discord: it must exit cleanly within 8 s, the post
 * under way must finish (or stay queued), and after a restart every item is in the channel exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDiscordEmulator } from '../emulators/discord/server.ts';
import type { DiscordEmulator } from '../emulators/discord/server.ts';
import { makeRss } from '../emulators/feed-documents.ts';
import { startFeedServer } from '../emulators/feed-server.ts';
import type { FeedServer } from '../emulators/feed-server.ts';
import { waitUntil } from '../support/wait-until.ts';
import { makeWorkDirectory, startHeraldProcess } from './herald-process.ts';
import type { HeraldProcess } from './herald-process.ts';

const GUILD = '100000000000000088';
const CHANNEL = '230000000000000001';
const ADMIN = { id: '330000000000000001', name: 'admin' };
const QUICK = '/quick.xml';
const SLOW = '/slow.xml';
/** What Docker allows between SIGTERM and SIGKILL is 10 s; Herald must be done well before. */
const STOP_BUDGET_MS = 8_000;

let feeds: FeedServer;
let discord: DiscordEmulator;
let work: ReturnType<typeof makeWorkDirectory>;
let herald: HeraldProcess | undefined;

const item = (guid: string, title: string, ageMs = 0) => ({ guid, title, link: `https://blog.test/${guid}`, pubDate: new Date(Date.now() - ageMs) });
const start = () =>
  startHeraldProcess({
    cwd: work.cwd,
    env: { DISCORD_TOKEN: discord.token, DISCORD_API_URL: discord.apiBase, DISCORD_GUILD_ID: GUILD, HERALD_POLL_INTERVAL: '1', HERALD_ALLOW_PRIVATE_URLS: 'true', LOG_LEVEL: 'info' },
    readyTimeoutMs: 60_000,
  });

beforeAll(async () => {
  feeds = await startFeedServer();
  discord = await startDiscordEmulator();
  discord.addGuild({ id: GUILD, name: 'Shutdown', channels: [{ id: CHANNEL, name: 'news' }] });
  feeds.setFeed(QUICK, makeRss([item('q-0', 'Quick baseline', 60_000)], { title: 'Quick' }));
  feeds.setFeed(SLOW, makeRss([item('s-0', 'Slow baseline', 60_000)], { title: 'Slow' }));
  work = makeWorkDirectory({ 'herald.yaml': 'subscriptions: []\n' });
  herald = await start();
  for (const path of [QUICK, SLOW]) {
    const answer = await discord.runCommand({ guildId: GUILD, channelId: CHANNEL, user: ADMIN, permissions: 1n << 5n, name: 'feed', subcommand: 'add', options: { url: feeds.url(path) }, timeoutMs: 30_000 });
    expect(answer.content).toMatch(/is now subscribed/);
  }
}, 120_000);

afterAll(async () => {
  await herald?.kill();
  await discord?.close();
  await feeds?.close();
  work?.remove();
});

describe('SIGTERM during a slow poll and a post under way', () => {
  it(`exits 0 within ${STOP_BUDGET_MS} ms, finishes the post, and loses or doubles nothing after a restart`, async () => {
    const body = makeRss([item('s-1', 'Slow news'), item('s-0', 'Slow baseline', 60_000)], { title: 'Slow' });
    feeds.setResponse(SLOW, { status: 200, headers: { 'Content-Type': 'application/rss+xml' }, body, delayMs: 30_000 });
    const slowPolls = feeds.requestsTo(SLOW);
    await waitUntil(() => feeds.requestsTo(SLOW) > slowPolls, 'a poll of the slow feed under way', 20_000);

    // Discord makes the message at once and answers 2 s later: the post is under way when the signal comes.
    discord.faults.schedule({ match: `POST /channels/${CHANNEL}/messages`, fault: { kind: 'slow', ms: 2_000 } });
    feeds.setFeed(QUICK, makeRss([item('q-1', 'Quick news'), item('q-0', 'Quick baseline', 60_000)], { title: 'Quick' }));
    await waitUntil(() => discord.messages(CHANNEL).length > 0, 'the post under way', 20_000);

    const signalledAt = Date.now();
    const code = await herald!.stop();
    const stoppedInMs = Date.now() - signalledAt;
    console.log(JSON.stringify({ stoppedInMs, code }));
    expect(code).toBe(0);
    expect(stoppedInMs).toBeLessThan(STOP_BUDGET_MS);
    expect(herald!.stdout() + herald!.stderr()).toMatch(/Herald stopped/);

    feeds.setFeed(SLOW, body);
    herald = await start();
    await waitUntil(() => discord.messages(CHANNEL).some((message) => message.embeds[0]?.title === 'Slow news'), 'the slow feed\'s item posted after the restart', 30_000);
    const polls = feeds.requestsTo(QUICK);
    await waitUntil(() => feeds.requestsTo(QUICK) >= polls + 2, 'two more polls');
    expect(discord.messages(CHANNEL).map((message) => String(message.embeds[0]?.title)).sort()).toEqual(['Quick news', 'Slow news']);
  }, 180_000);
});
