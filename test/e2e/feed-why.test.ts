/**
 * /feed why, as a member would use it on each platform: Herald runs as a real process (`herald start`) against the
 * Discord or Slack emulator and a local feed server; an admin subscribes a channel with a rule, the feed publishes
 * one item that matches and one that does not, and a member asks why for each link. Each test has its own feed
 * and channel.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDiscordEmulator } from '../emulators/discord/server.ts';
import type { DiscordEmulator } from '../emulators/discord/server.ts';
import { startSlackEmulator } from '../emulators/slack/server.ts';
import type { SlackEmulator } from '../emulators/slack/server.ts';
import { makeRss } from '../emulators/feed-documents.ts';
import type { TestItem } from '../emulators/feed-documents.ts';
import { startFeedServer } from '../emulators/feed-server.ts';
import type { FeedServer } from '../emulators/feed-server.ts';
import { waitUntil } from '../support/wait-until.ts';
import { makeWorkDirectory, startHeraldProcess } from './herald-process.ts';
import type { HeraldProcess } from './herald-process.ts';

const RULE = 'kafka OR "event streaming"';
const MISSED = 'not posted: no term matched: needs "kafka" or "event streaming"';

/** A feed of its own for one test: a baseline item now, `publish` puts new ones on top. */
function testFeed(feeds: FeedServer, path: string) {
  const items: TestItem[] = [];
  const publish = (...added: Array<{ guid: string; title: string }>) => {
    for (const item of added) items.unshift({ ...item, link: `https://blog.test${path}/${item.guid}`, pubDate: new Date() });
    feeds.setFeed(path, makeRss(items, { title: 'Data Eng Weekly' }));
  };
  publish({ guid: 'baseline', title: 'Gardening tips' });
  return { url: feeds.url(path), link: (guid: string) => `https://blog.test${path}/${guid}`, publish };
}

const HERALD_ENV = { HERALD_STORE: 'sqlite://data/herald.sqlite', HERALD_POLL_INTERVAL: '1', HERALD_ALLOW_PRIVATE_URLS: 'true' };

describe('Discord: /feed why', () => {
  const GUILD = '100000000000000009';
  const ADMIN = { id: '300000000000000001', name: 'admin' };
  const MEMBER = { id: '300000000000000002', name: 'member' };
  const MANAGE_GUILD = 1n << 5n;
  let feeds: FeedServer;
  let discord: DiscordEmulator;
  let work: ReturnType<typeof makeWorkDirectory>;
  let herald: HeraldProcess;

  beforeAll(async () => {
    feeds = await startFeedServer();
    discord = await startDiscordEmulator();
    discord.addGuild({ id: GUILD, name: 'Data People', channels: [{ id: '200000000000000011', name: 'data-eng' }, { id: '200000000000000012', name: 'quiet' }] });
    work = makeWorkDirectory({ 'herald.yaml': 'subscriptions: []\n' });
    herald = await startHeraldProcess({ cwd: work.cwd, env: { DISCORD_TOKEN: discord.token, DISCORD_API_URL: discord.apiBase, DISCORD_GUILD_ID: GUILD, ...HERALD_ENV } });
  }, 60_000);

  afterAll(async () => {
    await herald?.stop();
    await discord?.close();
    await feeds?.close();
    work?.remove();
  });

  const command = (channelId: string, subcommand: string, options: Record<string, string>, user = MEMBER) =>
    discord.runCommand({ guildId: GUILD, channelId, user, permissions: user === ADMIN ? MANAGE_GUILD : 0n, name: 'feed', subcommand, options, timeoutMs: 20_000 });

  it('shows a matching item as matched and posted, and a missed one as not posted with the terms it needed', async () => {
    const channel = '200000000000000011';
    const feed = testFeed(feeds, '/why-discord.xml');
    const added = await command(channel, 'add', { url: feed.url, filter: RULE }, ADMIN);
    expect(added.content).toContain('is now subscribed');
    const id = /\(id `([a-z0-9]+)`\)/u.exec(added.content)?.[1];

    feed.publish({ guid: 'kafka-4', title: 'Kafka 4.0 released' }, { guid: 'tomatoes', title: 'Growing tomatoes' });
    await discord.waitForMessages(channel, 1, 15_000);
    // The post is recorded as sent just after the platform took it.
    const posted = await waitUntil(async () => {
      const answer = await command(channel, 'why', { link: `<${feed.link('kafka-4')}/>` });
      return answer.content.includes('✅') ? answer : undefined;
    }, '/feed why to show the post as sent');
    expect(posted.ephemeral).toBe(true);
    expect(posted.content).toContain('Kafka 4.0 released');
    expect(posted.content).toContain('first seen in Data Eng Weekly');
    expect(posted.content).toMatch(new RegExp(`✅ \`${id}\` <#${channel}>: posted \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC; matched "kafka" in title`, 'u'));

    const missed = await command(channel, 'why', { link: feed.link('tomatoes').replace('https:', 'http:') });
    expect(missed.content).toContain('Growing tomatoes');
    expect(missed.content).toContain(`❌ \`${id}\` <#${channel}>: ${MISSED}`);
    expect(discord.messages(channel).map((message) => message.embeds[0]?.title)).toEqual(['Kafka 4.0 released']);
  });

  it('says when no feed followed here had the link, and points to /feed preview', async () => {
    const answer = await command('200000000000000012', 'why', { link: 'https://nowhere.test/post' });
    expect(answer.content).toContain('No feed followed here has had an item with the link `https://nowhere.test/post`');
    expect(answer.content).toContain('/feed preview');
  });
});

describe('Slack: /feed why', () => {
  const ADMIN = 'U0ADMIN';
  const MEMBER = 'U0MEMBER';
  let feeds: FeedServer;
  let slack: SlackEmulator;
  let work: ReturnType<typeof makeWorkDirectory>;
  let herald: HeraldProcess;

  beforeAll(async () => {
    feeds = await startFeedServer();
    slack = await startSlackEmulator();
    slack.addChannel({ id: 'C0DATAENG', name: 'data-eng' });
    slack.addChannel({ id: 'C0QUIET', name: 'quiet' });
    slack.addUser({ id: ADMIN, name: 'ada', isAdmin: true });
    slack.addUser({ id: MEMBER, name: 'mel' });
    work = makeWorkDirectory({ 'herald.yaml': 'subscriptions: []\n' });
    herald = await startHeraldProcess({ cwd: work.cwd, env: { SLACK_BOT_TOKEN: slack.botToken, SLACK_APP_TOKEN: slack.appToken, SLACK_API_URL: slack.apiUrl, ...HERALD_ENV } });
  }, 60_000);

  afterAll(async () => {
    await herald?.stop();
    await slack?.close();
    await feeds?.close();
    work?.remove();
  });

  const feed = (channelId: string, text: string, userId = MEMBER) => slack.runSlashCommand({ mode: 'socket', command: '/feed', text, channelId, userId });

  it('shows a matching item as matched and posted, and a missed one as not posted with the terms it needed', async () => {
    const channel = 'C0DATAENG';
    const source = testFeed(feeds, '/why-slack.xml');
    const added = await feed(channel, `add <${source.url}> ${RULE}`, ADMIN);
    const [confirmation] = await added.waitForResponses(1);
    expect(confirmation!.text).toContain('is now subscribed');
    const id = /\(id `([a-z0-9]+)`\)/u.exec(String(confirmation!.text))?.[1];

    source.publish({ guid: 'kafka-4', title: 'Kafka 4.0 released' }, { guid: 'tomatoes', title: 'Growing tomatoes' });
    await waitUntil(() => slack.messages(channel).length >= 1, 'the matching item posted');
    // Slack sends a pasted link as <url>; the post is recorded as sent just after Slack took it.
    const posted = await waitUntil(async () => {
      const text = (await feed(channel, `why <${source.link('kafka-4')}>`)).visibleText();
      return text.includes('✅') ? text : undefined;
    }, '/feed why to show the post as sent');
    expect(posted).toContain('Kafka 4.0 released');
    expect(posted).toContain('first seen in Data Eng Weekly');
    expect(posted).toMatch(new RegExp(`✅ \`${id}\` <#${channel}>: posted \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC; matched "kafka" in title`, 'u'));

    const missed = (await feed(channel, `why <${source.link('tomatoes')}/|blog.test/tomatoes>`)).visibleText();
    expect(missed).toContain('Growing tomatoes');
    expect(missed).toContain(`❌ \`${id}\` <#${channel}>: ${MISSED}`);
    expect(slack.messages(channel).map((message) => String(message.text))).toEqual([expect.stringContaining('Kafka 4.0 released')]);
  });

  it('says when no feed followed here had the link, and points to /feed preview', async () => {
    const answer = (await feed('C0QUIET', 'why <https://nowhere.test/post>')).visibleText();
    expect(answer).toContain('No feed followed here has had an item with the link `https://nowhere.test/post`');
    expect(answer).toContain('/feed preview');
  });
});
