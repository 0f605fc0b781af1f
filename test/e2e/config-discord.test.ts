/**
 * Subscriptions declared in herald.yaml for a Discord server and a Slack workspace, as their admins meet them:
 * /feed list shows one with where it is declared, and /feed remove refuses it and says to edit the file, while it
 * goes on posting (one real bot process serving both, against the Discord and Slack emulators).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDiscordEmulator } from '../emulators/discord/server.ts';
import type { DiscordEmulator } from '../emulators/discord/server.ts';
import { makeRss } from '../emulators/feed-documents.ts';
import { startFeedServer } from '../emulators/feed-server.ts';
import type { FeedServer } from '../emulators/feed-server.ts';
import { startSlackEmulator } from '../emulators/slack/server.ts';
import type { SlackEmulator } from '../emulators/slack/server.ts';
import { waitUntil } from '../support/wait-until.ts';
import { makeWorkDirectory, startHeraldProcess } from './herald-process.ts';
import type { HeraldProcess } from './herald-process.ts';

const GUILD = '100000000000000071';
const CHANNEL = '200000000000000071';
const ADMIN = { id: '300000000000000071', name: 'admin' };
const MANAGE_GUILD = 1n << 5n;
const SLACK_CHANNEL = 'C0DECLARED';
const SLACK_ADMIN = 'U0ADMIN';
const SLACK_FEED = '/declared-slack.xml';

let feeds: FeedServer;
let discord: DiscordEmulator;
let slack: SlackEmulator;
let work: ReturnType<typeof makeWorkDirectory>;
let herald: HeraldProcess;

beforeAll(async () => {
  feeds = await startFeedServer();
  discord = await startDiscordEmulator();
  discord.addGuild({ id: GUILD, name: 'Config People', channels: [{ id: CHANNEL, name: 'news' }] });
  slack = await startSlackEmulator();
  slack.addChannel({ id: SLACK_CHANNEL, name: 'declared' });
  slack.addUser({ id: SLACK_ADMIN, name: 'ada', isAdmin: true });
  feeds.setFeed('/declared.xml', makeRss([], { title: 'Declared Feed' }));
  feeds.setFeed(SLACK_FEED, makeRss([], { title: 'Declared Slack Feed' }));
  work = makeWorkDirectory({
    'herald.yaml': [
      'subscriptions:',
      `  - url: ${feeds.url('/declared.xml')}`, '    platform: discord', `    workspace: "${GUILD}"`, `    channel: "${CHANNEL}"`, '    rule: kafka',
      `  - url: ${feeds.url(SLACK_FEED)}`, '    platform: slack', `    workspace: ${slack.teamId}`, `    channel: ${SLACK_CHANNEL}`, '    rule: kafka',
      '',
    ].join('\n'),
  });
  // No HERALD_ALLOW_PRIVATE_URLS: the file's loopback feeds are the operator's choice.
  herald = await startHeraldProcess({
    cwd: work.cwd,
    env: {
      DISCORD_TOKEN: discord.token, DISCORD_API_URL: discord.apiBase, DISCORD_GUILD_ID: GUILD,
      SLACK_BOT_TOKEN: slack.botToken, SLACK_APP_TOKEN: slack.appToken, SLACK_API_URL: slack.apiUrl,
      HERALD_STORE: 'sqlite://data/herald.sqlite', HERALD_POLL_INTERVAL: '1',
    },
    readyTimeoutMs: 60_000,
  });
  await slack.waitForSocketConnection(30_000);
}, 120_000);

afterAll(async () => {
  await herald?.stop();
  await discord?.close();
  await slack?.close();
  await feeds?.close();
  work?.remove();
});

const command = (subcommand: string, options: Record<string, string>) =>
  discord.runCommand({ guildId: GUILD, channelId: CHANNEL, user: ADMIN, permissions: MANAGE_GUILD, name: 'feed', subcommand, options, timeoutMs: 30_000 });

describe('Discord: a subscription from the config file', () => {
  it('is listed as from the file, and /feed remove refuses it, saying where to change it', async () => {
    const list = await command('list', {});
    expect(list.content).toMatch(/📄 from herald\.yaml:2/);
    const id = /`(cfg-[0-9a-f]+)`/.exec(list.content ?? '')?.[1];
    expect(id).toBeDefined();

    const refused = await command('remove', { subscription: id! });
    expect(refused.content).toContain(`\`${id}\` is declared in the config file (herald.yaml:2), so it is removed there`);
    expect((await command('list', {})).content).toContain(id!);
  }, 90_000);
});

describe('Slack: a subscription from the config file', () => {
  it('is refused by /feed remove, saying where to change it, and goes on posting', async () => {
    const feed = async (text: string) => slack.runSlashCommand({ mode: 'socket', command: '/feed', text, channelId: SLACK_CHANNEL, userId: SLACK_ADMIN });
    const id = /`(cfg-[0-9a-f]+)`/.exec((await feed('list')).visibleText())?.[1];
    expect(id).toBeDefined();

    const refused = await feed(`remove ${id}`);
    expect(refused.ack?.response_type).toBe('ephemeral');
    expect(refused.visibleText()).toContain(`\`${id}\` is declared in the config file (herald.yaml:7), so it is removed there: edit that entry`);

    // Polled since (its baseline is taken), then a matching item: posted, so the refusal removed nothing.
    const polls = feeds.requestsTo(SLACK_FEED);
    await waitUntil(() => feeds.requestsTo(SLACK_FEED) >= polls + 2, 'two more polls of the declared feed', 30_000);
    feeds.setFeed(SLACK_FEED, makeRss([{ guid: 'k1', title: 'Kafka after the refusal', link: 'https://news.test/k1', pubDate: new Date() }], { title: 'Declared Slack Feed' }));
    const [posted] = await slack.waitForMessages(SLACK_CHANNEL, 1, 30_000);
    expect(posted!.text).toMatch(/Kafka after the refusal/);
  }, 90_000);
});
