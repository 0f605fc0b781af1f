/**
 * Crashes on Slack, which has no idempotency key: the real `herald start` (real Bolt inside, Socket Mode) is killed
 * with SIGKILL at seeded random moments while 50 items fan out to five channels, and started again each time. A
 * post under way when Herald died is looked for in the channel by its delivery id before it is sent again. Every
 * item must reach every channel exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSlackEmulator } from '../emulators/slack/server.ts';
import type { SlackEmulator } from '../emulators/slack/server.ts';
import { startFeedServer } from '../emulators/feed-server.ts';
import type { FeedServer } from '../emulators/feed-server.ts';
import { seededRandom } from '../support/seeded-random.ts';
import { waitUntil } from '../support/wait-until.ts';
import { crashFeed } from './crash-feed.ts';
import { makeWorkDirectory, startHeraldProcess } from './herald-process.ts';
import type { HeraldProcess } from './herald-process.ts';

const CHANNELS = ['C0CRASH001', 'C0CRASH002', 'C0CRASH003', 'C0CRASH004', 'C0CRASH005'];
const ADMIN = 'U0CRASHADMIN';
const FEED_PATH = '/crash-slack.xml';
const ITEMS = 50;
const KILLS = 5;
const SEED = Number(process.env.HERALD_TEST_SEED ?? 20261202);

let feeds: FeedServer;
let slack: SlackEmulator;
let work: ReturnType<typeof makeWorkDirectory>;
let herald: HeraldProcess | undefined;
const crash = crashFeed(() => feeds, FEED_PATH);
const publish = (count: number) => crash.publish(count);

const start = () =>
  startHeraldProcess({
    cwd: work.cwd,
    env: {
      SLACK_BOT_TOKEN: slack.botToken, SLACK_APP_TOKEN: slack.appToken, SLACK_API_URL: slack.apiUrl,
      HERALD_POLL_INTERVAL: '1', HERALD_ALLOW_PRIVATE_URLS: 'true', LOG_LEVEL: 'info', HERALD_MAX_POSTS_PER_POLL: String(ITEMS),
    },
    readyTimeoutMs: 60_000,
  });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  feeds = await startFeedServer();
  slack = await startSlackEmulator();
  for (const [index, id] of CHANNELS.entries()) slack.addChannel({ id, name: `crash-${index}` });
  slack.addUser({ id: ADMIN, name: 'ada', isAdmin: true });
  publish(3);
  work = makeWorkDirectory({ 'herald.yaml': 'subscriptions: []\n' });
  herald = await start();
  for (const channelId of CHANNELS) {
    const result = await slack.runSlashCommand({ mode: 'socket', command: '/feed', text: `add <${feeds.url(FEED_PATH)}>`, channelId, userId: ADMIN });
    await result.waitForResponses(1, 30_000);
    expect(result.visibleText()).toMatch(/is now subscribed/);
  }
}, 180_000);

afterAll(async () => {
  await herald?.stop();
  await slack?.close();
  await feeds?.close();
  work?.remove();
});

describe('Slack: SIGKILL at random moments while items fan out to five channels', () => {
  it(`delivers each of ${ITEMS} items to each channel exactly once across ${KILLS} kills and restarts`, async () => {
    const random = seededRandom(SEED);
    const titles = (channelId: string) => slack.messages(channelId).map((message) => String(message.text).split(' — ')[0]!);
    const perRound = ITEMS / KILLS;
    const killedWithPostsUnderWay: number[] = [];
    for (let round = 0; round < KILLS; round += 1) {
      publish(perRound);
      // Somewhere between the next poll and the middle of posting what it found.
      await sleep(500 + Math.floor(random() * 3_000));
      const posts = slack.calls('chat.postMessage').length;
      await herald!.kill();
      killedWithPostsUnderWay.push(posts);
      herald = await start();
    }
    const expected = Array.from({ length: ITEMS }, (_, index) => `Item ${index + 4}`);
    await waitUntil(() => CHANNELS.every((channelId) => titles(channelId).length >= ITEMS), `${ITEMS} posts in each of ${CHANNELS.length} channels`, 240_000);
    const polls = feeds.requestsTo(FEED_PATH);
    await waitUntil(() => feeds.requestsTo(FEED_PATH) >= polls + 3, 'three more polls');
    const doubled = CHANNELS.reduce((sum, channelId) => sum + titles(channelId).length - new Set(titles(channelId)).size, 0);
    const foundAgain = (herald!.stdout() + herald!.stderr()).split('\n').filter((line) => line.includes('an interrupted post had reached the channel')).length;
    console.log(JSON.stringify({ platform: 'slack', seed: SEED, kills: KILLS, doubled, postsAtEachKill: killedWithPostsUnderWay, interruptedPostsFoundInLastProcess: foundAgain }));
    for (const channelId of CHANNELS) expect([...titles(channelId)].sort()).toEqual([...expected].sort());
  }, 400_000);
});
