/**
 * Direct messages through the emulator with the real discord.js client: opening a DM channel, posting
 * in it, reading it back, and Discord's 50007 for a user who takes no messages from the bot.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChannelType, Client, DiscordAPIError, Events, GatewayIntentBits, REST, Routes } from 'discord.js';
import type { APIDMChannel } from 'discord.js';
import { startDiscordEmulator } from './server.ts';
import type { DiscordEmulator } from './types.ts';

const OPEN_USER = '800000000000000001';
const CLOSED_USER = '800000000000000002';

let emulator: DiscordEmulator;
let client: Client;
let rest: REST;

beforeAll(async () => {
  emulator = await startDiscordEmulator();
  emulator.addGuild({ id: '800000000000000100', name: 'G', channels: [{ id: '800000000000000101', name: 'general' }] });
  emulator.closeDirectMessages(CLOSED_USER);
  client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: emulator.apiBase } });
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login(emulator.token);
  await ready;
  rest = new REST({ api: emulator.apiBase, retries: 0 }).setToken(emulator.token);
});

afterAll(async () => {
  await client?.destroy();
  await emulator?.close();
});

describe('Discord emulator: direct messages', () => {
  it('opens one DM channel per user that discord.js accepts, and records what is posted there', async () => {
    const dm = await client.users.createDM(OPEN_USER);
    expect(dm.type).toBe(ChannelType.DM);
    expect(dm.recipientId).toBe(OPEN_USER);
    const again = (await rest.post(Routes.userChannels(), { body: { recipient_id: OPEN_USER } })) as APIDMChannel;
    expect(again.id).toBe(dm.id);
    expect(again.recipients?.map((user) => user.id)).toEqual([OPEN_USER]);

    await dm.send({ content: 'Hello **there**', allowedMentions: { parse: [] } });
    const [message] = await emulator.waitForDirectMessages(OPEN_USER, 1);
    expect(message).toMatchObject({ channelId: dm.id, content: 'Hello **there**', allowed_mentions: { parse: [] } });
    expect(emulator.directMessages(CLOSED_USER)).toEqual([]);
    expect(((await rest.get(Routes.channel(dm.id))) as { type: number }).type).toBe(1);
    expect(((await rest.get(Routes.channelMessages(dm.id))) as Array<{ content: string }>).map((m) => m.content)).toEqual(['Hello **there**']);
  });

  it('opens a DM with a user who takes no messages, but refuses posts there with 403/50007', async () => {
    const dm = (await rest.post(Routes.userChannels(), { body: { recipient_id: CLOSED_USER } })) as APIDMChannel;
    const error = await rest.post(Routes.channelMessages(dm.id), { body: { content: 'Hi' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DiscordAPIError);
    expect(error).toMatchObject({ status: 403, code: 50007, message: 'Cannot send messages to this user' });
    expect(emulator.directMessages(CLOSED_USER)).toEqual([]);
  });

  it.each([
    { name: 'no recipient', body: {}, code: 'BASE_TYPE_REQUIRED' },
    { name: 'a recipient that is not a snowflake', body: { recipient_id: 'config' }, code: 'NUMBER_TYPE_COERCE' },
  ])('refuses a DM with $name with 400/50035', async ({ body, code }) => {
    const error = await rest.post(Routes.userChannels(), { body }).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 400, code: 50035, rawError: { errors: { recipient_id: { _errors: [{ code }] } } } });
  });
});
