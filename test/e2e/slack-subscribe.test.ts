/**
 * Slack, as a workspace admin and members would use it: Herald runs as a real process (`herald start`) with the
 * real Bolt app inside, against the Slack emulator (Web API, Socket Mode, signed HTTP slash commands,
 * response_url) and a local feed server. The same story runs in Socket Mode and in HTTP mode.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSlackEmulator } from '../emulators/slack/server.ts';
import type { PostedMessage, SlackEmulator, SlashCommandResult } from '../emulators/slack/server.ts';
import type { SignatureMode } from '../emulators/slack/types.ts';
import { makeAtom } from '../emulators/feed-documents.ts';
import type { TestItem } from '../emulators/feed-documents.ts';
import { startFeedServer } from '../emulators/feed-server.ts';
import type { FeedServer } from '../emulators/feed-server.ts';
import { waitUntil } from '../support/wait-until.ts';
import { makeWorkDirectory, runHeraldToEnd, startHeraldProcess } from './herald-process.ts';
import type { HeraldProcess } from './herald-process.ts';

const RELEASES = 'C0RELEASES';
const GENERAL = 'C0GENERAL';
const SECRET_ROOM = 'G0SECRET';
const ADMIN = 'U0ADMIN';
const MEMBER = 'U0MEMBER';
const LISTED_MEMBER = 'U0LISTED';
const FEED_PATH = '/atom.xml';

type Mode = 'socket' | 'http';

interface Setup {
  feeds: FeedServer;
  slack: SlackEmulator;
  work: ReturnType<typeof makeWorkDirectory>;
  herald: HeraldProcess;
  eventsUrl?: string;
  published: TestItem[];
}

function publish(setup: Pick<Setup, 'feeds' | 'published'>, ...items: Array<Omit<TestItem, 'pubDate' | 'link'> & { guid: string }>): void {
  for (const item of items) setup.published.unshift({ ...item, link: `https://example.org/posts/${item.guid}`, pubDate: new Date() });
  setup.feeds.setFeed(FEED_PATH, makeAtom(setup.published, { title: 'Example & Friends <Releases>', link: 'https://example.org/' }));
}

async function startHerald(setup: Omit<Setup, 'herald'>, mode: Mode): Promise<{ herald: HeraldProcess; eventsUrl?: string }> {
  const herald = await startHeraldProcess({
    cwd: setup.work.cwd,
    env: {
      SLACK_BOT_TOKEN: setup.slack.botToken,
      ...(mode === 'socket' ? { SLACK_APP_TOKEN: setup.slack.appToken } : { SLACK_SIGNING_SECRET: setup.slack.signingSecret }),
      SLACK_API_URL: setup.slack.apiUrl,
      HERALD_STORE: 'sqlite://data/herald.sqlite',
      HERALD_POLL_INTERVAL: '1',
      HERALD_ALLOW_PRIVATE_URLS: 'true',
      LOG_LEVEL: 'debug',
    },
    readyPattern: /Herald started/,
  });
  if (mode === 'socket') return { herald };
  const line = await herald.waitForLine(/"msg":"HTTP listening"/);
  const { port } = JSON.parse(line) as { port: number };
  return { herald, eventsUrl: `http://127.0.0.1:${port}/slack/events` };
}

async function setUp(mode: Mode): Promise<Setup> {
  const feeds = await startFeedServer();
  const slack = await startSlackEmulator();
  slack.addChannel({ id: RELEASES, name: 'releases' });
  slack.addChannel({ id: GENERAL, name: 'general', botIsMember: false });
  slack.addChannel({ id: SECRET_ROOM, name: 'secret', isPrivate: true, botIsMember: true });
  slack.addUser({ id: ADMIN, name: 'ada', isAdmin: true });
  slack.addUser({ id: MEMBER, name: 'mel' });
  slack.addUser({ id: LISTED_MEMBER, name: 'lin' });
  const work = makeWorkDirectory({ 'herald.yaml': `slack:\n  admins: [${LISTED_MEMBER}]\n` });
  const partial = { feeds, slack, work, published: [] as TestItem[] };
  publish(partial, { guid: 'old-1', title: 'Rust 1.90 released', categories: ['rust'] }, { guid: 'old-2', title: 'Gardening', categories: ['garden'] });
  const started = await startHerald(partial, mode);
  return { ...partial, ...started };
}

async function tearDown(setup: Setup | undefined): Promise<void> {
  await setup?.herald.stop();
  await setup?.slack.close();
  await setup?.feeds.close();
  setup?.work.remove();
}

function feed(setup: Setup, mode: Mode, text: string, options: { user?: string; channel?: string; signature?: SignatureMode } = {}): Promise<SlashCommandResult> {
  return setup.slack.runSlashCommand({
    mode, url: setup.eventsUrl, command: '/feed', text, channelId: options.channel ?? RELEASES, userId: options.user ?? ADMIN, signature: options.signature,
  });
}

/** The final answer the person sees, once a deferred command has answered through response_url. */
async function answerOf(result: SlashCommandResult, responses = 0): Promise<string> {
  if (responses > 0) await result.waitForResponses(responses);
  return result.visibleText();
}

async function waitForPolls(setup: Setup, count: number): Promise<void> {
  const target = setup.feeds.requestsTo(FEED_PATH) + count;
  await waitUntil(() => setup.feeds.requestsTo(FEED_PATH) >= target, `${count} more polls of ${FEED_PATH}`);
}

const titleOf = (message: PostedMessage) => String(message.text);
const sectionText = (message: PostedMessage) => String(((message.blocks?.[0] as { text?: { text?: string } }).text ?? {}).text);

describe.each<Mode>(['socket', 'http'])('Slack (%s mode): a channel subscribes to a feed and gets only the items that match', (mode) => {
  let setup: Setup;
  beforeAll(async () => {
    setup = await setUp(mode);
  }, 60_000);
  afterAll(() => tearDown(setup));

  it('refuses /feed add to a member who is not a workspace admin, and stores nothing', async () => {
    const result = await feed(setup, mode, `add <${setup.feeds.url(FEED_PATH)}> category:rust`, { user: MEMBER });
    expect(result.status).toBe(200);
    const answer = await answerOf(result, 1);
    expect(answer).toMatch(/Only workspace admins and owners/);
    expect(await answerOf(await feed(setup, mode, 'list', { user: MEMBER }))).toMatch(/No subscriptions here yet/);
  });

  it('subscribes #releases with an ephemeral confirmation, acknowledged within 3 seconds', async () => {
    const result = await feed(setup, mode, `add <${setup.feeds.url(FEED_PATH)}> category:rust -title:“rust belt”`);
    expect(result.ackMs).toBeLessThan(3000);
    expect(result.timedOut).toBe(false);
    expect(result.ack?.text).toMatch(/Fetching/);
    const [response] = await result.waitForResponses(1);
    expect(response!.response_type).toBe('ephemeral');
    expect(response!.text).toContain(`<#${RELEASES}> is now subscribed to`);
    expect(response!.text).toContain('Example &amp; Friends &lt;Releases&gt;');
    expect(response!.text).toContain('category:rust AND NOT title:"rust belt"');
    expect(response!.text).toMatch(/The feed has 2 items now; these will not be posted/);
  });

  it('posts nothing from the baseline', async () => {
    await waitForPolls(setup, 2);
    expect(setup.slack.messages(RELEASES)).toEqual([]);
  });

  it('posts a matching new item once as Block Kit, escaped, unfurling nothing; never a non-matching one', async () => {
    publish(
      setup,
      { guid: 'new-1', title: 'Rust 2.0 <!channel> & <@U0ADMIN>', description: '<p>Faster builds &lt;!here&gt; for &lt;https://evil.test|everyone&gt;</p>', author: 'Ferris', categories: ['rust'], image: 'https://example.org/ferris.png' },
      { guid: 'new-2', title: 'The rust belt revival', categories: ['rust'] },
      { guid: 'new-3', title: 'Tomatoes', categories: ['garden'] },
    );
    const [message] = await setup.slack.waitForMessages(RELEASES, 1, 15_000);
    await waitForPolls(setup, 2);
    expect(setup.slack.messages(RELEASES)).toHaveLength(1);

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
    const listed = await feed(setup, mode, `preview <${setup.feeds.url(FEED_PATH)}> category:garden`, { user: LISTED_MEMBER });
    const preview = await answerOf(listed, 1);
    expect(preview).toMatch(/latest 5 of 5 items/);
    expect(preview).toMatch(/2 would be posted/);

    const list = await answerOf(await feed(setup, mode, 'list', { user: MEMBER }));
    expect(list).toMatch(/1 subscription:/);
    expect(list).toContain(`<#${RELEASES}>`);
  });

  it('answers an unknown subcommand or a missing argument with the usage', async () => {
    const unknown = await answerOf(await feed(setup, mode, 'subscribe https://example.org/feed'));
    expect(unknown).toMatch(/subscribe/);
    expect(unknown).toContain('/feed add &lt;url&gt; [#channel] [filter...]');
    const missing = await answerOf(await feed(setup, mode, 'remove'));
    expect(missing).toContain('/feed remove &lt;subscription&gt;');
  });

  it('stops posting after /feed remove', async () => {
    const id = (await answerOf(await feed(setup, mode, 'list'))).match(/`(\w+)`/)?.[1];
    expect(id).toBeDefined();
    // Another channel keeps following the feed, so it is still polled and an absence of posts means something.
    expect(await answerOf(await feed(setup, mode, `add <${setup.feeds.url(FEED_PATH)}> <#${GENERAL}|general> category:garden`), 1)).toContain('is now subscribed');
    const refused = await answerOf(await feed(setup, mode, `remove ${id}`, { user: MEMBER }));
    expect(refused).toMatch(/Only workspace admins/);
    expect(await answerOf(await feed(setup, mode, `remove ${id}`))).toMatch(/Removed/);
    publish(setup, { guid: 'after-remove', title: 'Rust after removal', categories: ['rust', 'garden'] });
    await setup.slack.waitForMessages(GENERAL, 1, 15_000);
    await waitForPolls(setup, 2);
    expect(setup.slack.messages(RELEASES).map(titleOf)).not.toContainEqual(expect.stringContaining('after removal'));
  });
});

describe('Slack (socket mode): restarts, rate limits and lost channels', () => {
  let setup: Setup;
  const mode = 'socket';
  beforeAll(async () => {
    setup = await setUp(mode);
    const added = await feed(setup, mode, `add <${setup.feeds.url(FEED_PATH)}> <#${GENERAL}|general> category:rust`);
    expect(await answerOf(added, 1)).toContain(`<#${GENERAL}> is now subscribed`);
  }, 60_000);
  afterAll(() => tearDown(setup));

  it('posts to a public channel it was not invited to', async () => {
    publish(setup, { guid: 'public-1', title: 'Rust in #general', categories: ['rust'] });
    const [message] = await setup.slack.waitForMessages(GENERAL, 1, 15_000);
    expect(sectionText(message!)).toContain('Rust in #general');
  });

  it('posts nothing twice across a restart and delivers what arrived while it was down', async () => {
    await setup.herald.stop();
    publish(setup, { guid: 'down-1', title: 'Rust while Herald was down', categories: ['rust'] }, { guid: 'down-2', title: 'Not about it' });
    setup.herald = (await startHerald(setup, mode)).herald;
    await setup.slack.waitForMessages(GENERAL, 2, 15_000);
    await waitForPolls(setup, 3);
    expect(setup.slack.messages(GENERAL).map(titleOf)).toEqual([expect.stringContaining('Rust in #general'), expect.stringContaining('Rust while Herald was down')]);
  });

  it('reconnects when Slack recycles the Socket Mode connection, and keeps answering', async () => {
    const opened = setup.slack.socketLog().length;
    setup.slack.disconnectSockets('refresh_requested');
    await waitUntil(() => setup.slack.socketLog().length > opened && setup.slack.socketConnections() === 1, 'a new Socket Mode connection');
    expect(await answerOf(await feed(setup, mode, 'list', { user: MEMBER }))).toMatch(/1 subscription:/);
  });

  it('waits out a 429 from chat.postMessage and still posts once', async () => {
    setup.slack.rateLimitNext('chat.postMessage', 2);
    publish(setup, { guid: 'limited', title: 'Rust under rate limits', categories: ['rust'] });
    await setup.herald.waitForLine(/Slack rate limit: retry after 2 s/);
    await setup.slack.waitForMessages(GENERAL, 3, 20_000);
    const limited = setup.slack.calls('chat.postMessage').filter((call) => call.status === 429);
    expect(limited).toHaveLength(1);
    await waitForPolls(setup, 2);
    expect(setup.slack.messages(GENERAL).map(titleOf).filter((title) => title.includes('rate limits'))).toHaveLength(1);
  });

  it.each([
    { name: 'archived', channel: { id: 'C0ARCHIVE', name: 'archive-me' }, lose: { archived: true }, reason: /archived/ },
    { name: 'a private channel Herald was removed from', channel: { id: SECRET_ROOM, name: 'secret', isPrivate: true }, lose: { botIsMember: false }, reason: /private and Herald is not in it/ },
    { name: 'deleted', channel: { id: 'C0DOOMED', name: 'doomed' }, lose: { deleted: true }, reason: /no longer exists/ },
  ])('pauses a subscription whose channel is $name, tells its manager, and keeps the others posting', async ({ channel, lose, reason }) => {
    if (channel.id !== SECRET_ROOM) setup.slack.addChannel(channel);
    const added = await feed(setup, mode, `add <${setup.feeds.url(FEED_PATH)}> <#${channel.id}|${channel.name}> category:rust`, { channel: channel.id });
    expect(await answerOf(added, 1)).toContain('is now subscribed');
    setup.slack.updateChannel(channel.id, lose);
    const before = setup.slack.messages(GENERAL).length;
    const dmsBefore = setup.slack.calls('chat.postMessage').filter((call) => call.params.channel === ADMIN).length;
    publish(setup, { guid: `lost-${channel.id}`, title: `Rust for ${channel.name}`, categories: ['rust'] });
    await setup.slack.waitForMessages(GENERAL, before + 1, 15_000);
    await waitUntil(() => setup.slack.calls('chat.postMessage').filter((call) => call.params.channel === ADMIN && call.ok).length > dmsBefore, 'a direct message to the manager');
    const dm = setup.slack.calls('chat.postMessage').filter((call) => call.params.channel === ADMIN).at(-1)!;
    expect(String(dm.params.text)).toMatch(/Herald paused/);
    expect(String(dm.params.text)).toMatch(reason);
    expect(String(dm.params.text)).toContain(`<#${channel.id}>`);
    await setup.herald.waitForLine(new RegExp(`subscription paused.*${channel.id}|${channel.id}.*subscription paused`));

    const list = await answerOf(await feed(setup, mode, 'list', { user: MEMBER }));
    const line = list.split('\n').find((entry) => entry.includes(`<#${channel.id}>`));
    expect(line).toMatch(reason);
    expect(setup.slack.messages(channel.id)).toEqual([]);
  });
});

describe('Slack (HTTP mode): requests that are not from Slack', () => {
  let setup: Setup;
  const mode = 'http';
  beforeAll(async () => {
    setup = await setUp(mode);
  }, 60_000);
  afterAll(() => tearDown(setup));

  it.each([
    { signature: 'forged', logged: /"level":"warn".*Failed to parse and verify the request data/ },
    { signature: 'stale', logged: /"level":"warn".*Failed to parse and verify the request data/ },
    { signature: 'future', logged: /"level":"warn".*timestamped in the future/ },
  ] as const)('refuses a $signature signature with 401 and does nothing', async ({ signature, logged }) => {
    const result = await feed(setup, mode, `add <${setup.feeds.url(FEED_PATH)}>`, { signature });
    expect(result.status).toBe(401);
    await setup.herald.waitForLine(logged);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(result.responses).toEqual([]);
    expect(await answerOf(await feed(setup, mode, 'list'))).toMatch(/No subscriptions here yet/);
    expect(setup.feeds.requests.filter((request) => request.method === 'GET' && request.path === FEED_PATH && request.headers['if-none-match'] === undefined)).toHaveLength(0);
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
