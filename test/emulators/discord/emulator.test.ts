/**
 * The emulator driven by the real discord.js 14 client: login, command registration, slash commands
 * and autocomplete answered through the real interaction API, message posts with Discord's limits,
 * rate limits waited out by discord.js's REST, lost channels, resume and a second login.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ChannelType,
  Client,
  DiscordAPIError,
  EmbedBuilder,
  Events,
  GatewayIntentBits,
  MessageFlags,
  PermissionFlagsBits,
  REST,
  Routes,
  SlashCommandBuilder,
} from 'discord.js';
import type { Interaction, TextChannel } from 'discord.js';
import { startDiscordEmulator } from './server.ts';
import type { DiscordEmulator } from './types.ts';

const GUILD = '900000000000000001';
const NEWS = '900000000000000011';
const ALERTS = '900000000000000012';
const LOCKED = '900000000000000013';
const CATEGORY = '900000000000000014';
const BULK = '900000000000000015';
const SECRET = '900000000000000016';
const OTHER_GUILD = '900000000000000002';
const THIRD_GUILD = '900000000000000003';

const feedCommand = new SlashCommandBuilder()
  .setName('feed')
  .setDescription('Manage feed subscriptions')
  .addSubcommand((sub) =>
    sub
      .setName('add')
      .setDescription('Subscribe a channel to a feed')
      .addStringOption((o) => o.setName('url').setDescription('Feed URL').setRequired(true).setAutocomplete(true))
      .addChannelOption((o) => o.setName('channel').setDescription('Where to post').addChannelTypes(ChannelType.GuildText))
      .addIntegerOption((o) => o.setName('latest').setDescription('Post the latest N').setMinValue(0))
      .addBooleanOption((o) => o.setName('quiet').setDescription('No role mention')),
  )
  .addSubcommand((sub) => sub.setName('list').setDescription('List subscriptions'));

async function login(emulator: DiscordEmulator, onInteraction?: (i: Interaction) => void): Promise<Client> {
  const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: emulator.apiBase } });
  if (onInteraction) client.on(Events.InteractionCreate, onInteraction);
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login(emulator.token);
  await ready;
  return client;
}

function apiError(error: unknown): { status: number; code: number | string } {
  expect(error).toBeInstanceOf(DiscordAPIError);
  const { status, code } = error as DiscordAPIError;
  return { status, code };
}

describe('Discord emulator with the real discord.js client', () => {
  let emulator: DiscordEmulator;
  let client: Client;
  let rest: REST;
  let onInteraction: (interaction: Interaction) => Promise<void> = async () => {};
  let loginMs = 0;

  beforeAll(async () => {
    emulator = await startDiscordEmulator();
    emulator.addGuild({
      id: GUILD,
      name: 'Herald Test',
      channels: [
        { id: NEWS, name: 'news' },
        { id: ALERTS, name: 'alerts' },
        { id: LOCKED, name: 'locked' },
        { id: CATEGORY, name: 'Feeds', type: ChannelType.GuildCategory },
        { id: BULK, name: 'bulk' },
        { id: SECRET, name: 'secret' },
      ],
    });
    const started = Date.now();
    client = await login(emulator, (interaction) => void onInteraction(interaction));
    loginMs = Date.now() - started;
    rest = new REST({ api: emulator.apiBase }).setToken(emulator.token);
    await rest.put(Routes.applicationGuildCommands(emulator.applicationId, GUILD), { body: [feedCommand.toJSON()] });
  });

  afterAll(async () => {
    await client?.destroy();
    await emulator?.close();
  });

  it('logs in quickly with READY and GUILD_CREATE, caching the guild and its channels', () => {
    expect(loginMs).toBeLessThan(5000);
    expect(client.user?.id).toBe(emulator.botUserId);
    expect(client.application?.id).toBe(emulator.applicationId);
    const guild = client.guilds.cache.get(GUILD);
    expect(guild?.name).toBe('Herald Test');
    expect(guild?.channels.cache.get(NEWS)?.name).toBe('news');
    expect(guild?.channels.cache.get(CATEGORY)?.type).toBe(ChannelType.GuildCategory);
    expect(emulator.connectedClients).toBe(1);
  });

  it('records commands registered with REST.put and refuses invalid ones with 50035', async () => {
    const [stored] = emulator.registeredCommands.guild[GUILD] as Array<{ id: string; name: string; options: Array<{ name: string }> }>;
    expect(stored?.name).toBe('feed');
    expect(stored?.options.map((o) => o.name)).toEqual(['add', 'list']);

    await rest.put(Routes.applicationGuildCommands(emulator.applicationId, GUILD), { body: [feedCommand.toJSON()] });
    expect((emulator.registeredCommands.guild[GUILD]?.[0] as { id: string }).id).toBe(stored?.id);

    const invalid = { name: 'Feed', description: 'x'.repeat(101) };
    const error = await rest.put(Routes.applicationCommands(emulator.applicationId), { body: [invalid] }).catch((e: unknown) => e);
    expect(apiError(error)).toEqual({ status: 400, code: 50035 });
    expect((error as DiscordAPIError).rawError).toMatchObject({ errors: { 0: { name: {}, description: {} } } });
    expect(emulator.registeredCommands.global).toEqual([]);
  });

  it('delivers a slash command with subcommand, typed options, channel and member permissions; the ephemeral reply comes back', async () => {
    let seen: Record<string, unknown> = {};
    onInteraction = async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      seen = {
        subcommand: interaction.options.getSubcommand(),
        url: interaction.options.getString('url'),
        latest: interaction.options.getInteger('latest'),
        quiet: interaction.options.getBoolean('quiet'),
        channel: interaction.options.getChannel('channel')?.name,
        manageGuild: interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild),
        user: interaction.user.username,
        inChannel: interaction.channelId,
      };
      await interaction.reply({ content: 'Subscribed #alerts', flags: MessageFlags.Ephemeral });
    };
    const reply = await emulator.runCommand({
      guildId: GUILD,
      channelId: NEWS,
      user: { id: '700000000000000001', name: 'ada' },
      permissions: PermissionFlagsBits.ManageGuild,
      name: 'feed',
      subcommand: 'add',
      options: { url: 'https://example.org/feed.xml', channel: { channelId: ALERTS }, latest: 3, quiet: true },
    });
    expect(seen).toEqual({
      subcommand: 'add',
      url: 'https://example.org/feed.xml',
      latest: 3,
      quiet: true,
      channel: 'alerts',
      manageGuild: true,
      user: 'ada',
      inChannel: NEWS,
    });
    expect(reply).toMatchObject({ type: 4, ephemeral: true, content: 'Subscribed #alerts' });
  });

  it('reports a member without MANAGE_GUILD as such', async () => {
    let manageGuild: boolean | undefined;
    onInteraction = async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      manageGuild = interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild);
      await interaction.reply({ content: 'no', flags: MessageFlags.Ephemeral });
    };
    await emulator.runCommand({ guildId: GUILD, channelId: NEWS, name: 'feed', subcommand: 'list' });
    expect(manageGuild).toBe(false);
  });

  it('waits for the edit after deferReply and returns the edited response', async () => {
    onInteraction = async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      await new Promise((r) => setTimeout(r, 50));
      await interaction.editReply({ content: 'Two feeds', embeds: [new EmbedBuilder().setTitle('Subscriptions')] });
    };
    const reply = await emulator.runCommand({ guildId: GUILD, channelId: NEWS, name: 'feed', subcommand: 'list' });
    expect(reply).toMatchObject({ type: 5, ephemeral: true, content: 'Two feeds', embeds: [{ title: 'Subscriptions' }] });
  });

  it('refuses a second callback for one interaction with 400/40060', async () => {
    let second: unknown;
    onInteraction = async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      await interaction.reply({ content: 'first' });
      second = await client.rest
        .post(Routes.interactionCallback(interaction.id, interaction.token), { body: { type: 4, data: { content: 'again' } }, auth: false })
        .catch((e: unknown) => e);
    };
    const reply = await emulator.runCommand({ guildId: GUILD, channelId: NEWS, name: 'feed', subcommand: 'list' });
    await expect.poll(() => second).toBeDefined();
    expect(apiError(second)).toEqual({ status: 400, code: 40060 });
    expect(emulator.interaction(reply.interactionId)?.refused).toHaveLength(1);
  });

  it('sends autocomplete with the focused option and returns the respond() choices', async () => {
    let focused: unknown;
    onInteraction = async (interaction) => {
      if (!interaction.isAutocomplete()) return;
      focused = interaction.options.getFocused(true);
      await interaction.respond([{ name: 'Example feed', value: 'https://example.org/feed.xml' }]);
    };
    const choices = await emulator.autocomplete({
      guildId: GUILD,
      channelId: NEWS,
      name: 'feed',
      subcommand: 'add',
      options: { url: 'exam' },
      focused: 'url',
    });
    expect(focused).toMatchObject({ name: 'url', value: 'exam' });
    expect(choices).toEqual([{ name: 'Example feed', value: 'https://example.org/feed.xml' }]);
  });

  it('rejects runCommand for an unregistered command or a missing required option', async () => {
    await expect(emulator.runCommand({ guildId: GUILD, channelId: NEWS, name: 'nope' })).rejects.toThrow(/not registered/);
    await expect(emulator.runCommand({ guildId: GUILD, channelId: NEWS, name: 'feed', subcommand: 'add' })).rejects.toThrow(/requires url/);
  });

  it('records a channel.send embed with its payload, and enforce_nonce prevents a double post', async () => {
    const channel = client.channels.cache.get(NEWS) as TextChannel;
    const embed = new EmbedBuilder().setTitle('New post').setURL('https://example.org/1').setDescription('Summary');
    const options = { embeds: [embed], allowedMentions: { parse: [] }, nonce: 'item-1', enforceNonce: true };
    const first = await channel.send(options);
    const again = await channel.send(options);
    expect(again.id).toBe(first.id);
    const posted = emulator.messages(NEWS);
    expect(posted).toHaveLength(1);
    expect(posted[0]).toMatchObject({
      embeds: [{ title: 'New post', url: 'https://example.org/1', description: 'Summary' }],
      allowed_mentions: { parse: [] },
      nonce: 'item-1',
      enforce_nonce: true,
    });
  });

  it('refuses embeds over 6000 characters in total with 400/50035, which discord.js surfaces', async () => {
    const embeds = [1, 2].map((n) => new EmbedBuilder().setTitle(`Part ${n}`).setDescription('d'.repeat(3500)));
    const error = await (client.channels.cache.get(ALERTS) as TextChannel).send({ embeds }).catch((e: unknown) => e);
    expect(apiError(error)).toEqual({ status: 400, code: 50035 });
    expect((error as DiscordAPIError).rawError).toMatchObject({ errors: { embeds: { _errors: [{ code: 'MAX_EMBED_SIZE_EXCEEDED' }] } } });
    expect(emulator.messages(ALERTS)).toHaveLength(0);
  });

  it('answers a missing channel with 404/10003, a forbidden one with 403/50013, a category with 400/50008', async () => {
    const post = (id: string) => rest.post(Routes.channelMessages(id), { body: { content: 'hi' } }).catch((e: unknown) => e);
    expect(apiError(await post('900000000000009999'))).toEqual({ status: 404, code: 10003 });
    emulator.setChannelAccess(LOCKED, 'forbidden');
    expect(apiError(await post(LOCKED))).toEqual({ status: 403, code: 50013 });
    expect(apiError(await post(CATEGORY))).toEqual({ status: 400, code: 50008 });
    emulator.setChannelAccess(LOCKED, 'missing');
    expect(apiError(await post(LOCKED))).toEqual({ status: 404, code: 10003 });
    await expect.poll(() => client.channels.cache.has(LOCKED)).toBe(false);
  });

  it('lets discord.js wait out an injected 429 and then posts once', async () => {
    emulator.rateLimitNext(Routes.channelMessages(ALERTS), 1);
    const before = emulator.requests.length;
    const started = Date.now();
    await rest.post(Routes.channelMessages(ALERTS), { body: { content: 'after the wait' } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(emulator.messages(ALERTS).filter((m) => m.content === 'after the wait')).toHaveLength(1);
    const attempts = emulator.requests.slice(before).filter((r) => r.method === 'POST' && r.path === Routes.channelMessages(ALERTS));
    expect(attempts.map((r) => r.status)).toEqual([429, 200]);
  });

  it('lets discord.js wait out an injected global 429', async () => {
    emulator.rateLimitNext('POST /channels/', 1, { global: true });
    const started = Date.now();
    await rest.post(Routes.channelMessages(BULK), { body: { content: 'global wait' } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(emulator.messages(BULK).map((m) => m.content)).toEqual(['global wait']);
  });

  it('paces posts by the bucket headers so discord.js never hits a 429', async () => {
    const before = emulator.requests.length;
    const channel = client.channels.cache.get(BULK) as TextChannel;
    await Promise.all(Array.from({ length: 7 }, (_, i) => channel.send({ content: `item ${i}` })));
    expect(emulator.messages(BULK).slice(1).map((m) => m.content)).toEqual(Array.from({ length: 7 }, (_, i) => `item ${i}`));
    expect(emulator.requests.slice(before).map((r) => r.status)).not.toContain(429);
  });

  it('treats a follow-up right after a deferral as the edit, and records later follow-ups', async () => {
    let followUpId = '';
    onInteraction = async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      await interaction.deferReply();
      await interaction.followUp({ content: 'done' });
      followUpId = (await interaction.followUp({ content: 'one more', flags: MessageFlags.Ephemeral })).id;
    };
    const reply = await emulator.runCommand({ guildId: GUILD, channelId: NEWS, name: 'feed', subcommand: 'list' });
    expect(reply).toMatchObject({ type: 5, ephemeral: false, content: 'done' });
    await expect.poll(() => followUpId).not.toBe('');
    expect(emulator.interaction(reply.interactionId)?.followUps).toMatchObject([{ id: followUpId, content: 'one more', flags: 64 }]);
  });

  it('answers with_response callbacks and serves fetchReply and deleteReply on @original', async () => {
    let seen: Record<string, unknown> = {};
    onInteraction = async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      const response = await interaction.reply({ content: 'hello', withResponse: true });
      const fetched = await interaction.fetchReply();
      await interaction.deleteReply();
      seen = { resource: response.resource?.message?.content, fetched: fetched.content, same: fetched.id === response.resource?.message?.id };
    };
    const reply = await emulator.runCommand({ guildId: GUILD, channelId: NEWS, name: 'feed', subcommand: 'list' });
    await expect.poll(() => seen).toEqual({ resource: 'hello', fetched: 'hello', same: true });
    expect(emulator.interaction(reply.interactionId)?.original).toBeUndefined();
  });

  it('hides a channel the bot cannot view (403/50001) and tells the client about access changes', async () => {
    emulator.setChannelAccess(SECRET, 'hidden');
    const error = await rest.post(Routes.channelMessages(SECRET), { body: { content: 'x' } }).catch((e: unknown) => e);
    expect(apiError(error)).toEqual({ status: 403, code: 50001 });
    const listed = (await rest.get(Routes.guildChannels(GUILD))) as Array<{ id: string }>;
    expect(listed.map((c) => c.id)).not.toContain(SECRET);
    const channel = client.channels.cache.get(SECRET) as TextChannel;
    await expect.poll(() => channel.permissionsFor(client.user!)?.has(PermissionFlagsBits.ViewChannel)).toBe(false);
  });

  it('announces guilds joined and left after login', async () => {
    const joined = new Promise<string>((resolve) => client.once(Events.GuildCreate, (g) => resolve(g.name)));
    emulator.addGuild({ id: OTHER_GUILD, name: 'Second', channels: [{ id: '900000000000000021', name: 'general' }] });
    expect(await joined).toBe('Second');
    const left = new Promise<string>((resolve) => client.once(Events.GuildDelete, (g) => resolve(g.id)));
    emulator.removeGuild(OTHER_GUILD);
    expect(await left).toBe(OTHER_GUILD);
    const error = await rest.post(Routes.channelMessages('900000000000000021'), { body: { content: 'x' } }).catch((e: unknown) => e);
    expect(apiError(error)).toEqual({ status: 403, code: 50001 });
  });

  it('announces a channel made after login in a guild it is in, as Discord does, with CHANNEL_CREATE', async () => {
    const joined = new Promise<void>((resolve) => client.once(Events.GuildCreate, () => resolve()));
    emulator.addGuild({ id: THIRD_GUILD, name: 'Third', channels: [{ id: '900000000000000031', name: 'first' }] });
    await joined;
    const created = new Promise<string>((resolve) => client.once(Events.ChannelCreate, (channel) => resolve(channel.id)));
    emulator.addGuild({ id: THIRD_GUILD, name: 'Third', channels: [{ id: '900000000000000031', name: 'first' }, { id: '900000000000000032', name: 'later' }] });
    expect(await created).toBe('900000000000000032');
    const guild = client.guilds.cache.get(THIRD_GUILD);
    expect(guild?.channels.cache.map((channel) => channel.name).sort()).toEqual(['first', 'later']);
  });

  it('requires the bot token and sends rate-limit headers', async () => {
    const anonymous = await fetch(`${emulator.apiBase}/v10/users/@me`);
    expect(anonymous.status).toBe(401);
    const me = await fetch(`${emulator.apiBase}/v10/users/@me`, { headers: { Authorization: `Bot ${emulator.token}` } });
    expect(me.status).toBe(200);
    expect(me.headers.get('x-ratelimit-limit')).toBe('5');
    expect(me.headers.get('x-ratelimit-bucket')).toMatch(/\w+/);
  });

  it('resumes the session after a dropped connection and keeps delivering interactions', async () => {
    const resumed = new Promise<void>((resolve) => client.once(Events.ShardResume, () => resolve()));
    emulator.dropConnections(4000);
    await resumed;
    expect(emulator.connectedClients).toBe(1);
    onInteraction = async (interaction) => {
      if (interaction.isChatInputCommand()) await interaction.reply({ content: 'still here' });
    };
    const reply = await emulator.runCommand({ guildId: GUILD, channelId: NEWS, name: 'feed', subcommand: 'list' });
    expect(reply.content).toBe('still here');
  });

  it('lets a new client log in after the first is destroyed', async () => {
    await client.destroy();
    await expect.poll(() => emulator.connectedClients).toBe(0);
    client = await login(emulator, (interaction) => void onInteraction(interaction));
    expect(emulator.connectedClients).toBe(1);
    expect(client.guilds.cache.get(GUILD)?.channels.cache.has(NEWS)).toBe(true);
  });
});

describe('Discord emulator interaction deadline', () => {
  it('rejects runCommand when the bot misses the deadline and answers a late callback with 404/10062', async () => {
    const emulator = await startDiscordEmulator({ interactionDeadlineMs: 200 });
    emulator.addGuild({ id: GUILD, name: 'Slow', channels: [{ id: NEWS, name: 'news' }] });
    const rest = new REST({ api: emulator.apiBase }).setToken(emulator.token);
    await rest.put(Routes.applicationGuildCommands(emulator.applicationId, GUILD), { body: [feedCommand.toJSON()] });
    let late: unknown;
    const client = await login(emulator, (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      setTimeout(() => {
        interaction.reply({ content: 'too late' }).catch((e: unknown) => (late = e));
      }, 400);
    });
    try {
      await expect(emulator.runCommand({ guildId: GUILD, channelId: NEWS, name: 'feed', subcommand: 'list' })).rejects.toThrow(
        /did not answer the interaction within/,
      );
      await expect.poll(() => late, { timeout: 2000 }).toBeDefined();
      expect(apiError(late)).toEqual({ status: 404, code: 10062 });
    } finally {
      await client.destroy();
      await emulator.close();
    }
  });
});
