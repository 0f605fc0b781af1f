/**
 * The sender against the Discord emulator with discord.js's real REST client: each answer maps to an outcome,
 * and a paused subscription's manager gets a direct message.
 */
import { REST } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDiscordEmulator } from '../../../test/emulators/discord/server.ts';
import type { DiscordEmulator } from '../../../test/emulators/discord/server.ts';
import { reply } from '../../commands/reply.ts';
import type { Message } from '../../format/message.ts';
import type { Subscription } from '../../store/records.ts';
import { DiscordSender } from './discord-sender.ts';
import { renderDiscordReply } from './render-reply.ts';

const MANAGER = '300000000000000001';
const CLOSED_MANAGER = '300000000000000002';

let discord: DiscordEmulator;
let sender: DiscordSender;
beforeAll(async () => {
  discord = await startDiscordEmulator();
  discord.addGuild({
    id: '1', name: 'G',
    channels: [
      { id: '11', name: 'ok' }, { id: '12', name: 'forbidden' }, { id: '13', name: 'hidden' }, { id: '14', name: 'missing' }, { id: '15', name: 'thread', type: 11 }, { id: '16', name: 'locked', type: 11 },
      { id: '17', name: 'long-links' }, { id: '18', name: 'token-reset' },
    ],
  });
  discord.setChannelAccess('12', 'forbidden');
  discord.setChannelAccess('13', 'hidden');
  discord.setChannelAccess('14', 'missing');
  discord.closeDirectMessages(CLOSED_MANAGER);
  sender = new DiscordSender(new REST({ api: discord.apiBase, retries: 0 }).setToken(discord.token), discord.token);
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

  it('posts again without a link Discord refuses (50035 at embeds.0.url), and says what it left out', async () => {
    const long = { ...message, title: 'Long link', url: `https://blog.test/${'a'.repeat(2100)}` };
    const outcome = await sender.send('17', long, 'delivery-long');
    expect(outcome).toEqual({ kind: 'sent', without: ['the link (embeds.0.url: Must be 2048 or fewer in length.)'] });
    const posted = discord.messages('17');
    expect(posted).toHaveLength(1);
    expect(posted[0]!.embeds[0]).toMatchObject({ title: 'Long link', description: 'News' });
    expect(posted[0]!.embeds[0]).not.toHaveProperty('url');
    const refused = discord.requests.filter((request) => request.method === 'POST' && request.path === '/channels/17/messages' && request.status === 400);
    expect(refused).toHaveLength(1);
  });

  it('unarchives an archived thread and posts in it; reports a locked one as lost', async () => {
    discord.archiveThread('15');
    expect(await sender.send('15', message, 'delivery-thread')).toEqual({ kind: 'sent', without: ['the thread was archived: Herald unarchived it'] });
    expect(discord.threadState('15')).toEqual({ archived: false, locked: false });
    expect(discord.messages('15')).toHaveLength(1);
    discord.archiveThread('16', { locked: true });
    const outcome = await sender.send('16', message, 'delivery-locked');
    expect(outcome).toEqual({ kind: 'channel-lost', reason: expect.stringMatching(/thread is archived and Herald could not unarchive it.*50013/) });
    expect(discord.messages('16')).toEqual([]);
  });

  it('stops on a reset token (401) without blaming the message, and knows when the token works again', async () => {
    discord.resetToken();
    try {
      const outcome = await sender.send('18', message, 'delivery-401');
      expect(outcome).toMatchObject({ kind: 'auth-failed', reason: expect.stringMatching(/401/), action: expect.stringMatching(/DISCORD_TOKEN/) });
      expect(await sender.checkCredentials()).toBe(false);
    } finally {
      discord.restoreToken();
    }
    expect(await sender.checkCredentials()).toBe(true);
    expect(await sender.send('18', message, 'delivery-after-401')).toEqual({ kind: 'sent' });
    expect(discord.messages('18').map((posted) => posted.nonce)).toEqual(['delivery-after-401']);
  });

  it('reports an unreachable Discord as worth retrying', async () => {
    const unreachable = new DiscordSender(new REST({ api: 'http://127.0.0.1:9/api', retries: 0, timeout: 2_000 }).setToken('x'));
    expect((await unreachable.send('11', message, 'd-x')).kind).toBe('retry');
  });
});

function subscription(createdBy: string): Subscription {
  return {
    id: 'ab12cd', platform: 'discord', workspaceId: '100000000000000001', channelId: '200000000000000001',
    feedUrl: 'https://blog.test/feed', feedTitle: 'Blog @everyone', rule: '', createdAt: '2026-01-01T00:00:00.000Z',
    createdBy, paused: true, pausedReason: 'gone',
  };
}

const notice = reply([
  ['Herald paused ', { code: 'ab12cd' }, ' (', { link: 'https://blog.test/feed', label: 'Blog @everyone' }, ') in ', { channel: '200000000000000001' }, ': gone.'],
  ['Use ', { code: '/feed resume ab12cd' }, ' once fixed.'],
]);

describe('DiscordSender.tellManager', () => {
  it('sends the manager one direct message with the rendered notice, pinging nobody', async () => {
    await sender.tellManager(subscription(MANAGER), notice);
    const messages = discord.directMessages(MANAGER);
    expect(messages).toHaveLength(1);
    expect(messages[0]!.content).toBe(renderDiscordReply(notice));
    expect(messages[0]!.content).toContain('`/feed resume ab12cd`');
    expect(messages[0]!.content).not.toContain('@everyone');
    expect(messages[0]!.allowed_mentions).toEqual({ parse: [] });
    expect(messages[0]!.embeds).toEqual([]);
  });

  it('does nothing for a subscription from the config file, whose creator is no Discord user', async () => {
    const before = discord.requests.length;
    await expect(sender.tellManager(subscription('config'), notice)).resolves.toBeUndefined();
    expect(discord.requests.slice(before)).toEqual([]);
  });

  it('fails when Discord will not let the bot message that person', async () => {
    await expect(sender.tellManager(subscription(CLOSED_MANAGER), notice)).rejects.toMatchObject({ status: 403, code: 50007 });
    expect(discord.directMessages(CLOSED_MANAGER)).toEqual([]);
  });
});
