/**
 * Slack under platform faults, as an operator would meet them: the real `herald start` (real Bolt inside, Socket
 * Mode) posts 100 matching items to each of 10 channels while the emulator answers, on a schedule, `ratelimited`
 * 429s, 5xx, a call held past the client's timeout after the message was posted, dropped connections before and
 * after the message was posted, and a channel deleted mid-run (restored and resumed), on top of Slack's own limit
 * of about one post a second per channel. Slack has no idempotency key: a post whose answer was lost is found
 * again by its delivery id. Each item must arrive exactly once, in order, in every channel.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SlackFaultRule } from '../emulators/slack/faults.ts';
import { startSlackEmulator } from '../emulators/slack/server.ts';
import type { SlackEmulator } from '../emulators/slack/server.ts';
import { startFeedServer } from '../emulators/feed-server.ts';
import type { FeedServer } from '../emulators/feed-server.ts';
import { waitUntil } from '../support/wait-until.ts';
import { deliveryReport, FAULT_FEED_PATH, FILTER, MATCHING_ITEMS, publishBaseline, publishItems } from './fault-items.ts';
import { makeWorkDirectory, startHeraldProcess } from './herald-process.ts';
import type { HeraldProcess } from './herald-process.ts';

const CHANNELS = Array.from({ length: 10 }, (_, index) => `C0FAULTS${String(index).padStart(2, '0')}`);
const ADMIN = 'U0FAULTADMIN';
const LOST = CHANNELS[6]!;

let feeds: FeedServer;
let slack: SlackEmulator;
let work: ReturnType<typeof makeWorkDirectory>;
let herald: HeraldProcess;
const subscriptionIds = new Map<string, string>();

const post = (channel: string, rule: Omit<SlackFaultRule, 'method' | 'channel'>): SlackFaultRule => ({ method: 'chat.postMessage', channel, ...rule });

/** Faults in every channel but one, each where that channel's posts are under way. */
const SCHEDULE: SlackFaultRule[] = [
  post(CHANNELS[0]!, { from: 3, to: 4, fault: { kind: 'rate-limit', retryAfter: 1 } }),
  post(CHANNELS[1]!, { from: 5, fault: { kind: 'server-error', status: 503 } }),
  post(CHANNELS[2]!, { from: 10, to: 11, fault: { kind: 'server-error', status: 500 } }),
  post(CHANNELS[3]!, { from: 8, fault: { kind: 'hang', ms: 15_000, afterAccept: true } }),
  post(CHANNELS[4]!, { from: 12, fault: { kind: 'drop' } }),
  post(CHANNELS[5]!, { from: 15, to: 16, fault: { kind: 'drop', afterAccept: true } }),
  post(LOST, { from: 20, fault: { kind: 'lose-channel' } }),
  post(CHANNELS[7]!, { from: 30, fault: { kind: 'rate-limit', retryAfter: 2 } }),
  post(CHANNELS[8]!, { from: 40, fault: { kind: 'server-error', status: 502 } }),
];

/** What the admin sees; `responses`: how many answers come later through response_url (add fetches the feed first). */
async function feed(channelId: string, text: string, responses = 0): Promise<string> {
  const result = await slack.runSlashCommand({ mode: 'socket', command: '/feed', text, channelId, userId: ADMIN });
  if (responses > 0) await result.waitForResponses(responses, 30_000);
  return result.visibleText();
}

beforeAll(async () => {
  feeds = await startFeedServer();
  slack = await startSlackEmulator();
  for (const [index, id] of CHANNELS.entries()) slack.addChannel({ id, name: `faults-${index}` });
  slack.addUser({ id: ADMIN, name: 'ada', isAdmin: true });
  publishBaseline(feeds);
  work = makeWorkDirectory({ 'herald.yaml': 'subscriptions: []\n' });
  herald = await startHeraldProcess({
    cwd: work.cwd,
    env: {
      SLACK_BOT_TOKEN: slack.botToken, SLACK_APP_TOKEN: slack.appToken, SLACK_API_URL: slack.apiUrl,
      HERALD_POLL_INTERVAL: '1', HERALD_ALLOW_PRIVATE_URLS: 'true', HERALD_MAX_POSTS_PER_POLL: '500', LOG_LEVEL: 'info',
    },
    readyTimeoutMs: 60_000,
  });
  for (const channelId of CHANNELS) {
    const answer = await feed(channelId, `add <${feeds.url(FAULT_FEED_PATH)}> ${FILTER}`, 1);
    expect(answer).toMatch(/is now subscribed/);
    subscriptionIds.set(channelId, /`(\w+)`/.exec(answer)?.[1] ?? '');
  }
}, 180_000);

afterAll(async () => {
  await herald?.stop();
  await slack?.close();
  await feeds?.close();
  work?.remove();
});

describe('Slack: 100 items to 10 channels under 429s, 5xx, timeouts, dropped connections and a lost channel', () => {
  it('posts each matching item exactly once, in order, in every channel', async () => {
    slack.faults.schedule(...SCHEDULE);
    const expected = publishItems(feeds);

    await herald.waitForLine(/subscription paused/, { timeoutMs: 120_000 });
    slack.updateChannel(LOST, { deleted: false });
    expect(await feed(LOST, `resume ${subscriptionIds.get(LOST)}`)).toMatch(/Resumed/);

    // The fallback text is "title — link".
    const titleOf = (text: string | undefined) => String(text).split(' — ')[0]!;
    const arrived = () => new Map(CHANNELS.map((channelId) => [channelId, slack.messages(channelId).map((message) => titleOf(message.text))]));
    await waitUntil(() => [...arrived().values()].every((titles) => titles.length >= MATCHING_ITEMS), `${MATCHING_ITEMS} posts in each of ${CHANNELS.length} channels`, 240_000);
    const polls = feeds.requestsTo(FAULT_FEED_PATH);
    await waitUntil(() => feeds.requestsTo(FAULT_FEED_PATH) >= polls + 3, 'three more polls');

    const report = deliveryReport(arrived(), expected);
    console.log(JSON.stringify({ platform: 'slack', faultsInjected: slack.faults.counts(), faultsTotal: slack.faults.injected.length, ...report }));
    expect(slack.faults.injected.length).toBeGreaterThanOrEqual(SCHEDULE.length);
    expect(report).toEqual({ channels: 10, itemsPerChannel: MATCHING_ITEMS, lost: 0, doubled: 0, outOfOrder: 0, unwanted: 0 });
  }, 400_000);
});
