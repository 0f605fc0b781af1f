/**
 * Admin layers and mentions as managers use them, on both platforms, with Herald as a real process against the
 * Discord and Slack emulators: a server/workspace rule blocks items for every subscription there, /feed filter
 * changes a subscription's rule without reposting what the feed already held, /feed list shows both layers, and
 * /feed mention pings a role or user group only for items that also match its rule (checked in what the platform
 * received); a role deleted since is reported to the manager and not pinged, and /feed mention of a role or user
 * group the server or workspace does not have (deleted, disabled, or an id that names none) is refused, storing nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
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

const FEED_PATH = '/layers.xml';
const cleanups: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A feed the test adds items to, newest first. */
async function startFeed(): Promise<{ feeds: FeedServer; publish(...titles: string[]): void; polls(): number }> {
  const feeds = await startFeedServer();
  cleanups.push(() => feeds.close());
  const published: TestItem[] = [];
  const publish = (...titles: string[]) => {
    for (const title of titles) {
      const guid = `item-${published.length + 1}`;
      published.unshift({ guid, title, link: `https://news.test/${guid}`, pubDate: new Date() });
    }
    feeds.setFeed(FEED_PATH, makeRss(published, { title: 'Layer News' }));
  };
  publish('Already there: Kafka sponsored webinar');
  return { feeds, publish, polls: () => feeds.requestsTo(FEED_PATH) };
}

async function startHerald(env: Record<string, string>): Promise<HeraldProcess> {
  const work = makeWorkDirectory({ 'herald.yaml': 'subscriptions: []\n' });
  const herald = await startHeraldProcess({
    cwd: work.cwd,
    env: { HERALD_STORE: 'sqlite://data/herald.sqlite', HERALD_POLL_INTERVAL: '1', HERALD_ALLOW_PRIVATE_URLS: 'true', LOG_LEVEL: 'debug', ...env },
    readyPattern: /Herald started/,
  });
  cleanups.push(() => work.remove());
  cleanups.push(async () => void (await herald.stop()));
  return herald;
}

async function morePolls(feed: { polls(): number }, count: number): Promise<void> {
  const target = feed.polls() + count;
  await waitUntil(() => feed.polls() >= target, `${count} more polls`);
}

describe('on Discord', () => {
  const GUILD = '100000000000000010';
  const CHANNEL = '200000000000000010';
  const ROLE = '400000000000000010';
  const DELETED_ROLE = '400000000000000011';
  const UNKNOWN_ROLE = '400000000000000099';
  const ADMIN = { id: '300000000000000010', name: 'admin' };
  const MANAGE_GUILD = 1n << 5n;

  it('layers the server rule over each filter, changes a filter in place, and pings a role only for matching items until it is deleted', async () => {
    const feed = await startFeed();
    const discord: DiscordEmulator = await startDiscordEmulator();
    cleanups.push(() => discord.close());
    discord.addGuild({ id: GUILD, name: 'Guild', channels: [{ id: CHANNEL, name: 'news' }], roles: [{ id: ROLE, name: 'releases' }, { id: DELETED_ROLE, name: 'old-releases' }] });
    const herald = await startHerald({ DISCORD_TOKEN: discord.token, DISCORD_API_URL: discord.apiBase, DISCORD_GUILD_ID: GUILD });
    const command = (subcommand: string, options: Record<string, unknown>, permissions = MANAGE_GUILD) =>
      discord.runCommand({ guildId: GUILD, channelId: CHANNEL, user: ADMIN, permissions, name: 'feed', subcommand, options: options as never, timeoutMs: 20_000 });

    expect((await command('rules', { action: 'set', rule: '-sponsored' }, 0n)).content).toMatch(/Only people who can manage this server/);
    expect((await command('rules', { action: 'set', rule: '-sponsored' })).content).toMatch(/This server's rule is now `NOT sponsored`/);
    expect((await command('rules', {}, 0n)).content).toMatch(/This server's rule: `NOT sponsored`/);

    const added = await command('add', { url: feed.feeds.url(FEED_PATH) });
    const id = /\(id `(\w+)`\)/.exec(added.content)?.[1];
    expect(id).toBeDefined();

    feed.publish('Kafka sponsored deep dive', 'Kafka 4.1 released');
    const [first] = await discord.waitForMessages(CHANNEL, 1, 15_000);
    await morePolls(feed, 2);
    expect(discord.messages(CHANNEL).map((message) => message.embeds?.[0]?.title)).toEqual(['Kafka 4.1 released']);
    expect(first!.allowed_mentions).toEqual({ parse: [] });
    expect(herald.stderr()).toMatch(/blocked by this server's rule -sponsored: blocked by -sponsored \(found in title\)/);

    const filtered = await command('filter', { subscription: id, filter: 'beta' });
    expect(filtered.content).toMatch(/now posts new items matching `beta`/);
    await morePolls(feed, 2);
    expect(discord.messages(CHANNEL)).toHaveLength(1);

    const listed = (await command('list', {}, 0n)).content;
    expect(listed).toMatch(/This server's rule, which every subscription here obeys too: `NOT sponsored`/);
    expect(listed).toMatch(new RegExp(`${id}.* filter \`beta\``));

    const mentioned = await command('mention', { subscription: id, role: { roleId: ROLE }, when: 'urgent' });
    expect(mentioned.content).toMatch(/now pings @releases .* for the items it posts that also match `urgent`/);
    expect((await command('list', {}, 0n)).content).toMatch(/🔔 @releases when `urgent`/);

    // A role the server does not have (deleted as the manager picked it, or an id Discord did not resolve) is
    // refused, and the mention stays as it was: the pings below still follow @releases when urgent.
    discord.deleteRole(GUILD, DELETED_ROLE);
    for (const [role, shown] of [[{ missingRoleId: DELETED_ROLE, staleName: 'old-releases' }, 'old-releases'], [{ missingRoleId: UNKNOWN_ROLE }, UNKNOWN_ROLE]] as const) {
      const refused = await command('mention', { subscription: id, role });
      expect(refused.ephemeral).toBe(true);
      expect(refused.content).toMatch(new RegExp(`There is no role @${shown} in this server \\(it may have been deleted\\)`));
    }
    expect((await command('list', {}, 0n)).content).toMatch(/🔔 @releases when `urgent`/);

    feed.publish('Beta urgent fix', 'Beta notes');
    const pinged = await discord.waitForMessages(CHANNEL, 3, 15_000);
    const byTitle = (title: string) => pinged.find((message) => message.embeds?.[0]?.title === title)!;
    expect(byTitle('Beta urgent fix').content).toBe(`<@&${ROLE}>`);
    expect(byTitle('Beta urgent fix').allowed_mentions).toEqual({ parse: [], roles: [ROLE] });
    expect(byTitle('Beta notes').content ?? '').toBe('');
    expect(byTitle('Beta notes').allowed_mentions).toEqual({ parse: [] });

    discord.deleteRole(GUILD, ROLE);
    feed.publish('Beta urgent again');
    const after = await discord.waitForMessages(CHANNEL, 4, 15_000);
    const last = after.find((message) => message.embeds?.[0]?.title === 'Beta urgent again')!;
    expect(last.content ?? '').toBe('');
    expect(last.allowed_mentions).toEqual({ parse: [] });
    const [notice] = await discord.waitForDirectMessages(ADMIN.id, 1, 15_000);
    expect(notice!.content).toMatch(/was set to ping @releases, but that role no longer exists/);
    expect(herald.stderr()).toMatch(/the role to mention no longer exists; posted without the ping/);
    expect((await command('list', {}, 0n)).content).not.toMatch(/🔔/);

    expect((await command('rules', { action: 'clear' })).content).toMatch(/This server has no rule now/);
  }, 120_000);
});

describe('on Slack', () => {
  const CHANNEL = 'C0LAYERS';
  const ADMIN = 'U0ADMIN';

  it('layers the workspace rule over each filter, changes a filter in place, and pings a user group only for matching items until it is disabled', async () => {
    const feed = await startFeed();
    const slack: SlackEmulator = await startSlackEmulator();
    cleanups.push(() => slack.close());
    slack.addChannel({ id: CHANNEL, name: 'layers' });
    slack.addUser({ id: ADMIN, name: 'ada', isAdmin: true });
    slack.addUser({ id: 'U0MEMBER', name: 'mel' });
    const group = slack.addUserGroup({ handle: 'releases', name: 'Release watchers' });
    const herald = await startHerald({ SLACK_BOT_TOKEN: slack.botToken, SLACK_APP_TOKEN: slack.appToken, SLACK_API_URL: slack.apiUrl });
    await slack.waitForSocketConnection(15_000);
    const run = async (text: string, options: { user?: string; responses?: number } = {}) => {
      const result = await slack.runSlashCommand({ mode: 'socket', command: '/feed', text, channelId: CHANNEL, userId: options.user ?? ADMIN });
      if (options.responses) await result.waitForResponses(options.responses, 20_000);
      return result;
    };
    const command = async (text: string, options: { user?: string; responses?: number } = {}) => (await run(text, options)).visibleText();
    /** A refusal only the manager sees. */
    const refusal = async (text: string) => {
      const result = await run(text);
      expect(result.ack?.response_type).toBe('ephemeral');
      return result.visibleText();
    };

    expect(await command('rules set -sponsored', { user: 'U0MEMBER' })).toMatch(/Only workspace admins/);
    expect(await command('rules set -sponsored')).toMatch(/This workspace's rule is now `NOT sponsored`/);
    expect(await command('rules show', { user: 'U0MEMBER' })).toMatch(/This workspace's rule: `NOT sponsored`/);

    const added = await command(`add <${feed.feeds.url(FEED_PATH)}>`, { responses: 1 });
    const id = /\(id `(\w+)`\)/.exec(added)?.[1];
    expect(id).toBeDefined();

    feed.publish('Kafka sponsored deep dive', 'Kafka 4.1 released');
    await slack.waitForMessages(CHANNEL, 1, 15_000);
    await morePolls(feed, 2);
    expect(slack.messages(CHANNEL).map((message) => message.text)).toEqual([expect.stringMatching(/^Kafka 4\.1 released/)]);
    expect(herald.stderr()).toMatch(/blocked by this workspace's rule -sponsored/);

    expect(await command(`filter ${id} beta`)).toMatch(/now posts new items matching `beta`/);
    await morePolls(feed, 2);
    expect(slack.messages(CHANNEL)).toHaveLength(1);

    const listed = await command('list', { user: 'U0MEMBER' });
    expect(listed).toMatch(/This workspace's rule, which every subscription here obeys too: `NOT sponsored`/);
    expect(listed).toMatch(new RegExp(`${id}.* filter \`beta\``));

    expect(await refusal(`mention ${id} @ghosts`)).toMatch(/There is no user group @ghosts in this workspace/);
    expect(await command(`mention ${id} <!subteam^${group}|@releases> when urgent`)).toMatch(/now pings @releases .* for the items it posts that also match `urgent`/);

    feed.publish('Beta urgent fix', 'Beta notes');
    const posted = await slack.waitForMessages(CHANNEL, 3, 15_000);
    const byTitle = (title: string) => posted.find((message) => message.text?.includes(title))!;
    expect(byTitle('Beta urgent fix').text).toMatch(new RegExp(`^<!subteam\\^${group}> Beta urgent fix`));
    expect(byTitle('Beta urgent fix').blocks?.[0]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: `<!subteam^${group}>`, verbatim: true } });
    expect(JSON.stringify(byTitle('Beta notes'))).not.toMatch(/subteam|<!here|<!channel|<!everyone/);

    slack.disableUserGroup(group);
    feed.publish('Beta urgent again');
    const after = await slack.waitForMessages(CHANNEL, 4, 15_000);
    expect(JSON.stringify(after.find((message) => message.text?.includes('Beta urgent again')))).not.toMatch(/subteam/);
    const notice = await waitUntil(() => slack.messages(ADMIN).find((message) => /no longer exists/.test(message.text ?? '')), 'the notice to the manager');
    expect(notice.text).toMatch(/was set to ping @releases, but that user group no longer exists/);
    expect(herald.stderr()).toMatch(/the role to mention no longer exists; posted without the ping/);

    // The disabled group picked again (a client's stale list) is refused and stored nowhere: there is nothing to stop.
    expect(await refusal(`mention ${id} <!subteam^${group}|@releases> when urgent`)).toMatch(/There is no user group @releases in this workspace \(it may have been deleted\)/);
    expect(await command(`mention ${id} none`)).toMatch(/pinged nobody; nothing changed/);
    expect(await command('rules clear')).toMatch(/This workspace has no rule now/);
  }, 120_000);
});
