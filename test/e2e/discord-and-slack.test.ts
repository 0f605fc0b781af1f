/**
 * One Herald process serving a Discord server and a Slack workspace at once (real discord.js and Bolt inside,
 * against both emulators): a feed both subscribed to is fetched once per interval and each platform gets
 * its post once.
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
/** Each test that posts has a channel of its own on each platform. */
const CHANNELS = { polls: { discord: '200000000000000001', slack: 'C0NEWS' }, tokens: { discord: '200000000000000002', slack: 'C0TOKENS' } };
const POLL_INTERVAL_SECONDS = 2;

let feeds: FeedServer;
let discord: DiscordEmulator;
let slack: SlackEmulator;
let work: ReturnType<typeof makeWorkDirectory>;
let herald: HeraldProcess;

/** A feed of its own for one test, holding one item before anyone subscribes; `publish` adds one on top. */
function newsFeed(path: string) {
  const published: TestItem[] = [];
  const publish = (guid: string, title: string) => {
    published.unshift({ guid, title, link: `https://news.test/${guid}`, pubDate: new Date() });
    feeds.setFeed(path, makeRss(published, { title: 'Shared News' }));
  };
  publish('old', 'Already there');
  return { path, url: feeds.url(path), publish };
}

/** Subscribes the test's Discord channel and its Slack channel to the feed, as an admin would on each. */
async function subscribeBoth(channels: { discord: string; slack: string }, url: string): Promise<void> {
  const onDiscord = await discord.runCommand({
    guildId: GUILD, channelId: channels.discord, user: DISCORD_ADMIN, permissions: 1n << 5n, name: 'feed', subcommand: 'add', options: { url }, timeoutMs: 20_000,
  });
  expect(onDiscord.content).toMatch(/is now subscribed/);
  const onSlack = await slack.runSlashCommand({ mode: 'socket', command: '/feed', text: `add <${url}>`, channelId: channels.slack, userId: SLACK_ADMIN });
  await onSlack.waitForResponses(1);
  expect(onSlack.visibleText()).toMatch(/is now subscribed/);
}

beforeAll(async () => {
  feeds = await startFeedServer();
  discord = await startDiscordEmulator();
  discord.addGuild({ id: GUILD, name: 'Guild', channels: Object.entries(CHANNELS).map(([name, { discord: id }]) => ({ id, name })) });
  slack = await startSlackEmulator();
  for (const [name, { slack: id }] of Object.entries(CHANNELS)) slack.addChannel({ id, name });
  slack.addUser({ id: SLACK_ADMIN, name: 'ada', isOwner: true });
  work = makeWorkDirectory({ 'herald.yaml': 'subscriptions: []\n' });
  herald = await startHeraldProcess({
    cwd: work.cwd,
    env: {
      DISCORD_TOKEN: discord.token, DISCORD_API_URL: discord.apiBase, DISCORD_GUILD_ID: GUILD,
      SLACK_BOT_TOKEN: slack.botToken, SLACK_APP_TOKEN: slack.appToken, SLACK_API_URL: slack.apiUrl,
      HERALD_POLL_INTERVAL: String(POLL_INTERVAL_SECONDS), HERALD_ALLOW_PRIVATE_URLS: 'true', LOG_LEVEL: 'debug',
    },
  });
}, 60_000);

afterAll(async () => {
  await herald?.stop();
  await discord?.close();
  await slack?.close();
  await feeds?.close();
  work?.remove();
});

describe('Discord and Slack in one process', () => {
  it('starts both adapters', () => {
    expect(herald.stderr()).toMatch(/"platforms":"discord,slack"/);
  });

  it('fetches a feed both platforms follow once per interval, and posts each new item once on each', async () => {
    const { discord: discordChannel, slack: slackChannel } = CHANNELS.polls;
    const feed = newsFeed('/shared.xml');
    await subscribeBoth(CHANNELS.polls, feed.url);

    const since = Date.now();
    feed.publish('fresh', 'Fresh news for everyone');
    await discord.waitForMessages(discordChannel, 1, 15_000);
    await slack.waitForMessages(slackChannel, 1, 15_000);
    await waitUntil(() => Date.now() - since > 6 * POLL_INTERVAL_SECONDS * 1000, 'six poll intervals', 20_000);

    const polls = feeds.requests.filter((request) => request.path === feed.path && request.at >= since).map((request) => request.at);
    const gaps = polls.slice(1).map((at, index) => at - polls[index]!);
    // Polls land on the scheduler's one-second ticks, so an interval of 2 s comes out as 2 to 3 s; two fetches per
    // interval would show as gaps of milliseconds and twice the count.
    expect(polls.length).toBeGreaterThanOrEqual(3);
    expect(polls.length).toBeLessThanOrEqual(7);
    expect(Math.min(...gaps)).toBeGreaterThan(POLL_INTERVAL_SECONDS * 1000 * 0.75);

    expect(discord.messages(discordChannel).map((message) => message.embeds[0]?.title)).toEqual(['Fresh news for everyone']);
    expect(slack.messages(slackChannel).map((message) => message.text)).toEqual([expect.stringContaining('Fresh news for everyone')]);
  });

  it('never writes a token to its output, even at debug level, through commands, polls and posts on both platforms', async () => {
    const feed = newsFeed('/tokens.xml');
    await subscribeBoth(CHANNELS.tokens, feed.url);
    feed.publish('tokens', 'News for the token check');
    await discord.waitForMessages(CHANNELS.tokens.discord, 1, 15_000);
    await slack.waitForMessages(CHANNELS.tokens.slack, 1, 15_000);
    const output = herald.stdout() + herald.stderr();
    expect(output).toMatch(/"level":"debug"/);
    for (const secret of [discord.token, slack.botToken, slack.appToken]) expect(output).not.toContain(secret);
  });
});
