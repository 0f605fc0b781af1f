/**
 * The global rate limit as rate-limits.mdx describes it: a number of bot requests per second across
 * every route and connection, the documented 429 body and headers, interaction endpoints exempt, a
 * discord.js process pacing itself under it, and the requestRate() figures cluster tests read.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { REST, Routes } from 'discord.js';
import { gatewayUrl, identifyShard } from './gateway-client.ts';
import type { GatewayClient } from './gateway-client.ts';
import { startDiscordEmulator } from './server.ts';
import type { DiscordEmulator, EmulatorOptions } from './types.ts';

const GUILD = '900000000000000201';
const CHANNEL = '900000000000000211';
/** Route buckets out of the way, so only the global limit answers 429. */
const WIDE_ROUTES = { routeLimit: { limit: 1000, windowMs: 1000 } };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Discord emulator global rate limit', () => {
  let emulator: DiscordEmulator;
  let bot: GatewayClient | undefined;

  const start = async (options: EmulatorOptions) => {
    emulator = await startDiscordEmulator(options);
    return emulator;
  };
  const asBot = (path = '/users/@me', init: RequestInit = {}) =>
    fetch(`${emulator.apiBase}/v10${path}`, { ...init, headers: { Authorization: `Bot ${emulator.token}`, 'Content-Type': 'application/json' } });
  const burst = (count: number) => Promise.all(Array.from({ length: count }, () => asBot()));

  afterEach(async () => {
    await bot?.close();
    bot = undefined;
    await emulator?.close();
  });

  it('answers the 51st bot request in a second with the documented global 429', async () => {
    await start(WIDE_ROUTES);
    const accepted = await burst(50);
    expect(accepted.map((r) => r.status)).toEqual(Array(50).fill(200));

    const refused = await asBot();
    expect(refused.status).toBe(429);
    expect(refused.headers.get('x-ratelimit-global')).toBe('true');
    expect(refused.headers.get('x-ratelimit-scope')).toBe('global');
    expect(refused.headers.get('retry-after')).toBe('1');
    const body = (await refused.json()) as { retry_after: number };
    expect(body).toEqual({ message: 'You are being rate limited.', retry_after: expect.any(Number), global: true });
    expect(body.retry_after).toBeGreaterThan(0);
    expect(body.retry_after).toBeLessThanOrEqual(1);
    expect(emulator.requestRate()).toEqual({ total: 51, maxInAnySecond: 51, globalLimited: 1 });

    await sleep(body.retry_after * 1000 + 20);
    expect((await asBot()).status).toBe(200);
  });

  it('takes the limit from globalLimitPerSecond', async () => {
    await start({ ...WIDE_ROUTES, globalLimitPerSecond: 3 });
    expect((await burst(4)).map((r) => r.status).sort()).toEqual([200, 200, 200, 429]);
  });

  it('counts neither requests without the bot token nor refused tokens', async () => {
    await start({ ...WIDE_ROUTES, globalLimitPerSecond: 2 });
    await gatewayUrl(emulator.apiBase);
    expect((await fetch(`${emulator.apiBase}/v10/users/@me`)).status).toBe(401);
    expect((await burst(2)).map((r) => r.status)).toEqual([200, 200]);
    expect(emulator.requestRate()).toEqual({ total: 2, maxInAnySecond: 2, globalLimited: 0 });
  });

  it('lets interaction callbacks and follow-ups through while the bot is globally limited', async () => {
    await start({ ...WIDE_ROUTES, globalLimitPerSecond: 2 });
    emulator.addGuild({ id: GUILD, name: 'G', channels: [{ id: CHANNEL, name: 'general' }] });
    const command = { name: 'ping', description: 'Ping', type: 1 };
    expect((await asBot(Routes.applicationGuildCommands(emulator.applicationId, GUILD), { method: 'PUT', body: JSON.stringify([command]) })).status).toBe(200);
    bot = await identifyShard(await gatewayUrl(emulator.apiBase), emulator.token, [0, 1]);

    // Wait out the second the registration opened, so that the next one opens with this burst.
    await sleep(1050);
    expect((await burst(3)).map((r) => r.status).sort()).toEqual([200, 200, 429]);
    const totalBefore = emulator.requestRate().total;

    const answered = bot.waitForDispatch('INTERACTION_CREATE').then(async ({ d }) => {
      const callback = await fetch(`${emulator.apiBase}/v10${Routes.interactionCallback(String(d.id), String(d.token))}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ type: 4, data: { content: 'pong' } }),
      });
      const followUp = await fetch(`${emulator.apiBase}/v10${Routes.webhook(emulator.applicationId, String(d.token))}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ content: 'and more' }),
      });
      return [callback.status, followUp.status];
    });
    const reply = await emulator.runCommand({ guildId: GUILD, channelId: CHANNEL, name: 'ping' });
    expect(reply.content).toBe('pong');
    expect(await answered).toEqual([204, 200]);

    expect((await asBot()).status).toBe(429);
    expect(emulator.requestRate()).toMatchObject({ total: totalBefore + 1, globalLimited: 2 });
  });

  it('measures the busiest second in a sliding window over arrivals', async () => {
    await start(WIDE_ROUTES);
    await burst(10);
    await sleep(600);
    await burst(10);
    await sleep(600);
    await burst(5);
    expect(emulator.requestRate()).toEqual({ total: 25, maxInAnySecond: 20, globalLimited: 0 });
  });

  it('never refuses one discord.js process, which paces itself at 50 requests a second', async () => {
    await start(WIDE_ROUTES);
    const rest = new REST({ api: emulator.apiBase }).setToken(emulator.token);
    await Promise.all(Array.from({ length: 120 }, () => rest.get(Routes.user())));
    expect(emulator.requests.filter((r) => r.status === 429)).toEqual([]);
    expect(emulator.requestRate()).toMatchObject({ total: 120, globalLimited: 0 });
  });

  it('refuses two discord.js processes that each pace only themselves, and they wait it out', async () => {
    await start(WIDE_ROUTES);
    const processes = [1, 2].map(() => new REST({ api: emulator.apiBase }).setToken(emulator.token));
    await Promise.all(processes.flatMap((rest) => Array.from({ length: 40 }, () => rest.get(Routes.user()))));
    const rate = emulator.requestRate();
    expect(rate.maxInAnySecond).toBeGreaterThan(50);
    expect(rate.globalLimited).toBeGreaterThan(0);
    expect(rate.total).toBe(80 + rate.globalLimited);
  });
});
