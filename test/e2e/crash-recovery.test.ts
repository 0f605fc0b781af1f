/**
 * Crashes, as an operator would suffer them: the real `herald start` process (real discord.js inside) is killed
 * with SIGKILL at moments spread over its work — while it polls (every poll is one transaction that writes the
 * deliveries, the seen set and the feed's state) and while it posts — and started again each time. Every item must
 * reach every channel exactly once: nothing lost, nothing doubled.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDiscordEmulator } from '../emulators/discord/server.ts';
import type { DiscordEmulator } from '../emulators/discord/server.ts';
import { startFeedServer } from '../emulators/feed-server.ts';
import type { FeedServer } from '../emulators/feed-server.ts';
import { seededRandom } from '../support/seeded-random.ts';
import { waitUntil } from '../support/wait-until.ts';
import { crashFeed } from './crash-feed.ts';
import { makeWorkDirectory, startHeraldProcess } from './herald-process.ts';
import type { HeraldProcess } from './herald-process.ts';

const GUILD = '100000000000000009';
const CHANNELS = ['210000000000000001', '210000000000000002', '210000000000000003', '210000000000000004', '210000000000000005'];
const ADMIN = { id: '310000000000000001', name: 'admin' };
const FEED_PATH = '/crash.xml';
const ITEMS = 50;
const KILLS = 5;
/** The kill moments come from this seed (HERALD_TEST_SEED replays another run). */
const SEED = Number(process.env.HERALD_TEST_SEED ?? 20261121);

let feeds: FeedServer;
let discord: DiscordEmulator;
let work: ReturnType<typeof makeWorkDirectory>;
let herald: HeraldProcess | undefined;
const crash = crashFeed(() => feeds, FEED_PATH);
const publish = (count: number) => crash.publish(count);

function start(): Promise<HeraldProcess> {
  return startHeraldProcess({
    cwd: work.cwd,
    env: {
      DISCORD_TOKEN: discord.token, DISCORD_API_URL: discord.apiBase, DISCORD_GUILD_ID: GUILD,
      HERALD_POLL_INTERVAL: '1', HERALD_ALLOW_PRIVATE_URLS: 'true', LOG_LEVEL: 'info',
      // Ten items arrive at once, and after a restart more: every one must be posted, not summarised.
      HERALD_MAX_POSTS_PER_POLL: String(ITEMS),
    },
    // Five cold starts in a row on a loaded machine.
    readyTimeoutMs: 60_000,
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  feeds = await startFeedServer();
  discord = await startDiscordEmulator();
  discord.addGuild({ id: GUILD, name: 'Crash Test', channels: CHANNELS.map((id, index) => ({ id, name: `c${index}` })) });
  publish(3);
  work = makeWorkDirectory({ 'herald.yaml': 'subscriptions: []\n' });
  herald = await start();
  for (const channelId of CHANNELS) {
    const answer = await discord.runCommand({
      guildId: GUILD, channelId, user: ADMIN, permissions: 1n << 5n, name: 'feed', subcommand: 'add', options: { url: feeds.url(FEED_PATH) }, timeoutMs: 20_000,
    });
    expect(answer.content).toMatch(/is now subscribed/);
  }
}, 90_000);

afterAll(async () => {
  await herald?.stop();
  await discord?.close();
  await feeds?.close();
  work?.remove();
});

describe('SIGKILL at random moments while items fan out to five channels', () => {
  it(`delivers each of ${ITEMS} items to each channel exactly once across ${KILLS} kills and restarts`, async () => {
    const random = seededRandom(SEED);
    const perRound = ITEMS / KILLS;
    let total = 0;
    for (let round = 0; round < KILLS; round += 1) {
      total = publish(perRound);
      // Somewhere between the next poll and the middle of posting what it found.
      await sleep(300 + Math.floor(random() * 1_700));
      await herald!.kill();
      herald = await start();
    }
    const expected = total - 3;
    await waitUntil(() => CHANNELS.every((channelId) => discord.messages(channelId).length >= expected), `${expected} posts in each of ${CHANNELS.length} channels`, 120_000);
    // A little longer, so a late double would show.
    await sleep(2_000);
    for (const channelId of CHANNELS) {
      const titles = discord.messages(channelId).map((message) => String(message.embeds[0]?.title));
      const wanted = Array.from({ length: expected }, (_, index) => `Item ${index + 4}`);
      expect([...titles].sort()).toEqual([...wanted].sort());
    }
  }, 240_000);
});
