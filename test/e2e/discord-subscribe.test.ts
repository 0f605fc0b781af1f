/**
 * The first working path, as a server admin and members would see it: Herald runs as a real process
 * (`herald start`) against the Discord emulator (real discord.js inside Herald) and a local feed server. The tests
 * of the first two blocks share one Herald process, but each takes channels and feeds of its own and subscribes
 * with /feed add (discord-story.ts), so any of them runs alone or in any order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDiscordEmulator } from '../emulators/discord/server.ts';
import { waitUntil } from '../support/wait-until.ts';
import { ADMIN, ADMINISTRATOR, FEED_TITLE, GUILD, MANAGE_GUILD, MEMBER, startDiscordStory } from './discord-story.ts';
import type { DiscordStory, StoryChannel } from './discord-story.ts';
import { makeWorkDirectory, runHeraldToEnd } from './herald-process.ts';

/** The rule of the story's subscriptions: what it lets through and what it keeps out is in the post tests below. */
const KAFKA_OR_STREAMING = 'kafka OR "event streaming"';

/** The lines of a /feed list answer that show a subscription: its id, its channel, its feed, ... */
const subscriptionLines = (content: string) => content.split('\n').filter((line) => /^`\w+` <#\d+> /.test(line));
/** The subscription ids a /feed list answer shows, in its order. */
const listedIds = (content: string) => subscriptionLines(content).map((line) => line.slice(1, line.indexOf('`', 1)));
/**
 * The line of a /feed list answer for a channel's subscription. A server-wide list is cut at Discord's 2000
 * characters, newest last: the 14 subscriptions this file makes fill about 1700.
 */
const lineFor = (content: string, channel: { id: string }) => subscriptionLines(content).find((line) => line.includes(` <#${channel.id}> `));
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('herald start against the Discord emulator', () => {
  let story: DiscordStory;
  beforeAll(async () => {
    story = await startDiscordStory();
  }, 60_000);
  afterAll(() => story?.close());

  describe.concurrent('Discord: a channel subscribes to a feed and gets only the items that match its rule', () => {
    it('registers /feed on the guild at start', () => {
      const commands = story.discord.registeredCommands.guild[GUILD] as Array<{ name: string }> | undefined;
      expect(commands?.map((c) => c.name)).toEqual(['feed']);
    });

    it('refuses /feed add to a member without Manage Server, and stores nothing', async () => {
      const channel = story.freshChannel();
      const feed = story.freshFeed();
      const answer = await story.command(channel, 'add', { url: feed.url, filter: 'kafka' }, MEMBER);
      expect(answer.ephemeral).toBe(true);
      expect(answer.content).toMatch(/Only people who can manage this server/);
      expect((await story.command(channel, 'list', { channel: { channelId: channel.id } }, MEMBER)).content).toMatch(new RegExp(`No subscriptions in <#${channel.id}>\\.`));
      // Other tests' subscriptions may be listed for the server, but none of this feed, which was never even fetched.
      expect((await story.command(channel, 'list', {}, MEMBER)).content).not.toContain(feed.url);
      expect(feed.fetches()).toBe(0);
    });

    it('lets a member with Administrator (but not Manage Server) manage subscriptions', async () => {
      const channel = story.freshChannel();
      const answer = await story.discord.runCommand({
        guildId: GUILD, channelId: channel.id, user: { id: '300000000000000003', name: 'owner' }, permissions: ADMINISTRATOR,
        name: 'feed', subcommand: 'pause', options: { subscription: 'nope42' },
      });
      expect(answer.content).toMatch(/There is no subscription `nope42` here/);
    });

    it('subscribes #data-eng and says the feed title, its item count and that those are not posted', async () => {
      const channel = story.freshChannel();
      const feed = story.freshFeed();
      const answer = await story.command(channel, 'add', { url: feed.url, filter: KAFKA_OR_STREAMING });
      expect(answer.ephemeral).toBe(true);
      expect(answer.content).toContain(`<#${channel.id}> is now subscribed to`);
      expect(answer.content).toContain(FEED_TITLE);
      expect(answer.content).toMatch(/The feed has 3 items now; these will not be posted/);
      expect(answer.content).toContain(KAFKA_OR_STREAMING);
    });

    it('posts nothing from the baseline', async () => {
      const { channel, feed } = await story.subscribeFreshChannel(KAFKA_OR_STREAMING);
      await feed.waitForPolls(2);
      expect(channel.messages()).toEqual([]);
    });

    it('posts a matching new item once, as an embed, and never a non-matching one', async () => {
      const { channel, feed } = await story.subscribeFreshChannel(KAFKA_OR_STREAMING);
      feed.publish({ guid: 'new-1', title: 'Kafka 4.0 released', description: 'KRaft everywhere', author: 'ada@blog.test (Ada)', categories: ['streaming'] },
        { guid: 'new-2', title: 'Growing tomatoes' });
      const [message] = await channel.waitForMessages(1, 15_000);
      const embed = message!.embeds[0] as { title: string; url: string; description: string; footer: { text: string } };
      expect(embed.title).toBe('Kafka 4.0 released');
      expect(embed.url).toBe('https://blog.test/posts/new-1');
      expect(embed.description).toContain('KRaft everywhere');
      expect(embed.footer.text).toBe(FEED_TITLE);
      expect(message!.allowed_mentions).toEqual({ parse: [] });
      await feed.waitForPolls(2);
      expect(channel.titles()).toEqual(['Kafka 4.0 released']);
    });

    it('lets no feed text ping anyone', async () => {
      const { channel, feed } = await story.subscribeFreshChannel(KAFKA_OR_STREAMING);
      feed.publish({ guid: 'ping', title: '@everyone Kafka is down <@&123456789012345678>', description: '@here please read' });
      const [message] = await channel.waitForMessages(1, 15_000);
      expect(message!.allowed_mentions).toEqual({ parse: [] });
      expect(message!.content).toBe('');
      const embed = message!.embeds[0] as { title: string; description: string };
      expect(embed.title).not.toMatch(/@everyone/);
      expect(embed.title).not.toMatch(/<@&\d+>/);
      expect(embed.description).not.toMatch(/@here/);
    });

    it('lists the subscription for everyone, and previews a rule with a verdict per item', async () => {
      const { channel, feed } = await story.subscribeFreshChannel(KAFKA_OR_STREAMING);
      feed.publish({ guid: 'new-1', title: 'Kafka 4.0 released' }, { guid: 'new-2', title: 'Growing tomatoes' }, { guid: 'ping', title: '@everyone Kafka is down' });
      const list = await story.command(channel, 'list', { channel: { channelId: channel.id } }, MEMBER);
      expect(list.content).toContain(`1 subscription in <#${channel.id}>:`);
      expect(lineFor(list.content, channel)).toContain(FEED_TITLE);

      const preview = await story.command(channel, 'preview', { url: feed.url, filter: 'title:kafka' }, MEMBER);
      const lines = preview.content.split('\n');
      expect(lines[0]).toMatch(/latest 6 of 6 items/);
      expect(lines[0]).toMatch(/3 would be posted/);
      expect(lines.filter((line) => line.startsWith('✅'))).toHaveLength(3);
      expect(lines.filter((line) => line.startsWith('❌'))).toHaveLength(3);
      expect(preview.content).toMatch(/❌ .*Growing tomatoes.*—/);
    });

    it('waits out a 429 from Discord and still posts once', async () => {
      const { channel, feed } = await story.subscribeFreshChannel(KAFKA_OR_STREAMING);
      story.discord.rateLimitNext(`POST /channels/${channel.id}/messages`, 1);
      feed.publish({ guid: 'limited', title: 'Kafka under rate limits' });
      await channel.waitForMessages(1, 20_000);
      await feed.waitForPolls(2);
      expect(channel.titles().filter((title) => title === 'Kafka under rate limits')).toHaveLength(1);
    });

    it('pauses a subscription whose channel is gone, logs it, and keeps the others posting', async () => {
      const { channel: other, feed } = await story.subscribeFreshChannel(KAFKA_OR_STREAMING);
      const doomed = story.freshChannel();
      const added = await story.command(other, 'add', { url: feed.url, channel: { channelId: doomed.id } });
      expect(added.content).toContain(`<#${doomed.id}> is now subscribed`);
      const printed = story.linesFromNow();
      const noticesBefore = story.discord.directMessages(ADMIN.id).length;
      story.discord.setChannelAccess(doomed.id, 'missing');
      feed.publish({ guid: 'lost', title: 'Kafka for the lost channel' });
      await other.waitForMessages(1, 15_000);
      await printed(new RegExp(`subscription paused.*"feed":"${escapeRegExp(feed.url)}"`));
      const list = await story.command(other, 'list', {}, MEMBER);
      const doomedLine = lineFor(list.content, doomed);
      expect(doomedLine).toMatch(/paused: the Discord channel no longer exists/);
      const doomedId = doomedLine?.match(/`(\w+)`/)?.[1];
      expect(doomedId).toBeDefined();
      const notice = (await story.discord.waitForDirectMessages(ADMIN.id, noticesBefore + 1, 15_000))[noticesBefore];
      expect(notice!.content).toMatch(new RegExp(`Herald paused \`${doomedId}\`.* in <#${doomed.id}>: the Discord channel no longer exists`));
      expect(notice!.content).toContain(`\`/feed resume ${doomedId}\``);
      expect(notice!.allowed_mentions).toEqual({ parse: [] });
      expect(lineFor(list.content, other)).not.toMatch(/paused/);
      expect(other.titles()).toEqual(['Kafka for the lost channel']);
      expect(doomed.messages()).toEqual([]);
      await feed.waitForPolls(2);
      expect(story.discord.directMessages(ADMIN.id)).toHaveLength(noticesBefore + 1);
      expect(story.discord.directMessages(MEMBER.id)).toEqual([]);
    });

    it('pauses and resumes: items that arrive while paused are posted on resume, then later ones', async () => {
      const { channel, feed } = await story.subscribeFreshChannel(KAFKA_OR_STREAMING);
      const id = lineFor((await story.command(channel, 'list', { channel: { channelId: channel.id } }, MEMBER)).content, channel)?.match(/`(\w+)`/)?.[1];
      expect(id).toBeDefined();
      const refused = await story.command(channel, 'pause', { subscription: id! }, MEMBER);
      expect(refused.content).toMatch(/Only people who can manage this server/);
      expect((await story.command(channel, 'pause', { subscription: id! })).content).toMatch(/Paused/);
      feed.publish({ guid: 'paused', title: 'Kafka while paused' });
      await feed.waitForPolls(2);
      expect(channel.titles()).not.toContain('Kafka while paused');
      expect((await story.command(channel, 'resume', { subscription: id! })).content).toMatch(/Resumed.*\n.*The 1 item that arrived while it was paused is being posted now/s);
      feed.publish({ guid: 'resumed', title: 'Kafka after resume' });
      await channel.waitForMessages(2, 15_000);
      await feed.waitForPolls(1);
      expect(channel.titles()).toEqual(['Kafka while paused', 'Kafka after resume']);
    });

    it('stops posting after /feed remove, and autocompletes the subscription', async () => {
      const { channel, feed } = await story.subscribeFreshChannel(KAFKA_OR_STREAMING);
      // Another channel keeps following the feed, so it is still polled and an absence of posts means something.
      const other = story.freshChannel();
      await story.subscribe(other, feed, '', { from: channel });
      // Every subscription of the server is offered (fewer than Discord's 25 choices), these two among them: other
      // tests only add subscriptions meanwhile, so the choices hold all listed before and only ones listed after.
      const listedBefore = listedIds((await story.command(channel, 'list', {}, MEMBER)).content);
      const choices = await story.discord.autocomplete({ guildId: GUILD, channelId: channel.id, user: ADMIN, permissions: MANAGE_GUILD, name: 'feed', subcommand: 'remove', focused: 'subscription', options: { subscription: '' } });
      const listedAfter = listedIds((await story.command(channel, 'list', {}, MEMBER)).content);
      const offered = choices.map((choice) => String(choice.value));
      expect(offered).toEqual(expect.arrayContaining(listedBefore));
      expect(listedAfter).toEqual(expect.arrayContaining(offered));
      const ours = (c: StoryChannel) => choices.find((choice) => choice.name.includes(` · #${c.name} · `));
      expect(ours(other)).toBeDefined();
      expect(ours(channel)?.name).toContain(FEED_TITLE);
      const removed = await story.command(channel, 'remove', { subscription: String(ours(channel)!.value) });
      expect(removed.content).toMatch(/Removed/);
      feed.publish({ guid: 'after-remove', title: 'Kafka after removal' });
      await other.waitForMessages(1, 15_000);
      await feed.waitForPolls(3);
      expect(channel.titles()).not.toContain('Kafka after removal');
    });

    // A restart stops Herald under every test that runs meanwhile, so these two run alone, after the others.
    it.sequential('posts nothing twice across a restart and delivers what arrived while it was down', async () => {
      const { channel, feed } = await story.subscribeFreshChannel(KAFKA_OR_STREAMING);
      feed.publish({ guid: 'new-1', title: 'Kafka 4.0 released' }, { guid: 'new-2', title: 'Growing tomatoes' });
      await channel.waitForMessages(1, 15_000);
      feed.publish({ guid: 'ping', title: '@everyone Kafka is down <@&123456789012345678>' });
      await channel.waitForMessages(2, 15_000);
      await story.restart(() => feed.publish({ guid: 'down-1', title: 'Event streaming while we were away' }, { guid: 'down-2', title: 'Nothing relevant' }));
      await channel.waitForMessages(3, 15_000);
      await feed.waitForPolls(3);
      expect(channel.titles()).toEqual(['Kafka 4.0 released', expect.stringContaining('Kafka is down'), 'Event streaming while we were away']);
    });

    it.sequential('loses nothing and posts nothing twice when it crashes while Discord holds back the answer to a post it made', async () => {
      const { channel, feed } = await story.subscribeFreshChannel(KAFKA_OR_STREAMING);
      const crashTitle = 'Kafka survives a crash';
      const postsTo = () => story.discord.requests.filter((request) => request.method === 'POST' && request.path === `/channels/${channel.id}/messages`).length;
      // Discord makes the message but Herald never hears so: only the nonce tells the post sent again after the
      // restart from a new one.
      story.discord.faults.schedule({ match: `POST /channels/${channel.id}/messages`, fault: { kind: 'hang', ms: 60_000, afterAccept: true } });
      feed.publish({ guid: 'crash', title: crashTitle });
      await waitUntil(() => channel.titles().includes(crashTitle), 'the held-back post made in the channel', 20_000);
      const before = postsTo();
      await story.restart(undefined, 'kill');
      await waitUntil(() => postsTo() > before, 'the interrupted post sent again after the restart', 20_000);
      await feed.waitForPolls(2);
      expect(channel.titles().filter((title) => title === crashTitle)).toHaveLength(1);
    });
  });

  describe.concurrent('Discord: bad input gets a clear ephemeral answer and stores nothing', () => {
    it.each([
      { name: 'a non-http URL', url: 'ftp://blog.test/feed.xml', filter: '', answer: /Only http and https/ },
      { name: 'a malformed filter', url: '@FEED', filter: 'kafka "event streaming', answer: /position \d+/ },
      { name: 'a URL that answers 404', url: '@/missing.xml', filter: '', answer: /404/ },
      { name: 'an unreachable server', url: 'http://127.0.0.1:9/feed.xml', filter: '', answer: /refused the connection/ },
      { name: 'something that is not a feed', url: '@/data.json', filter: '', answer: /not .*feed/i },
      { name: 'a web page without a feed', url: '@/page.html', filter: '', answer: /web page, not a feed/ },
    ])('refuses $name', async ({ url, filter, answer }) => {
      const { feeds } = story;
      feeds.setResponse('/data.json', { status: 200, headers: { 'content-type': 'application/json' }, body: '{"rows":[1,2,3]}' });
      feeds.setResponse('/page.html', { status: 200, headers: { 'content-type': 'text/html' }, body: '<!doctype html><html><head><title>Hi</title></head><body>Hello</body></html>' });
      const channel = story.freshChannel();
      const target = url === '@FEED' ? story.freshFeed().url : url.startsWith('@') ? feeds.url(url.slice(1)) : url;
      const before = (await story.command(channel, 'list', { channel: { channelId: channel.id } }, MEMBER)).content;
      const reply = await story.command(channel, 'add', { url: target, channel: { channelId: channel.id }, ...(filter ? { filter } : {}) });
      expect(reply.ephemeral).toBe(true);
      expect(reply.content).toMatch(answer);
      expect((await story.command(channel, 'list', { channel: { channelId: channel.id } }, MEMBER)).content).toBe(before);
    });

    it('follows a web page to the feed it links to', async () => {
      const channel = story.freshChannel();
      const feed = story.freshFeed();
      const page = feed.path.replace(/\.xml$/, '.html');
      story.feeds.setResponse(page, {
        status: 200, headers: { 'content-type': 'text/html; charset=utf-8' },
        body: `<!doctype html><html><head><link rel="alternate" type="application/rss+xml" href="${feed.path}"></head><body>Blog</body></html>`,
      });
      const reply = await story.command(channel, 'add', { url: story.feeds.url(page), channel: { channelId: channel.id } });
      expect(reply.content).toContain(`<#${channel.id}> is now subscribed to`);
      expect(reply.content).toContain(feed.url);
    });
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

