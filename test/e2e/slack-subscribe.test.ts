/**
 * Slack, as a workspace admin and members would use it: Herald runs as a real process (`herald start`) with the
 * real Bolt app inside, against the Slack emulator (Web API, Socket Mode, signed HTTP slash commands,
 * response_url) and a local feed server. The same stories run in Socket Mode and in HTTP mode. The tests of a
 * block share one Herald process, but each takes channels and feeds of its own (slack-story.ts), so any of them
 * runs alone or in any order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSlackEmulator } from '../emulators/slack/server.ts';
import type { PostedMessage } from '../emulators/slack/server.ts';
import { waitUntil } from '../support/wait-until.ts';
import { makeWorkDirectory, runHeraldToEnd } from './herald-process.ts';
import { ADMIN, answerOf, LISTED_MEMBER, MEMBER, startSlackStory } from './slack-story.ts';
import type { Mode, SlackStory } from './slack-story.ts';

/** The rule of the story's subscription: what it lets through and what it keeps out is in every post test below. */
const RUST_NOT_BELT = 'category:rust -title:“rust belt”';

const titleOf = (message: PostedMessage) => String(message.text);
const sectionText = (message: PostedMessage) => String(((message.blocks?.[0] as { text?: { text?: string } }).text ?? {}).text);

describe.each<Mode>(['socket', 'http'])('Slack (%s mode)', (mode) => {
  let story: SlackStory;
  beforeAll(async () => {
    story = await startSlackStory(mode);
  }, 60_000);
  afterAll(() => story?.close());

  describe('a channel subscribes to a feed and gets only the items that match', () => {
    it('refuses /feed add to a member who is not a workspace admin, and stores nothing', async () => {
      const channel = story.freshChannel();
      const feed = story.freshFeed();
      const result = await story.command(channel, `add <${feed.url}> category:rust`, { user: MEMBER });
      expect(result.status).toBe(200);
      expect(await answerOf(result, 1)).toMatch(/Only workspace admins and owners/);
      expect(await answerOf(await story.command(channel, `list ${channel.link}`, { user: MEMBER }))).toContain(`No subscriptions in <#${channel.id}>.`);
      // Other tests' subscriptions may be listed for the workspace, but none of this feed.
      expect(await answerOf(await story.command(channel, 'list', { user: MEMBER }))).not.toContain(feed.url);
    });

    it('subscribes the channel it is typed in with an ephemeral confirmation, acknowledged within 3 seconds', async () => {
      const channel = story.freshChannel();
      const feed = story.freshFeed();
      const result = await story.command(channel, `add <${feed.url}> ${RUST_NOT_BELT}`);
      expect(result.ackMs).toBeLessThan(3000);
      expect(result.timedOut).toBe(false);
      expect(result.ack?.text).toMatch(/Fetching/);
      const [response] = await result.waitForResponses(1);
      expect(response!.response_type).toBe('ephemeral');
      expect(response!.text).toContain(`<#${channel.id}> is now subscribed to`);
      expect(response!.text).toContain('Example &amp; Friends &lt;Releases&gt;');
      expect(response!.text).toContain('category:rust AND NOT title:"rust belt"');
      expect(response!.text).toMatch(/The feed has 2 items now; these will not be posted/);
    });

    it('posts nothing from the baseline', async () => {
      const { channel, feed } = await story.subscribeFreshChannel(RUST_NOT_BELT);
      await feed.waitForPolls(2);
      expect(channel.messages()).toEqual([]);
    });

    it('posts a matching new item once as Block Kit, escaped, unfurling nothing; never a non-matching one', async () => {
      const { channel, feed } = await story.subscribeFreshChannel(RUST_NOT_BELT);
      feed.publish(
        { guid: 'new-1', title: 'Rust 2.0 <!channel> & <@U0ADMIN>', description: '<p>Faster builds &lt;!here&gt; for &lt;https://evil.test|everyone&gt;</p>', author: 'Ferris', categories: ['rust'], image: 'https://example.org/ferris.png' },
        { guid: 'new-2', title: 'The rust belt revival', categories: ['rust'] },
        { guid: 'new-3', title: 'Tomatoes', categories: ['garden'] },
      );
      const [message] = await channel.waitForMessages(1, 15_000);
      await feed.waitForPolls(2);
      expect(channel.messages()).toHaveLength(1);

      expect(message!.unfurl_links).toBe(false);
      expect(message!.unfurl_media).toBe(false);
      const section = message!.blocks?.[0] as { type: string; text: { type: string; text: string }; accessory?: { type: string; image_url: string } };
      expect(section.type).toBe('section');
      expect(section.text.type).toBe('mrkdwn');
      expect(section.text.text).toMatch(/^\*<https:\/\/example\.org\/posts\/new-1\|Rust 2\.0 &lt;!channel&gt; &amp; &lt;@U0ADMIN&gt;>\*/);
      expect(section.text.text).toContain('&lt;!here&gt;');
      expect(section.accessory).toMatchObject({ type: 'image', image_url: 'https://example.org/ferris.png' });
      const context = message!.blocks?.[1] as { type: string; elements: Array<{ text: string }> };
      expect(context.type).toBe('context');
      const contextText = context.elements.map((element) => element.text).join(' ');
      expect(contextText).toContain('Example &amp; Friends &lt;Releases&gt;');
      expect(contextText).toContain('Ferris');
      expect(contextText).toMatch(/<!date\^\d+\^/);
      expect(titleOf(message!)).toMatch(/Rust 2\.0/);

      // Herald's own link and date token are the only Slack markup: feed text produced no mention or link.
      const everything = JSON.stringify(message!.blocks) + titleOf(message!);
      expect(everything).not.toMatch(/<!(channel|here|everyone)/);
      expect(everything).not.toMatch(/<@U/);
      expect(everything).not.toContain('<https://evil.test');
    });

    it('lets a member listed under slack.admins manage, and lists for everyone', async () => {
      const channel = story.freshChannel();
      const feed = story.freshFeed();
      feed.publish({ guid: 'listed-1', title: 'Rust 2.0', categories: ['rust'] }, { guid: 'listed-2', title: 'The rust belt revival', categories: ['rust'] }, { guid: 'listed-3', title: 'Tomatoes', categories: ['garden'] });
      const preview = await answerOf(await story.command(channel, `preview <${feed.url}> category:garden`, { user: LISTED_MEMBER }), 1);
      expect(preview).toMatch(/latest 5 of 5 items/);
      expect(preview).toMatch(/2 would be posted/);
      const added = await answerOf(await story.command(channel, `add <${feed.url}> category:garden`, { user: LISTED_MEMBER }), 1);
      expect(added).toContain(`<#${channel.id}> is now subscribed`);

      const list = await answerOf(await story.command(channel, `list ${channel.link}`, { user: MEMBER }));
      expect(list).toContain(`1 subscription in <#${channel.id}>:`);
      expect(list).toContain(`<#${channel.id}> ← <${feed.url}|`);
    });

    it('answers an unknown subcommand or a missing argument with the usage', async () => {
      const channel = story.freshChannel();
      const unknown = await answerOf(await story.command(channel, 'subscribe https://example.org/feed'));
      expect(unknown).toMatch(/subscribe/);
      expect(unknown).toContain('/feed add &lt;url&gt; [#channel] [filter...]');
      const missing = await answerOf(await story.command(channel, 'remove'));
      expect(missing).toContain('/feed remove &lt;subscription&gt;');
    });

    it('stops posting after /feed remove', async () => {
      const { channel, feed } = await story.subscribeFreshChannel(RUST_NOT_BELT);
      const id = (await answerOf(await story.command(channel, `list ${channel.link}`))).match(/`(\w+)`/)?.[1];
      expect(id).toBeDefined();
      // Another channel keeps following the feed, so it is still polled and an absence of posts means something.
      const other = story.freshChannel();
      await story.subscribe(other, feed, 'category:garden', { from: channel });
      const refused = await answerOf(await story.command(channel, `remove ${id}`, { user: MEMBER }));
      expect(refused).toMatch(/Only workspace admins/);
      expect(await answerOf(await story.command(channel, `remove ${id}`))).toMatch(/Removed/);
      feed.publish({ guid: 'after-remove', title: 'Rust after removal', categories: ['rust', 'garden'] });
      await other.waitForMessages(1, 15_000);
      await feed.waitForPolls(2);
      expect(channel.messages().map(titleOf)).not.toContainEqual(expect.stringContaining('after removal'));
    });
  });

  // Restarts, rate limits and lost channels do not depend on how commands arrive: they are told once, in Socket Mode.
  if (mode !== 'socket') return;

  describe('restarts, rate limits and lost channels', () => {
    it('posts to a public channel it was not invited to', async () => {
      const { channel, feed } = await story.subscribeFreshChannel('category:rust', { botIsMember: false, from: story.freshChannel() });
      feed.publish({ guid: 'public-1', title: 'Rust in #general', categories: ['rust'] });
      const [message] = await channel.waitForMessages(1, 15_000);
      expect(sectionText(message!)).toContain('Rust in #general');
    });

    it('posts nothing twice across a restart and delivers what arrived while it was down', async () => {
      const { channel, feed } = await story.subscribeFreshChannel('category:rust');
      feed.publish({ guid: 'before-restart', title: 'Rust before the restart', categories: ['rust'] });
      await channel.waitForMessages(1, 15_000);
      await story.restart(() => feed.publish({ guid: 'down-1', title: 'Rust while Herald was down', categories: ['rust'] }, { guid: 'down-2', title: 'Not about it' }));
      await channel.waitForMessages(2, 15_000);
      await feed.waitForPolls(3);
      expect(channel.messages().map(titleOf)).toEqual([expect.stringContaining('Rust before the restart'), expect.stringContaining('Rust while Herald was down')]);
    });

    it('reconnects when Slack recycles the Socket Mode connection, and keeps answering', async () => {
      const { channel } = await story.subscribeFreshChannel('category:rust');
      const opened = story.slack.socketLog().length;
      story.slack.disconnectSockets('refresh_requested');
      await waitUntil(() => story.slack.socketLog().length > opened && story.slack.socketConnections() === 1, 'a new Socket Mode connection');
      expect(await answerOf(await story.command(channel, `list ${channel.link}`, { user: MEMBER }))).toContain(`1 subscription in <#${channel.id}>:`);
    });

    it('waits out a 429 from chat.postMessage and still posts once', async () => {
      const { channel, feed } = await story.subscribeFreshChannel('category:rust');
      const printed = story.linesFromNow();
      const postsBefore = story.slack.calls('chat.postMessage').length;
      story.slack.rateLimitNext('chat.postMessage', 2);
      feed.publish({ guid: 'limited', title: 'Rust under rate limits', categories: ['rust'] });
      await printed(/Slack rate limit: retry after 2 s/);
      await channel.waitForMessages(1, 20_000);
      const limited = story.slack.calls('chat.postMessage').slice(postsBefore).filter((call) => call.status === 429);
      expect(limited).toHaveLength(1);
      expect(limited[0]!.params.channel).toBe(channel.id);
      await feed.waitForPolls(2);
      expect(channel.messages().map(titleOf).filter((title) => title.includes('rate limits'))).toHaveLength(1);
    });

    it.each([
      { name: 'archived', isPrivate: false, lose: { archived: true }, reason: /archived/ },
      { name: 'a private channel Herald was removed from', isPrivate: true, lose: { botIsMember: false }, reason: /private and Herald is not in it/ },
      { name: 'deleted', isPrivate: false, lose: { deleted: true }, reason: /no longer exists/ },
    ])('pauses a subscription whose channel is $name, tells its manager, and keeps the others posting', async ({ isPrivate, lose, reason }) => {
      const { channel: other, feed } = await story.subscribeFreshChannel('category:rust');
      const channel = story.freshChannel({ isPrivate });
      await story.subscribe(channel, feed, 'category:rust');
      story.slack.updateChannel(channel.id, lose);
      const toManager = () => story.slack.calls('chat.postMessage').filter((call) => call.params.channel === ADMIN);
      const dmsBefore = toManager().length;
      feed.publish({ guid: `lost-${channel.id}`, title: `Rust for ${channel.name}`, categories: ['rust'] });
      await other.waitForMessages(1, 15_000);
      await waitUntil(() => toManager().slice(dmsBefore).some((call) => call.ok), 'a direct message to the manager');
      const dm = toManager().at(-1)!;
      expect(String(dm.params.text)).toMatch(/Herald paused/);
      expect(String(dm.params.text)).toMatch(reason);
      expect(String(dm.params.text)).toContain(`<#${channel.id}>`);
      await story.herald.waitForLine(new RegExp(`subscription paused.*${channel.id}|${channel.id}.*subscription paused`));

      const list = await answerOf(await story.command(other, 'list', { user: MEMBER }));
      const line = list.split('\n').find((entry) => entry.includes(`<#${channel.id}>`));
      expect(line).toMatch(reason);
      expect(channel.messages()).toEqual([]);
    });
  });
});

describe('Slack (HTTP mode): requests that are not from Slack', () => {
  // No test here subscribes anything, so whatever ran before, the workspace has no subscriptions.
  let story: SlackStory;
  beforeAll(async () => {
    story = await startSlackStory('http');
  }, 60_000);
  afterAll(() => story?.close());

  it.each([
    { signature: 'forged', logged: /"level":"warn".*Failed to parse and verify the request data/ },
    { signature: 'stale', logged: /"level":"warn".*Failed to parse and verify the request data/ },
    { signature: 'future', logged: /"level":"warn".*timestamped in the future/ },
  ] as const)('refuses a $signature signature with 401 and does nothing', async ({ signature, logged }) => {
    const channel = story.freshChannel();
    const feed = story.freshFeed();
    const printed = story.linesFromNow();
    const result = await story.command(channel, `add <${feed.url}>`, { signature });
    expect(result.status).toBe(401);
    await printed(logged);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(result.responses).toEqual([]);
    expect(await answerOf(await story.command(channel, 'list'))).toMatch(/No subscriptions here yet/);
    expect(feed.fetches()).toBe(0);
  });
});

describe('starting with a bad Slack setup', () => {
  it('says clearly that the bot token was refused, and exits', async () => {
    const slack = await startSlackEmulator();
    const work = makeWorkDirectory({ 'herald.yaml': 'subscriptions: []\n' });
    try {
      const result = await runHeraldToEnd(['start'], work.cwd, { SLACK_BOT_TOKEN: 'xoxb-wrong', SLACK_APP_TOKEN: slack.appToken, SLACK_API_URL: slack.apiUrl });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/herald: Slack refused SLACK_BOT_TOKEN \(invalid_auth\)/);
    } finally {
      work.remove();
      await slack.close();
    }
  });

  it('says clearly that the app-level token was refused, and exits', async () => {
    const slack = await startSlackEmulator();
    const work = makeWorkDirectory({ 'herald.yaml': 'subscriptions: []\n' });
    try {
      const result = await runHeraldToEnd(['start'], work.cwd, { SLACK_BOT_TOKEN: slack.botToken, SLACK_APP_TOKEN: 'xapp-wrong', SLACK_API_URL: slack.apiUrl });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/herald: Slack refused SLACK_APP_TOKEN/);
    } finally {
      work.remove();
      await slack.close();
    }
  });
});

/** One cold `herald` process (tsx loading all of Herald) on a loaded two-core machine; three run in a row below. */
const COLD_PROCESS_BUDGET_MS = 45_000;

describe('herald slack:manifest', () => {
  it('prints a Socket Mode manifest by default, and one with the request URL for --http', async () => {
    const work = makeWorkDirectory();
    try {
      const socket = await runHeraldToEnd(['slack:manifest'], work.cwd);
      expect(socket.code).toBe(0);
      expect(socket.stdout).toMatch(/socket_mode_enabled: true/);
      expect(socket.stdout).toMatch(/command: \/feed/);
      const http = await runHeraldToEnd(['slack:manifest', '--http', 'https://herald.example.org'], work.cwd);
      expect(http.stdout).toMatch(/url: https:\/\/herald\.example\.org\/slack\/events/);
      expect(http.stdout).toMatch(/socket_mode_enabled: false/);
      const bad = await runHeraldToEnd(['slack:manifest', '--http', 'http://herald.example.org'], work.cwd);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/https/);
    } finally {
      work.remove();
    }
  }, 3 * COLD_PROCESS_BUDGET_MS);
});
