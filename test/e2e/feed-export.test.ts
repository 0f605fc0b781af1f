/**
 * Moving in and out in one step, on both platforms with the real Herald process: a feed reader's OPML list is
 * imported with `herald opml import` into a channel, and `/feed export` hands back an OPML file of a channel's or
 * the whole server's/workspace's subscriptions with their filters: on Discord as an attachment of the interaction
 * reply (multipart/form-data), on Slack as a file shared in the channel (the external upload), or as text when the
 * bot may not share files there.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseOpml } from '../../src/feeds/opml.ts';
import { runCli } from '../../src/run-cli.ts';
import { startDiscordEmulator } from '../emulators/discord/server.ts';
import type { DiscordEmulator } from '../emulators/discord/server.ts';
import { makeRss } from '../emulators/feed-documents.ts';
import { startFeedServer } from '../emulators/feed-server.ts';
import type { FeedServer } from '../emulators/feed-server.ts';
import { startSlackEmulator } from '../emulators/slack/server.ts';
import type { SlackEmulator } from '../emulators/slack/server.ts';
import { makeWorkDirectory, startHeraldProcess } from './herald-process.ts';
import type { HeraldProcess } from './herald-process.ts';

const GUILD = '100000000000000077';
const DISCORD_NEWS = '200000000000000071';
const DISCORD_OPS = '200000000000000072';
const DISCORD_EMPTY = '200000000000000073';
const MEMBER = { id: '300000000000000071', name: 'member' };
const SLACK_NEWS = 'C0NEWS';
const SLACK_OPS = 'C0OPS';
const SLACK_OUTSIDE = 'C0OUTSIDE';

let feeds: FeedServer;
let discord: DiscordEmulator;
let slack: SlackEmulator;
let work: ReturnType<typeof makeWorkDirectory>;
let herald: HeraldProcess;
const STORE = 'sqlite://data/herald.sqlite';

function readerList(entries: Array<{ path: string; title: string; rule?: string }>): string {
  const outlines = entries.map((entry) => `      <outline type="rss" text="${entry.title.replace(/&/g, '&amp;')}" xmlUrl="${feeds.url(entry.path)}"${entry.rule ? ` herald:rule="${entry.rule.replace(/"/g, '&quot;')}"` : ''}/>`);
  return `<?xml version="1.0"?>\n<opml version="2.0" xmlns:herald="https://github.com/herald-bot/herald/opml"><head><title>Reader</title></head><body>\n    <outline text="Folder">\n${outlines.join('\n')}\n    </outline>\n</body></opml>\n`;
}

async function importInto(platform: string, workspace: string, channel: string, list: string): Promise<string> {
  const file = path.join(work.cwd, `${platform}-${channel}.opml`);
  writeFileSync(file, list);
  let stdout = '';
  const code = await runCli(['opml', 'import', file, '--platform', platform, '--workspace', workspace, '--channel', channel], {
    stdout: { write: (text: string) => (stdout += text) }, stderr: { write: () => true },
    env: { HERALD_CONFIG: path.join(work.cwd, 'herald.yaml'), HERALD_STORE: STORE, HERALD_ALLOW_PRIVATE_URLS: 'true' }, cwd: work.cwd,
  });
  expect(code, stdout).toBe(0);
  return stdout;
}

beforeAll(async () => {
  feeds = await startFeedServer();
  for (const [feedPath, title] of [['/kafka.xml', 'Kafka & Friends'], ['/rust.xml', 'Rust "Weekly"'], ['/ops.xml', 'Ops & Notes']] as const) {
    feeds.setFeed(feedPath, makeRss([{ guid: `${feedPath}-1`, title: 'An old item', link: `https://x.test${feedPath}/1`, pubDate: new Date() }], { title }));
  }
  discord = await startDiscordEmulator();
  discord.addGuild({ id: GUILD, name: 'Export Server', channels: [{ id: DISCORD_NEWS, name: 'news' }, { id: DISCORD_OPS, name: 'ops' }, { id: DISCORD_EMPTY, name: 'empty' }] });
  slack = await startSlackEmulator();
  slack.addChannel({ id: SLACK_NEWS, name: 'news' });
  slack.addChannel({ id: SLACK_OPS, name: 'ops' });
  slack.addChannel({ id: SLACK_OUTSIDE, name: 'outside', botIsMember: false });
  work = makeWorkDirectory({ 'herald.yaml': 'subscriptions: []\n' });

  const news = readerList([{ path: '/kafka.xml', title: 'Kafka & Friends', rule: 'kafka -title:"sponsored post"' }, { path: '/rust.xml', title: 'Rust "Weekly"' }]);
  const ops = readerList([{ path: '/ops.xml', title: 'Ops & Notes', rule: 'outage OR incident' }]);
  expect(await importInto('discord', GUILD, DISCORD_NEWS, news)).toMatch(/^\[2\/2\] added Rust "Weekly"/m);
  await importInto('discord', GUILD, DISCORD_OPS, ops);
  await importInto('slack', slack.teamId, SLACK_NEWS, news);
  await importInto('slack', slack.teamId, SLACK_OPS, ops);
  await importInto('slack', slack.teamId, SLACK_OUTSIDE, ops);

  herald = await startHeraldProcess({
    cwd: work.cwd,
    env: {
      DISCORD_TOKEN: discord.token, DISCORD_API_URL: discord.apiBase, DISCORD_GUILD_ID: GUILD,
      SLACK_BOT_TOKEN: slack.botToken, SLACK_APP_TOKEN: slack.appToken, SLACK_API_URL: slack.apiUrl,
      HERALD_STORE: STORE, HERALD_POLL_INTERVAL: '60', HERALD_ALLOW_PRIVATE_URLS: 'true',
    },
  });
  await slack.waitForSocketConnection(20_000);
}, 90_000);

afterAll(async () => {
  await herald?.stop();
  await discord?.close();
  await slack?.close();
  await feeds?.close();
  work?.remove();
});

const NEWS_FEEDS = () => [
  { xmlUrl: feeds.url('/kafka.xml'), title: 'Kafka & Friends', rule: 'kafka -title:"sponsored post"' },
  { xmlUrl: feeds.url('/rust.xml'), title: 'Rust "Weekly"', rule: undefined },
];
const OPS_FEED = () => ({ xmlUrl: feeds.url('/ops.xml'), title: 'Ops & Notes', rule: 'outage OR incident' });
const summary = (text: string) => parseOpml(text).feeds.map(({ xmlUrl, title, rule }) => ({ xmlUrl, title, rule }));

describe('Discord: /feed export', () => {
  const exportFrom = (channelId: string, options: Record<string, { channelId: string }> = {}) =>
    discord.runCommand({ guildId: GUILD, channelId, user: MEMBER, permissions: 0n, name: 'feed', subcommand: 'export', options, timeoutMs: 20_000 });

  it("replies to a member with an OPML file of the whole server's subscriptions, filters kept", async () => {
    const answer = await exportFrom(DISCORD_EMPTY);
    expect(answer.ephemeral).toBe(true);
    expect(answer.content).toMatch(/3 subscriptions as OPML, filters kept/);
    expect(answer.attachments).toHaveLength(1);
    const [file] = answer.attachments;
    expect(file).toMatchObject({ filename: 'herald-subscriptions.opml', shown: true });
    expect(summary(file!.text)).toEqual([...NEWS_FEEDS(), OPS_FEED()]);
    // One folder per channel; imported from the command line, a subscription knows its channel by id only.
    expect(parseOpml(file!.text).feeds.map((feed) => feed.folders[0])).toEqual([`#${DISCORD_NEWS}`, `#${DISCORD_NEWS}`, `#${DISCORD_OPS}`]);
  }, 30_000);

  it("exports only one channel's subscriptions when asked, and says when there are none", async () => {
    const answer = await exportFrom(DISCORD_EMPTY, { channel: { channelId: DISCORD_OPS } });
    expect(answer.content).toMatch(/1 subscription of <#200000000000000072> as OPML/);
    expect(answer.attachments[0]?.filename).toBe('herald-ops.opml');
    expect(summary(answer.attachments[0]!.text)).toEqual([OPS_FEED()]);

    const none = await exportFrom(DISCORD_NEWS, { channel: { channelId: DISCORD_EMPTY } });
    expect(none.content).toMatch(/No subscriptions in <#200000000000000073> to export/);
    expect(none.attachments).toEqual([]);
  }, 30_000);
});

describe('Slack: /feed export', () => {
  const exportFrom = (channelId: string, text = 'export') =>
    slack.runSlashCommand({ mode: 'socket', command: '/feed', text, channelId, userId: slack.defaultUserId });

  it('shares an OPML file of the workspace\'s subscriptions in the channel through the external upload', async () => {
    const result = await exportFrom(SLACK_NEWS);
    const [file] = await slack.waitForFiles(SLACK_NEWS, 1, 20_000);
    expect(file).toMatchObject({ filename: 'herald-subscriptions.opml', channelId: SLACK_NEWS });
    expect(summary(file!.content.toString('utf8'))).toEqual([...NEWS_FEEDS(), OPS_FEED(), OPS_FEED()]);
    expect(slack.calls('files.getUploadURLExternal').filter((call) => call.ok)).not.toHaveLength(0);
    await expect.poll(() => result.visibleText(), { timeout: 10_000 }).toMatch(/4 subscriptions as OPML.*\n.*The file herald-subscriptions\.opml is shared in this channel/);
  }, 30_000);

  it("exports one channel's subscriptions named with <#channel>", async () => {
    await exportFrom(SLACK_OPS, `export <#${SLACK_NEWS}|news>`);
    const [file] = await slack.waitForFiles(SLACK_OPS, 1, 20_000);
    expect(file?.filename).toBe('herald-news.opml');
    expect(summary(file!.content.toString('utf8'))).toEqual(NEWS_FEEDS());
  }, 30_000);

  it('answers with the OPML as text, and says why, in a channel the bot is not in', async () => {
    const result = await exportFrom(SLACK_OUTSIDE, `export <#${SLACK_OUTSIDE}|outside>`);
    await expect.poll(() => result.visibleText(), { timeout: 20_000 }).toMatch(/Could not attach herald-outside\.opml: not_in_channel \(invite Herald to this channel/);
    expect(result.visibleText()).toContain(feeds.url('/ops.xml'));
    expect(slack.files(SLACK_OUTSIDE)).toEqual([]);
  }, 30_000);
});
