/**
 * A subscription declared in herald.yaml for a Discord server, as that server's admin meets it: /feed list shows it
 * with where it is declared, and /feed remove refuses it and says to edit the file (the real bot process against
 * the Discord emulator).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDiscordEmulator } from '../emulators/discord/server.ts';
import type { DiscordEmulator } from '../emulators/discord/server.ts';
import { makeRss } from '../emulators/feed-documents.ts';
import { startFeedServer } from '../emulators/feed-server.ts';
import type { FeedServer } from '../emulators/feed-server.ts';
import { makeWorkDirectory, startHeraldProcess } from './herald-process.ts';
import type { HeraldProcess } from './herald-process.ts';

const GUILD = '100000000000000071';
const CHANNEL = '200000000000000071';
const ADMIN = { id: '300000000000000071', name: 'admin' };
const MANAGE_GUILD = 1n << 5n;

let feeds: FeedServer;
let discord: DiscordEmulator;
let work: ReturnType<typeof makeWorkDirectory>;
let herald: HeraldProcess;

beforeAll(async () => {
  feeds = await startFeedServer();
  discord = await startDiscordEmulator();
  discord.addGuild({ id: GUILD, name: 'Config People', channels: [{ id: CHANNEL, name: 'news' }] });
  feeds.setFeed('/declared.xml', makeRss([], { title: 'Declared Feed' }));
  work = makeWorkDirectory({
    'herald.yaml': ['subscriptions:', `  - url: ${feeds.url('/declared.xml')}`, '    platform: discord', `    workspace: "${GUILD}"`, `    channel: "${CHANNEL}"`, '    rule: kafka', ''].join('\n'),
  });
  // No HERALD_ALLOW_PRIVATE_URLS: the file's loopback feed is the operator's choice.
  herald = await startHeraldProcess({
    cwd: work.cwd,
    env: { DISCORD_TOKEN: discord.token, DISCORD_API_URL: discord.apiBase, DISCORD_GUILD_ID: GUILD, HERALD_STORE: 'sqlite://data/herald.sqlite', HERALD_POLL_INTERVAL: '1' },
    readyTimeoutMs: 60_000,
  });
}, 120_000);

afterAll(async () => {
  await herald?.stop();
  await discord?.close();
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
