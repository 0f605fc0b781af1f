/** The sender against the Discord emulator with discord.js's real REST client: each answer maps to an outcome. */
import { REST } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDiscordEmulator } from '../../../test/emulators/discord/server.ts';
import type { DiscordEmulator } from '../../../test/emulators/discord/server.ts';
import type { Message } from '../../format/message.ts';
import { DiscordSender } from './discord-sender.ts';

let discord: DiscordEmulator;
let sender: DiscordSender;
beforeAll(async () => {
  discord = await startDiscordEmulator();
  discord.addGuild({ id: '1', name: 'G', channels: [{ id: '11', name: 'ok' }, { id: '12', name: 'forbidden' }, { id: '13', name: 'hidden' }, { id: '14', name: 'missing' }] });
  discord.setChannelAccess('12', 'forbidden');
  discord.setChannelAccess('13', 'hidden');
  discord.setChannelAccess('14', 'missing');
  sender = new DiscordSender(new REST({ api: discord.apiBase, retries: 0 }).setToken(discord.token));
});
afterAll(async () => {
  await discord.close();
});

const message: Message = { title: 'Kafka 4.0', url: 'https://blog.test/kafka', summary: 'News', feedTitle: 'Blog', feedUrl: 'https://blog.test/feed', categories: [] };

describe('DiscordSender', () => {
  it('posts one embed with no pings and a nonce, and a repeated nonce does not post twice', async () => {
    expect(await sender.send('11', message, 'delivery-1')).toEqual({ kind: 'sent' });
    expect(await sender.send('11', message, 'delivery-1')).toEqual({ kind: 'sent' });
    const posted = discord.messages('11');
    expect(posted).toHaveLength(1);
    expect(posted[0]).toMatchObject({ nonce: 'delivery-1', enforce_nonce: true, allowed_mentions: { parse: [] } });
  });

  it.each([
    { channel: '12', reason: /may not post/ },
    { channel: '13', reason: /may not post/ },
    { channel: '14', reason: /no longer exists/ },
  ])('reports channel $channel as lost', async ({ channel, reason }) => {
    const outcome = await sender.send(channel, message, `d-${channel}`);
    expect(outcome.kind).toBe('channel-lost');
    expect(outcome.kind === 'channel-lost' && outcome.reason).toMatch(reason);
  });

  it('reports an unreachable Discord as worth retrying', async () => {
    const unreachable = new DiscordSender(new REST({ api: 'http://127.0.0.1:9/api', retries: 0, timeout: 2_000 }).setToken('x'));
    expect((await unreachable.send('11', message, 'd-x')).kind).toBe('retry');
  });
});
