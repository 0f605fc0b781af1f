/**
 * The fault schedule and the invalid request limit: each fault fires on exactly the requests it names, answers as
 * Discord does (rate-limits.mdx), is recorded, and a lost answer after the message was created is what
 * enforce_nonce exists for.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { REST, Routes } from 'discord.js';
import { startDiscordEmulator } from './server.ts';
import type { DiscordEmulator, EmulatorOptions } from './types.ts';

const GUILD = '900000000000000301';
const CHANNEL = '900000000000000311';
const OTHER = '900000000000000312';
const WIDE_ROUTES = { routeLimit: { limit: 1000, windowMs: 1000 }, globalLimitPerSecond: 1000 };

describe('Discord emulator faults', () => {
  let emulator: DiscordEmulator;

  const start = async (options: EmulatorOptions = WIDE_ROUTES) => {
    emulator = await startDiscordEmulator(options);
    emulator.addGuild({ id: GUILD, name: 'Faults', channels: [{ id: CHANNEL, name: 'one' }, { id: OTHER, name: 'two' }] });
  };
  const post = (channelId = CHANNEL, body: Record<string, unknown> = { content: 'hello' }, token = emulator.token) =>
    fetch(`${emulator.apiBase}/v10/channels/${channelId}/messages`, {
      method: 'POST',
      headers: { Authorization: `Bot ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });

  afterEach(async () => {
    await emulator?.close();
  });

  it('answers the 2nd and 3rd matching posts with a route 429 and leaves other channels alone', async () => {
    await start();
    emulator.faults.schedule({ match: `POST /channels/${CHANNEL}/messages`, from: 2, to: 3, fault: { kind: 'rate-limit', scope: 'user', retryAfter: 0.3 } });
    const statuses = [];
    for (let index = 0; index < 4; index += 1) {
      statuses.push((await post()).status);
      statuses.push((await post(OTHER)).status);
    }
    expect(statuses).toEqual([200, 200, 429, 200, 429, 200, 200, 200]);
    expect(emulator.faults.counts()).toEqual({ '429 user': 2 });
    expect(emulator.messages(CHANNEL)).toHaveLength(2);
  });

  it('sends the documented headers and body for each scope, with a code when given', async () => {
    await start();
    const match = 'POST /channels/';
    emulator.faults.schedule(
      { match, from: 1, fault: { kind: 'rate-limit', scope: 'user', retryAfter: 2.5 } },
      { match, from: 2, fault: { kind: 'rate-limit', scope: 'shared', retryAfter: 0.4, code: 40062 } },
      { match, from: 3, fault: { kind: 'rate-limit', scope: 'global', retryAfter: 0.2 } },
    );
    const user = await post();
    expect(user.headers.get('retry-after')).toBe('3');
    expect(user.headers.get('x-ratelimit-scope')).toBe('user');
    expect(user.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(await user.json()).toEqual({ message: 'You are being rate limited.', retry_after: 2.5, global: false });

    const shared = await post();
    expect(shared.headers.get('x-ratelimit-scope')).toBe('shared');
    expect(shared.headers.get('x-ratelimit-bucket')).not.toBeNull();
    expect(await shared.json()).toEqual({ message: 'The resource is being rate limited.', retry_after: 0.4, global: false, code: 40062 });

    const global = await post();
    expect(global.headers.get('x-ratelimit-global')).toBe('true');
    expect(global.headers.get('x-ratelimit-scope')).toBe('global');
    expect(global.headers.get('x-ratelimit-bucket')).toBeNull();
    expect(await global.json()).toEqual({ message: 'You are being rate limited.', retry_after: 0.2, global: true });
    expect(emulator.faults.counts()).toEqual({ '429 user': 1, '429 shared': 1, '429 global': 1 });
  });

  it('answers 5xx, drops the connection, and deletes a channel from the request named on', async () => {
    await start();
    const match = `POST /channels/${CHANNEL}/messages`;
    emulator.faults.schedule(
      { match, from: 1, to: 2, fault: { kind: 'server-error', status: 502 } },
      { match, from: 3, fault: { kind: 'drop' } },
      { match, from: 5, fault: { kind: 'lose-channel' } },
    );
    expect((await post()).status).toBe(502);
    expect((await post()).status).toBe(502);
    await expect(post()).rejects.toThrow();
    expect((await post()).status).toBe(200);
    const lost = await post();
    expect(lost.status).toBe(404);
    expect(await lost.json()).toMatchObject({ code: 10003 });
    expect(emulator.messages(CHANNEL)).toHaveLength(1);
    expect(emulator.faults.counts()).toEqual({ 502: 2, drop: 1, 'lose channel': 1 });
  });

  it('creates the message and then loses the answer; the same nonce, enforced, gets the original back', async () => {
    await start();
    emulator.faults.schedule({ match: 'POST /channels/', fault: { kind: 'drop', afterAccept: true } });
    const body = { content: 'once', nonce: 'delivery-1', enforce_nonce: true };
    await expect(post(CHANNEL, body)).rejects.toThrow();
    const again = await post(CHANNEL, body);
    expect(again.status).toBe(200);
    expect(emulator.messages(CHANNEL).map((message) => message.content)).toEqual(['once']);
    expect(((await again.json()) as { id: string }).id).toBe(emulator.messages(CHANNEL)[0]!.id);
  });

  it('holds a request unanswered past discord.js\'s timeout, which then sends it again', async () => {
    await start();
    emulator.faults.schedule({ match: 'POST /channels/', fault: { kind: 'hang', ms: 5_000, afterAccept: true } });
    const rest = new REST({ api: emulator.apiBase, timeout: 1_000, retries: 1 }).setToken(emulator.token);
    await rest.post(Routes.channelMessages(CHANNEL), { body: { content: 'held', nonce: 'delivery-2', enforce_nonce: true } });
    expect(emulator.messages(CHANNEL).map((message) => message.content)).toEqual(['held']);
    expect(emulator.faults.counts()).toEqual({ 'hang after accept': 1 });
  });

  it('bans a client past the invalid request limit with Cloudflare\'s page; shared-scope 429s do not count', async () => {
    await start({ ...WIDE_ROUTES, invalidRequestLimit: 5 });
    emulator.faults.schedule({ match: 'POST /channels/', from: 1, to: 3, fault: { kind: 'rate-limit', scope: 'shared', retryAfter: 0.1 } });
    for (let index = 0; index < 3; index += 1) expect((await post()).status).toBe(429);
    for (let index = 0; index < 6; index += 1) expect((await post(CHANNEL, { content: 'x' }, 'wrong-token')).status).toBe(401);
    const banned = await post();
    expect(banned.status).toBe(429);
    expect(banned.headers.get('content-type')).toMatch(/text\/html/);
    expect(banned.headers.get('x-ratelimit-scope')).toBeNull();
    expect(Number(banned.headers.get('retry-after'))).toBeGreaterThan(500);
    expect(await banned.text()).toMatch(/error code: 1015/);
    expect(emulator.bannedRequests()).toBe(1);
  });
});
