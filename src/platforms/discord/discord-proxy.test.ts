/**
 * `herald discord-proxy` against the Discord emulator, with discord.js REST clients standing in for the
 * processes of a cluster: through the proxy their requests share one global limit and Discord never refuses
 * them; Discord's errors come back through it unchanged; an unreachable Discord is a clear 502.
 */
import { REST, Routes } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { startDiscordEmulator } from '../../../test/emulators/discord/server.ts';
import type { DiscordEmulator } from '../../../test/emulators/discord/server.ts';
import { createSilentLogger } from '../../log.ts';
import { startDiscordProxy } from './discord-proxy.ts';
import type { RunningDiscordProxy } from './discord-proxy.ts';

const WIDE_ROUTES = { routeLimit: { limit: 1000, windowMs: 1000 } };

let emulator: DiscordEmulator | undefined;
let proxy: RunningDiscordProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  await emulator?.close();
  proxy = undefined;
  emulator = undefined;
});

async function start(): Promise<{ emulator: DiscordEmulator; proxy: RunningDiscordProxy; viaProxy: () => REST }> {
  emulator = await startDiscordEmulator(WIDE_ROUTES);
  proxy = await startDiscordProxy({ port: 0, upstream: emulator.apiBase, log: createSilentLogger() });
  const base = `http://127.0.0.1:${proxy.port}/api`;
  const token = emulator.token;
  return { emulator, proxy, viaProxy: () => new REST({ api: base }).setToken(token) };
}

describe('the Discord proxy', () => {
  it('keeps three processes together under the global limit, where alone each would exceed it', async () => {
    const { emulator, viaProxy } = await start();
    emulator.addGuild({ id: '1', name: 'G', channels: [{ id: '11', name: 'news' }] });
    const processes = [viaProxy(), viaProxy(), viaProxy()];
    await Promise.all(processes.flatMap((rest) => Array.from({ length: 40 }, () => rest.get(Routes.channel('11')))));
    const rate = emulator.requestRate();
    expect(rate.total).toBe(120);
    expect(rate.globalLimited).toBe(0);

    // The same three straight to Discord: each keeps 50 a second, together they are refused.
    const direct = [1, 2, 3].map(() => new REST({ api: emulator.apiBase }).setToken(emulator.token));
    await Promise.all(direct.flatMap((rest) => Array.from({ length: 40 }, () => rest.get(Routes.channel('11')))));
    expect(emulator.requestRate().globalLimited).toBeGreaterThan(0);
  });

  it('passes Discord\'s answers through: a post lands, an unknown channel is Discord\'s 404 with its code', async () => {
    const { emulator, viaProxy } = await start();
    emulator.addGuild({ id: '1', name: 'G', channels: [{ id: '11', name: 'news' }] });
    const rest = viaProxy();
    await rest.post(Routes.channelMessages('11'), { body: { content: 'through the proxy', allowed_mentions: { parse: [] } } });
    expect(emulator.messages('11').map((message) => message.content)).toEqual(['through the proxy']);
    await expect(rest.get(Routes.channel('99'))).rejects.toMatchObject({ status: 404, code: 10003 });
  });

  it('retries a post Discord held back with a 429 with its body intact, so it lands once', async () => {
    const { emulator, viaProxy } = await start();
    emulator.addGuild({ id: '1', name: 'G', channels: [{ id: '11', name: 'news' }] });
    emulator.rateLimitNext('POST /channels/', 1);
    await viaProxy().post(Routes.channelMessages('11'), { body: { content: 'held back once', allowed_mentions: { parse: [] } } });
    expect(emulator.messages('11').map((message) => message.content)).toEqual(['held back once']);
    expect(emulator.requests.filter((request) => request.method === 'POST').map((request) => request.status)).toEqual([429, 200]);
  });

  it('answers 502 with the reason when Discord cannot be reached, and serves its health check', async () => {
    proxy = await startDiscordProxy({ port: 0, upstream: 'http://127.0.0.1:9/api', log: createSilentLogger() });
    const health = await fetch(`http://127.0.0.1:${proxy.port}/healthz`);
    expect(health.status).toBe(200);
    const response = await fetch(`http://127.0.0.1:${proxy.port}/api/v10/users/@me`, { headers: { Authorization: 'Bot x' } });
    expect(response.status).toBe(502);
    expect(((await response.json()) as { message: string }).message).toMatch(/could not reach http:\/\/127\.0\.0\.1:9\/api/);
  });

  it('says clearly when its port is taken', async () => {
    const first = await startDiscordProxy({ port: 0, upstream: 'http://127.0.0.1:9/api', log: createSilentLogger() });
    try {
      await expect(startDiscordProxy({ port: first.port, log: createSilentLogger() })).rejects.toMatchObject({
        userMessage: expect.stringMatching(/port \d+ \(HERALD_DISCORD_PROXY_PORT\): the port is already in use/),
      });
    } finally {
      await first.close();
    }
  });
});
