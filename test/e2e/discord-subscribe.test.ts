/**
 * The first working path, as a server admin and members would see it: Herald runs as a real process
 * (`herald start`) against the Discord emulator (real discord.js inside Herald) and a local feed server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDiscordEmulator } from '../emulators/discord/server.ts';
import type { DiscordEmulator, InteractionReply } from '../emulators/discord/server.ts';
import { makeRss } from '../emulators/feed-documents.ts';
import type { TestItem } from '../emulators/feed-documents.ts';
import { startFeedServer } from '../emulators/feed-server.ts';
import type { FeedServer } from '../emulators/feed-server.ts';
import { waitUntil } from '../support/wait-until.ts';
import { makeWorkDirectory, runHeraldToEnd, startHeraldProcess } from './herald-process.ts';
import type { HeraldProcess } from './herald-process.ts';

const GUILD = '100000000000000001';
const DATA_ENG = '200000000000000001';
const GENERAL = '200000000000000002';
const DOOMED = '200000000000000003';
const MANAGE_GUILD = 1n << 5n;
const ADMIN = { id: '300000000000000001', name: 'admin' };
const MEMBER = { id: '300000000000000002', name: 'member' };
const FEED_PATH = '/data-eng.xml';

let feeds: FeedServer;
let discord: DiscordEmulator;
let workDirectory: ReturnType<typeof makeWorkDirectory>;
let herald: HeraldProcess;
const published: TestItem[] = [];

function publish(...items: Array<Omit<TestItem, 'pubDate' | 'link'> & { guid: string }>): void {
  for (const item of items) published.unshift({ ...item, link: `https://blog.test/posts/${item.guid}`, pubDate: new Date() });
  feeds.setFeed(FEED_PATH, makeRss(published, { title: 'Data Eng Weekly', link: 'https://blog.test/' }));
}

async function startHerald(): Promise<HeraldProcess> {
  return startHeraldProcess({
    cwd: workDirectory.cwd,
    env: {
      DISCORD_TOKEN: discord.token,
      DISCORD_API_URL: discord.apiBase,
      DISCORD_GUILD_ID: GUILD,
      HERALD_STORE: 'sqlite://data/herald.sqlite',
      HERALD_POLL_INTERVAL: '1',
      HERALD_ALLOW_PRIVATE_URLS: 'true',
      LOG_LEVEL: 'debug',
    },
    readyPattern: /Herald started/,
  });
}

/** Lets the running Herald poll the feed `count` more times, so that an absence of posts means something. */
async function waitForPolls(count: number): Promise<void> {
  const target = feeds.requestsTo(FEED_PATH) + count;
  await waitUntil(() => feeds.requestsTo(FEED_PATH) >= target, `${count} more polls of ${FEED_PATH}`);
}

function command(subcommand: string, options: Record<string, string | { channelId: string }>, user = ADMIN): Promise<InteractionReply> {
  return discord.runCommand({
    guildId: GUILD, channelId: DATA_ENG, user, permissions: user === ADMIN ? MANAGE_GUILD : 0n,
    name: 'feed', subcommand, options, timeoutMs: 20_000,
  });
}

const titles = (channelId: string) => discord.messages(channelId).map((message) => String(message.embeds[0]?.title));

beforeAll(async () => {
  feeds = await startFeedServer();
  discord = await startDiscordEmulator();
  discord.addGuild({
    id: GUILD, name: 'Data People',
    channels: [{ id: DATA_ENG, name: 'data-eng' }, { id: GENERAL, name: 'general' }, { id: DOOMED, name: 'doomed' }],
  });
  publish({ guid: 'old-1', title: 'Kafka tips from last week' }, { guid: 'old-2', title: 'Event streaming 101' }, { guid: 'old-3', title: 'Gardening' });
  workDirectory = makeWorkDirectory({ 'herald.yaml': 'subscriptions: []\n' });
  herald = await startHerald();
}, 60_000);

afterAll(async () => {
  await herald?.stop();
  await discord?.close();
  await feeds?.close();
  workDirectory?.remove();
});

describe('Discord: a channel subscribes to a feed and gets only the items that match its rule', () => {
  it('registers /feed on the guild at start', () => {
    const commands = discord.registeredCommands.guild[GUILD] as Array<{ name: string }> | undefined;
    expect(commands?.map((c) => c.name)).toEqual(['feed']);
  });

  it('refuses /feed add to a member without Manage Server, and stores nothing', async () => {
    const answer = await command('add', { url: feeds.url(FEED_PATH), filter: 'kafka' }, MEMBER);
    expect(answer.ephemeral).toBe(true);
    expect(answer.content).toMatch(/Only people who can manage this server/);
    const list = await command('list', {}, MEMBER);
    expect(list.content).toMatch(/No subscriptions here yet/);
  });

  it('lets a member with Administrator (but not Manage Server) manage subscriptions', async () => {
    const answer = await discord.runCommand({
      guildId: GUILD, channelId: DATA_ENG, user: { id: '300000000000000003', name: 'owner' }, permissions: 1n << 3n,
      name: 'feed', subcommand: 'pause', options: { subscription: 'nope42' },
    });
    expect(answer.content).toMatch(/There is no subscription `nope42` here/);
  });

  it('subscribes #data-eng and says the feed title, its item count and that those are not posted', async () => {
    const answer = await command('add', { url: feeds.url(FEED_PATH), filter: 'kafka OR "event streaming"' });
    expect(answer.ephemeral).toBe(true);
    expect(answer.content).toContain(`<#${DATA_ENG}> is now subscribed to`);
    expect(answer.content).toContain('Data Eng Weekly');
    expect(answer.content).toMatch(/The feed has 3 items now; these will not be posted/);
    expect(answer.content).toContain('kafka OR "event streaming"');
  });

  it('posts nothing from the baseline', async () => {
    await waitForPolls(2);
    expect(discord.messages(DATA_ENG)).toEqual([]);
  });

  it('posts a matching new item once, as an embed, and never a non-matching one', async () => {
    publish({ guid: 'new-1', title: 'Kafka 4.0 released', description: 'KRaft everywhere', author: 'ada@blog.test (Ada)', categories: ['streaming'] },
      { guid: 'new-2', title: 'Growing tomatoes' });
    const [message] = await discord.waitForMessages(DATA_ENG, 1, 15_000);
    const embed = message!.embeds[0] as { title: string; url: string; description: string; footer: { text: string } };
    expect(embed.title).toBe('Kafka 4.0 released');
    expect(embed.url).toBe('https://blog.test/posts/new-1');
    expect(embed.description).toContain('KRaft everywhere');
    expect(embed.footer.text).toBe('Data Eng Weekly');
    expect(message!.allowed_mentions).toEqual({ parse: [] });
    await waitForPolls(2);
    expect(titles(DATA_ENG)).toEqual(['Kafka 4.0 released']);
  });

  it('lets no feed text ping anyone', async () => {
    publish({ guid: 'ping', title: '@everyone Kafka is down <@&123456789012345678>', description: '@here please read' });
    const messages = await discord.waitForMessages(DATA_ENG, 2, 15_000);
    const message = messages[1]!;
    expect(message.allowed_mentions).toEqual({ parse: [] });
    expect(message.content).toBe('');
    const embed = message.embeds[0] as { title: string; description: string };
    expect(embed.title).not.toMatch(/@everyone/);
    expect(embed.title).not.toMatch(/<@&\d+>/);
    expect(embed.description).not.toMatch(/@here/);
  });

  it('lists the subscription for everyone, and previews a rule with a verdict per item', async () => {
    const list = await command('list', {}, MEMBER);
    expect(list.content).toMatch(/1 subscription:/);
    expect(list.content).toContain(`<#${DATA_ENG}>`);
    expect(list.content).toContain('Data Eng Weekly');

    const preview = await command('preview', { url: feeds.url(FEED_PATH), filter: 'title:kafka' }, MEMBER);
    const lines = preview.content.split('\n');
    expect(lines[0]).toMatch(/latest 6 of 6 items/);
    expect(lines[0]).toMatch(/3 would be posted/);
    expect(lines.filter((line) => line.startsWith('✅'))).toHaveLength(3);
    expect(lines.filter((line) => line.startsWith('❌'))).toHaveLength(3);
    expect(preview.content).toMatch(/❌ .*Growing tomatoes.*—/);
  });

  it('posts nothing twice across a restart and delivers what arrived while it was down', async () => {
    await herald.stop();
    publish({ guid: 'down-1', title: 'Event streaming while we were away' }, { guid: 'down-2', title: 'Nothing relevant' });
    herald = await startHerald();
    await discord.waitForMessages(DATA_ENG, 3, 15_000);
    await waitForPolls(3);
    expect(titles(DATA_ENG)).toEqual(['Kafka 4.0 released', expect.stringContaining('Kafka is down'), 'Event streaming while we were away']);
  });

  it('loses nothing and posts nothing twice when it crashes while Discord holds back the answer to a post it made', async () => {
    const crashTitle = 'Kafka survives a crash';
    const postsTo = () => discord.requests.filter((request) => request.method === 'POST' && request.path === `/channels/${DATA_ENG}/messages`).length;
    // Discord makes the message but Herald never hears so: only the nonce tells the post sent again after the
    // restart from a new one.
    discord.faults.schedule({ match: `POST /channels/${DATA_ENG}/messages`, fault: { kind: 'hang', ms: 60_000, afterAccept: true } });
    publish({ guid: 'crash', title: crashTitle });
    await waitUntil(() => titles(DATA_ENG).includes(crashTitle), 'the held-back post made in the channel', 20_000);
    const before = postsTo();
    await herald.kill();
    herald = await startHerald();
    await waitUntil(() => postsTo() > before, 'the interrupted post sent again after the restart', 20_000);
    await waitForPolls(2);
    expect(titles(DATA_ENG).filter((title) => title === crashTitle)).toHaveLength(1);
  });

  it('waits out a 429 from Discord and still posts once', async () => {
    discord.rateLimitNext(`POST /channels/${DATA_ENG}/messages`, 1);
    publish({ guid: 'limited', title: 'Kafka under rate limits' });
    await discord.waitForMessages(DATA_ENG, 5, 20_000);
    await waitForPolls(2);
    expect(titles(DATA_ENG).filter((title) => title === 'Kafka under rate limits')).toHaveLength(1);
  });

  it('pauses a subscription whose channel is gone, logs it, and keeps the others posting', async () => {
    const added = await command('add', { url: feeds.url(FEED_PATH), channel: { channelId: DOOMED } });
    expect(added.content).toContain(`<#${DOOMED}> is now subscribed`);
    discord.setChannelAccess(DOOMED, 'missing');
    publish({ guid: 'lost', title: 'Kafka for the lost channel' });
    await discord.waitForMessages(DATA_ENG, 6, 15_000);
    await herald.waitForLine(/subscription paused/);
    const list = await command('list', {}, MEMBER);
    const doomedLine = list.content.split('\n').find((line) => line.includes(`<#${DOOMED}>`));
    expect(doomedLine).toMatch(/paused: the Discord channel no longer exists/);
    const doomedId = doomedLine?.match(/`(\w+)`/)?.[1];
    expect(doomedId).toBeDefined();
    const [notice] = await discord.waitForDirectMessages(ADMIN.id, 1, 15_000);
    expect(notice!.content).toMatch(new RegExp(`Herald paused \`${doomedId}\`.* in <#${DOOMED}>: the Discord channel no longer exists`));
    expect(notice!.content).toContain(`\`/feed resume ${doomedId}\``);
    expect(notice!.allowed_mentions).toEqual({ parse: [] });
    const dataEngLine = list.content.split('\n').find((line) => line.includes(`<#${DATA_ENG}>`));
    expect(dataEngLine).not.toMatch(/paused/);
    expect(discord.messages(DOOMED)).toEqual([]);
    await waitForPolls(2);
    expect(discord.directMessages(ADMIN.id)).toHaveLength(1);
    expect(discord.directMessages(MEMBER.id)).toEqual([]);
  });

  it('pauses and resumes: items that arrive while paused are posted on resume, then later ones', async () => {
    const id = (await command('list', {}, MEMBER)).content.split('\n').find((line) => line.includes(`<#${DATA_ENG}>`))?.match(/`(\w+)`/)?.[1];
    expect(id).toBeDefined();
    const refused = await command('pause', { subscription: id! }, MEMBER);
    expect(refused.content).toMatch(/Only people who can manage this server/);
    expect((await command('pause', { subscription: id! })).content).toMatch(/Paused/);
    publish({ guid: 'paused', title: 'Kafka while paused' });
    await waitForPolls(2);
    expect(titles(DATA_ENG)).not.toContain('Kafka while paused');
    expect((await command('resume', { subscription: id! })).content).toMatch(/Resumed.*\n.*The 1 item that arrived while it was paused is being posted now/s);
    publish({ guid: 'resumed', title: 'Kafka after resume' });
    await discord.waitForMessages(DATA_ENG, 8, 15_000);
    await waitForPolls(1);
    expect(titles(DATA_ENG).slice(-2)).toEqual(['Kafka while paused', 'Kafka after resume']);
  });

  it('stops posting after /feed remove, and autocompletes the subscription', async () => {
    const choices = await discord.autocomplete({ guildId: GUILD, channelId: DATA_ENG, user: ADMIN, permissions: MANAGE_GUILD, name: 'feed', subcommand: 'remove', focused: 'subscription', options: { subscription: '' } });
    expect(choices).toHaveLength(2);
    const dataEng = choices.find((choice) => choice.name.includes('#data-eng'));
    expect(dataEng?.name).toContain('Data Eng Weekly');
    const removed = await command('remove', { subscription: String(dataEng!.value) });
    expect(removed.content).toMatch(/Removed/);
    publish({ guid: 'after-remove', title: 'Kafka after removal' });
    await waitForPolls(3);
    expect(titles(DATA_ENG)).not.toContain('Kafka after removal');
  });
});

describe('Discord: bad input gets a clear ephemeral answer and stores nothing', () => {
  it.each([
    { name: 'a non-http URL', url: 'ftp://blog.test/feed.xml', filter: '', answer: /Only http and https/ },
    { name: 'a malformed filter', url: '@FEED', filter: 'kafka "event streaming', answer: /position \d+/ },
    { name: 'a URL that answers 404', url: '@/missing.xml', filter: '', answer: /404/ },
    { name: 'an unreachable server', url: 'http://127.0.0.1:9/feed.xml', filter: '', answer: /refused the connection/ },
    { name: 'something that is not a feed', url: '@/data.json', filter: '', answer: /not .*feed/i },
    { name: 'a web page without a feed', url: '@/page.html', filter: '', answer: /web page, not a feed/ },
  ])('refuses $name', async ({ url, filter, answer }) => {
    feeds.setResponse('/data.json', { status: 200, headers: { 'content-type': 'application/json' }, body: '{"rows":[1,2,3]}' });
    feeds.setResponse('/page.html', { status: 200, headers: { 'content-type': 'text/html' }, body: '<!doctype html><html><head><title>Hi</title></head><body>Hello</body></html>' });
    const target = url === '@FEED' ? feeds.url(FEED_PATH) : url.startsWith('@') ? feeds.url(url.slice(1)) : url;
    const before = (await command('list', { channel: { channelId: GENERAL } }, MEMBER)).content;
    const reply = await command('add', { url: target, channel: { channelId: GENERAL }, ...(filter ? { filter } : {}) });
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toMatch(answer);
    expect((await command('list', { channel: { channelId: GENERAL } }, MEMBER)).content).toBe(before);
  });

  it('follows a web page to the feed it links to', async () => {
    feeds.setResponse('/blog.html', {
      status: 200, headers: { 'content-type': 'text/html; charset=utf-8' },
      body: `<!doctype html><html><head><link rel="alternate" type="application/rss+xml" href="${FEED_PATH}"></head><body>Blog</body></html>`,
    });
    const reply = await command('add', { url: feeds.url('/blog.html'), channel: { channelId: GENERAL } });
    expect(reply.content).toContain(`<#${GENERAL}> is now subscribed to`);
    expect(reply.content).toContain(feeds.url(FEED_PATH));
  });
});

describe('starting with a bad Discord setup', () => {
  it('says clearly that the token was refused, and exits', async () => {
    const emulator = await startDiscordEmulator();
    const work = makeWorkDirectory({ 'herald.yaml': 'subscriptions: []\n' });
    try {
      const result = await runHeraldToEnd(['start'], work.cwd, { DISCORD_TOKEN: 'not-the-token', DISCORD_API_URL: emulator.apiBase });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/herald: Discord refused DISCORD_TOKEN/);
    } finally {
      work.remove();
      await emulator.close();
    }
  });
});

/** One cold `herald` process (tsx loading all of Herald) on a loaded two-core machine; three run in a row below. */
const COLD_PROCESS_BUDGET_MS = 45_000;

describe('herald discord:register', () => {
  it('registers /feed globally without DISCORD_GUILD_ID, and only once', async () => {
    const emulator = await startDiscordEmulator();
    const work = makeWorkDirectory({ 'herald.yaml': 'subscriptions: []\n' });
    const env = { DISCORD_TOKEN: emulator.token, DISCORD_API_URL: `${emulator.apiBase}/v10/` };
    try {
      const first = await runHeraldToEnd(['discord:register'], work.cwd, env);
      expect(first.stdout).toBe('Registered /feed (global).\n');
      expect((emulator.registeredCommands.global as Array<{ name: string }>).map((c) => c.name)).toEqual(['feed']);
      const second = await runHeraldToEnd(['discord:register'], work.cwd, env);
      expect(second.stdout).toBe('Already up to date: /feed (global).\n');
      const bad = await runHeraldToEnd(['discord:register'], work.cwd, { ...env, DISCORD_TOKEN: 'wrong' });
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/401|Unauthorized/i);
    } finally {
      work.remove();
      await emulator.close();
    }
  }, 3 * COLD_PROCESS_BUDGET_MS);
});

