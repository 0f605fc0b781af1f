/**
 * Shards as several bot processes hold them: GET /gateway/bot's recommendation, guilds routed by
 * (guild_id >> 22) % shard_count, the connected shards listed, and every second holder of one shard
 * recorded as a conflict, whether it came by IDENTIFY or by RESUME.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gatewayUrl, identifyShard, resumeSession } from './gateway-client.ts';
import type { GatewayClient } from './gateway-client.ts';
import { startDiscordEmulator } from './server.ts';
import type { DiscordEmulator } from './types.ts';

/** A guild id that (id >> 22) % count routes to `shard`. */
function guildOnShard(shard: number, count: number, n = 0): string {
  return String((BigInt(214_576_000_000 + n * count + shard)) << 22n);
}

describe('Discord emulator shards', () => {
  let emulator: DiscordEmulator;
  let url: string;
  const clients: GatewayClient[] = [];
  const identify = async (shard: [number, number]) => {
    const client = await identifyShard(url, emulator.token, shard);
    clients.push(client);
    return client;
  };

  beforeEach(async () => {
    emulator = await startDiscordEmulator({ shards: 2 });
    emulator.addGuild({ id: guildOnShard(0, 2), name: 'Even', channels: [{ id: '900000000000000101', name: 'general' }] });
    emulator.addGuild({ id: guildOnShard(1, 2), name: 'Odd', channels: [{ id: '900000000000000102', name: 'general' }] });
    url = await gatewayUrl(emulator.apiBase);
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await emulator.close();
  });

  it('recommends the configured shard count and lists each shard with its session', async () => {
    const response = await fetch(`${emulator.apiBase}/v10/gateway/bot`, { headers: { Authorization: `Bot ${emulator.token}` } });
    expect(await response.json()).toMatchObject({ shards: 2 });

    const waiting = emulator.waitForShards(2);
    const even = await identify([0, 2]);
    const odd = await identify([1, 2]);
    const connected = await waiting;
    expect([...connected].sort((a, b) => a.shardId - b.shardId)).toEqual([
      { shardId: 0, shardCount: 2, sessionId: even.sessionId },
      { shardId: 1, shardCount: 2, sessionId: odd.sessionId },
    ]);
    expect(emulator.shardConflicts()).toEqual([]);
    expect((await even.waitForDispatch('READY')).d.guilds).toEqual([{ id: guildOnShard(0, 2), unavailable: true }]);
    expect((await odd.waitForDispatch('READY')).d.guilds).toEqual([{ id: guildOnShard(1, 2), unavailable: true }]);
  });

  it('records a second IDENTIFY of an open shard as a conflict, and both sessions get its events', async () => {
    const first = await identify([0, 2]);
    await identify([1, 2]);
    const before = Date.now();
    const second = await identify([0, 2]);
    expect(emulator.shardConflicts()).toEqual([{ shardId: 0, shardCount: 2, at: expect.any(Number) }]);
    expect(emulator.shardConflicts()[0]!.at).toBeGreaterThanOrEqual(before);
    expect(emulator.connectedShards()).toHaveLength(3);

    const joined = guildOnShard(0, 2, 1);
    emulator.addGuild({ id: joined, name: 'Joined', channels: [{ id: '900000000000000103', name: 'general' }] });
    const created = (d: Record<string, unknown>) => d.id === joined;
    await Promise.all([first.waitForDispatch('GUILD_CREATE', created), second.waitForDispatch('GUILD_CREATE', created)]);

    await second.close();
    await expect.poll(() => emulator.connectedShards().length).toBe(2);
    expect(emulator.shardConflicts()).toHaveLength(1);
  });

  it('records no conflict when a shard is taken again after its connection closed, or by another shard count', async () => {
    const first = await identify([0, 2]);
    await first.close();
    await expect.poll(() => emulator.connectedShards()).toEqual([]);
    await identify([0, 2]);
    await identify([0, 1]);
    expect(emulator.connectedShards().map((s) => [s.shardId, s.shardCount])).toEqual([[0, 2], [0, 1]]);
    expect(emulator.shardConflicts()).toEqual([]);
  });

  it('records a RESUME onto a shard another open connection holds, but not a session moving to a new connection', async () => {
    const dropped = await identify([1, 2]);
    await dropped.close(4000);
    await identify([1, 2]);
    expect(emulator.shardConflicts()).toEqual([]);

    clients.push(await resumeSession(url, emulator.token, dropped.sessionId, dropped.lastSeq));
    expect(emulator.shardConflicts()).toEqual([{ shardId: 1, shardCount: 2, at: expect.any(Number) }]);

    const moving = await identify([0, 2]);
    clients.push(await resumeSession(url, emulator.token, moving.sessionId, moving.lastSeq));
    expect(emulator.shardConflicts()).toHaveLength(1);
    await expect.poll(() => emulator.connectedShards().filter((s) => s.shardId === 0)).toEqual([
      { shardId: 0, shardCount: 2, sessionId: moving.sessionId },
    ]);
  });

  it('rejects waitForShards with what it saw when too few shards connect', async () => {
    await identify([0, 2]);
    await expect(emulator.waitForShards(2, 100)).rejects.toThrow('expected 2 connected shard(s) within 100 ms, got 1');
  });
});
