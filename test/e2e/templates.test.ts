/**
 * Templates as a manager uses them, on both platforms at once: one real Herald process (real discord.js and
 * Bolt inside) against the Discord and Slack emulators and a local feed server. `/feed format` sets a layout, a new
 * item is posted in it with the feed's hostile text escaped, an unknown placeholder is refused with a did-you-mean,
 * `default` goes back to Herald's layout, and `/feed preview` shows a template on a feed's items.
 * Each test has its own feed and channel, so none depends on another's posts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDiscordEmulator } from '../emulators/discord/server.ts';
import type { DiscordEmulator, InteractionReply } from '../emulators/discord/server.ts';
import { makeRss } from '../emulators/feed-documents.ts';
import type { TestItem } from '../emulators/feed-documents.ts';
import { startFeedServer } from '../emulators/feed-server.ts';
import type { FeedServer } from '../emulators/feed-server.ts';
import { startSlackEmulator } from '../emulators/slack/server.ts';
import type { PostedMessage, SlackEmulator } from '../emulators/slack/server.ts';
import { waitUntil } from '../support/wait-until.ts';
import { makeWorkDirectory, startHeraldProcess } from './herald-process.ts';
import type { HeraldProcess } from './herald-process.ts';

const GUILD = '100000000000000001';
const DISCORD_ADMIN = { id: '300000000000000001', name: 'admin' };
const MANAGE_GUILD = 1n << 5n;
const SLACK_ADMIN = 'U0ADMIN';
const DISCORD_CHANNELS = ['200000000000000001', '200000000000000002', '200000000000000003', '200000000000000004'];
const SLACK_CHANNELS = ['C0ONE', 'C0TWO', 'C0THREE', 'C0FOUR'];

/** Feed text that tries everything: a broadcast on each platform, markdown, a masked link, Slack tokens. */
const HOSTILE_SUMMARY = '@everyone **free** [x](http://evil.test) &lt;!channel&gt; &lt;@U0ADMIN&gt; @here';

let feeds: FeedServer;
let discord: DiscordEmulator;
let slack: SlackEmulator;
let work: ReturnType<typeof makeWorkDirectory>;
let herald: HeraldProcess;
const documents = new Map<string, TestItem[]>();
let nextFeed = 0;

/** A feed of its own for one test, holding one item that is there before anyone subscribes. */
function newFeed(): string {
  const path = `/feed-${(nextFeed += 1)}.xml`;
  documents.set(path, []);
  publish(path, { guid: 'old', title: 'Already there', description: 'old news' });
  return path;
}

/** Adds an item dated now (older items than a subscription are never posted to it); returns its date in seconds. */
function publish(path: string, item: Omit<TestItem, 'pubDate' | 'link'> & { guid: string }): number {
  const items = documents.get(path)!;
  const seconds = Math.floor(Date.now() / 1000);
  items.unshift({ link: `https://news.test/${path.slice(1, -4)}/${item.guid}`, pubDate: new Date(seconds * 1000), ...item });
  feeds.setFeed(path, makeRss(items, { title: 'Night Desk' }));
  return seconds;
}

function utcText(seconds: number): string {
  return `${new Date(seconds * 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

async function waitForPolls(path: string, count: number): Promise<void> {
  const target = feeds.requestsTo(path) + count;
  await waitUntil(() => feeds.requestsTo(path) >= target, `${count} more polls of ${path}`);
}

function onDiscord(channelId: string, subcommand: string, options: Record<string, string>): Promise<InteractionReply> {
  return discord.runCommand({ guildId: GUILD, channelId, user: DISCORD_ADMIN, permissions: MANAGE_GUILD, name: 'feed', subcommand, options, timeoutMs: 20_000 });
}

async function onSlack(channelId: string, text: string, responses = 0): Promise<string> {
  const result = await slack.runSlashCommand({ mode: 'socket', command: '/feed', text, channelId, userId: SLACK_ADMIN });
  if (responses > 0) await result.waitForResponses(responses);
  return result.visibleText();
}

function subscriptionIdIn(answer: string): string {
  const id = /\(id `([a-z0-9]+)`\)/u.exec(answer)?.[1];
  if (id === undefined) throw new Error(`no subscription id in ${answer}`);
  return id;
}

async function subscribeOnDiscord(channelId: string, path: string): Promise<string> {
  return subscriptionIdIn((await onDiscord(channelId, 'add', { url: feeds.url(path) })).content);
}

async function subscribeOnSlack(channelId: string, path: string): Promise<string> {
  return subscriptionIdIn(await onSlack(channelId, `add <${feeds.url(path)}>`, 1));
}

const slackSection = (message: PostedMessage) => String((message.blocks?.[0] as { text?: { text?: string } } | undefined)?.text?.text);

beforeAll(async () => {
  feeds = await startFeedServer();
  discord = await startDiscordEmulator();
  discord.addGuild({ id: GUILD, name: 'Guild', channels: DISCORD_CHANNELS.map((id, index) => ({ id, name: `news-${index}` })) });
  slack = await startSlackEmulator();
  for (const [index, id] of SLACK_CHANNELS.entries()) slack.addChannel({ id, name: `news-${index}` });
  slack.addUser({ id: SLACK_ADMIN, name: 'ada', isAdmin: true });
  work = makeWorkDirectory({ 'herald.yaml': 'subscriptions: []\n' });
  herald = await startHeraldProcess({
    cwd: work.cwd,
    env: {
      DISCORD_TOKEN: discord.token, DISCORD_API_URL: discord.apiBase, DISCORD_GUILD_ID: GUILD,
      SLACK_BOT_TOKEN: slack.botToken, SLACK_APP_TOKEN: slack.appToken, SLACK_API_URL: slack.apiUrl,
      HERALD_POLL_INTERVAL: '1', HERALD_ALLOW_PRIVATE_URLS: 'true', LOG_LEVEL: 'debug',
    },
    // Starting both adapters from source takes a while on a loaded machine.
    readyTimeoutMs: 50_000,
  });
}, 60_000);

afterAll(async () => {
  await herald?.stop();
  await discord?.close();
  await slack?.close();
  await feeds?.close();
  work?.remove();
});

describe('Discord: /feed format', () => {
  it('lays out the next post with the template, the feed text escaped and pinging nobody', async () => {
    const channel = DISCORD_CHANNELS[0]!;
    const path = newFeed();
    const id = await subscribeOnDiscord(channel, path);
    const set = await onDiscord(channel, 'format', { subscription: id, template: '**{author}** on {date}:\\n{summary:60}' });
    expect(set.content).toContain(`New posts of \`${id}\``);
    expect(set.content).toContain('**{author}** on {date}:\\n{summary:60}');

    const itemSeconds = publish(path, { guid: 'fresh', title: 'Night shift', author: 'Ada *the* Admin', description: HOSTILE_SUMMARY });
    const [post] = await discord.waitForMessages(channel, 1, 15_000);
    const embed = post!.embeds[0] as { title: string; url: string; description: string };
    expect(embed.title).toBe('Night shift');
    expect(embed.url).toMatch(/\/fresh$/u);
    expect(embed.description).toBe(`**Ada \\*the\\* Admin** on <t:${itemSeconds}:f>:\n@\u200beveryone \\*\\*free\\*\\* \\[x\\](http://evil.test) <!channel>…`);
    expect(post!.allowed_mentions).toEqual({ parse: [] });
  });

  it('refuses an unknown placeholder with a did-you-mean, and keeps the layout it had', async () => {
    const channel = DISCORD_CHANNELS[1]!;
    const id = await subscribeOnDiscord(channel, newFeed());
    await onDiscord(channel, 'format', { subscription: id, template: '{title}!' });
    const refused = await onDiscord(channel, 'format', { subscription: id, template: '{titel} by {author}' });
    expect(refused.content).toContain('Unknown placeholder `{titel}` at character 1. Did you mean `{title}`?');
    expect((await onDiscord(channel, 'format', { subscription: id })).content).toContain('is laid out as `{title}!`');
  });

  it('goes back to the summary with default, without posting anything again', async () => {
    const channel = DISCORD_CHANNELS[2]!;
    const path = newFeed();
    const id = await subscribeOnDiscord(channel, path);
    await onDiscord(channel, 'format', { subscription: id, template: 'by {author}' });
    publish(path, { guid: 'first', title: 'First', author: 'Ann', description: 'First summary' });
    await discord.waitForMessages(channel, 1, 15_000);

    expect((await onDiscord(channel, 'format', { subscription: id, template: 'default' })).content).toContain("is posted in Herald's own layout again");
    publish(path, { guid: 'second', title: 'Second', author: 'Ann', description: 'Second summary' });
    await discord.waitForMessages(channel, 2, 15_000);
    await waitForPolls(path, 2);
    const descriptions = discord.messages(channel).map((message) => (message.embeds[0] as { description?: string }).description);
    expect(descriptions).toEqual(['by Ann', 'Second summary']);
  });

  it('previews a template on the latest items', async () => {
    const path = newFeed();
    publish(path, { guid: 'p', title: 'Preview me', author: 'Bo', description: 'Preview **summary**' });
    const answer = await onDiscord(DISCORD_CHANNELS[3]!, 'preview', { url: feeds.url(path), template: '{author}: {summary}' });
    expect(answer.content).toContain('Laid out as `{author}: {summary}`');
    expect(answer.content).toContain('> Bo: Preview \\*\\*summary\\*\\*');
    // The old item has no author: its placeholder is left empty.
    expect(answer.content).toContain('> : old news');
    const refused = await onDiscord(DISCORD_CHANNELS[3]!, 'preview', { url: feeds.url(path), template: '{sumary}' });
    expect(refused.content).toContain('Did you mean `{summary}`?');
  });
});

describe('Slack: /feed format', () => {
  it('lays out the next post with the template under the linked title, the feed text escaped', async () => {
    const channel = SLACK_CHANNELS[0]!;
    const path = newFeed();
    const id = await subscribeOnSlack(channel, path);
    const set = await onSlack(channel, `format ${id} *{author}* on {date}: {summary:60} {link}`);
    expect(set).toContain(`New posts of \`${id}\``);

    const itemSeconds = publish(path, { guid: 'fresh', title: 'Night shift', author: 'Ada *the* Admin', description: HOSTILE_SUMMARY });
    const [post] = await slack.waitForMessages(channel, 1, 15_000);
    const [heading, body] = slackSection(post!).split('\n');
    expect(heading).toMatch(/^\*<https:\/\/news\.test\/feed-\d+\/fresh\|Night shift>\*$/u);
    expect(body).toMatch(
      new RegExp(`^\\*Ada \u2217the\u2217 Admin\\* on <!date\\^${itemSeconds}\\^\\{date_short_pretty\\} \\{time\\}\\|${utcText(itemSeconds)}>: @\u2060everyone \u2217\u2217free\u2217\u2217 \\[x\\]\\(http://evil\\.test\\) &lt;!channel&gt;… <https://news\\.test/feed-\\d+/fresh>$`, 'u'),
    );
  });

  it('refuses an unknown placeholder with a did-you-mean', async () => {
    const channel = SLACK_CHANNELS[1]!;
    const id = await subscribeOnSlack(channel, newFeed());
    expect(await onSlack(channel, `format ${id} {title} {sumary:100}`)).toContain('Unknown placeholder `{sumary:100}` at character 9. Did you mean `{summary}`?');
    expect(await onSlack(channel, `format ${id}`)).toContain("is posted in Herald's own layout");
  });

  it('goes back to the summary with default, without posting anything again', async () => {
    const channel = SLACK_CHANNELS[2]!;
    const path = newFeed();
    const id = await subscribeOnSlack(channel, path);
    await onSlack(channel, `format ${id} by {author}`);
    publish(path, { guid: 'first', title: 'First', author: 'Ann', description: 'First summary' });
    await slack.waitForMessages(channel, 1, 15_000);

    expect(await onSlack(channel, `format ${id} default`)).toContain("is posted in Herald's own layout again");
    publish(path, { guid: 'second', title: 'Second', author: 'Ann', description: 'Second summary' });
    await slack.waitForMessages(channel, 2, 15_000);
    await waitForPolls(path, 2);
    expect(slack.messages(channel).map((message) => slackSection(message).split('\n')[1])).toEqual(['by Ann', 'Second summary']);
  });

  it('previews a filter and a template on the latest items', async () => {
    const path = newFeed();
    publish(path, { guid: 'p', title: 'Preview me', author: 'Bo', description: 'Preview *summary*' });
    const answer = await onSlack(SLACK_CHANNELS[3]!, `preview <${feeds.url(path)}> preview template: _{author}_ {summary}`, 1);
    expect(answer).toContain('→ 1 would be posted');
    expect(answer).toContain('Laid out as `_{author}_ {summary}`');
    expect(answer).toContain('>_Bo_ Preview \u2217summary\u2217');
  });
});
