import type { RequestListener } from 'node:http';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { HeraldError } from '../errors.ts';
import { createLogger } from '../log.ts';
import { startHttpServer } from './http-server.ts';
import type { HttpServerOptions, ReadinessCheck, RunningHttpServer } from './http-server.ts';
import { HeraldMetrics } from './metrics.ts';

const running: RunningHttpServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()));
});

function logLines(): { stream: Writable; lines: () => Array<Record<string, unknown>> } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, lines: () => text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>) };
}

function newMetrics(): HeraldMetrics {
  return new HeraldMetrics({ outboxStats: async () => ({ pending: 1, parked: 0, dead: 0 }), dueFeeds: async () => 0 });
}

async function start(options: Partial<HttpServerOptions> = {}): Promise<RunningHttpServer & { url(path: string): string }> {
  const server = await startHttpServer({ port: 0, host: '127.0.0.1', metrics: newMetrics(), log: createLogger({ level: 'error', format: 'json', stream: logLines().stream }), ...options });
  running.push(server);
  return { ...server, url: (path) => `http://127.0.0.1:${server.port}${path}` };
}

describe('Herald HTTP server', () => {
  it('answers /healthz with ok and logs the port it listens on', async () => {
    const log = logLines();
    const server = await start({ log: createLogger({ level: 'info', format: 'json', stream: log.stream }) });
    const response = await fetch(server.url('/healthz'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await response.text()).toBe('ok\n');
    expect(log.lines()).toContainEqual(expect.objectContaining({ msg: 'HTTP listening', port: server.port }));
  });

  it('is ready when every check passes, and lists each one', async () => {
    const readiness: ReadinessCheck[] = [
      { name: 'store', check: async () => true },
      { name: 'discord', check: () => true },
    ];
    const response = await fetch((await start({ readiness })).url('/readyz'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ ready: true, checks: { store: 'ok', discord: 'ok' } });
  });

  it('is not ready when a check fails, throws or hangs, and says which and why, without a stack or a password', async () => {
    const readiness: ReadinessCheck[] = [
      { name: 'store', check: async () => { throw new Error('connect ECONNREFUSED postgres://herald:s3cret@db:5432/herald\n    at Socket.connect (node:net:1:1)'); } },
      { name: 'discord', check: () => false },
      { name: 'slack', check: () => new Promise<boolean>(() => undefined) },
      { name: 'config', check: () => true },
    ];
    const started = Date.now();
    const response = await fetch((await start({ readiness })).url('/readyz'));
    expect(response.status).toBe(503);
    const body = (await response.json()) as { ready: boolean; checks: Record<string, string> };
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_900);
    expect(body).toEqual({
      ready: false,
      checks: {
        store: 'failed: connect ECONNREFUSED postgres://***@db:5432/herald',
        discord: 'not ready',
        slack: 'no answer within 2 s',
        config: 'ok',
      },
    });
  });

  it('serves the Prometheus text of its metrics', async () => {
    const metrics = newMetrics();
    metrics.pollFinished('not_modified', 0.04);
    metrics.delivery('discord', 'sent');
    const response = await fetch((await start({ metrics })).url('/metrics'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(metrics.registry.contentType);
    const text = await response.text();
    expect(text).toContain('herald_polls_total{outcome="not_modified"} 1');
    expect(text).toContain('herald_deliveries_total{platform="discord",outcome="sent"} 1');
    expect(text).toContain('herald_outbox_deliveries{state="pending"} 1');
  });

  it('passes a mounted path, with any method and query, to its listener', async () => {
    const seen: string[] = [];
    const listener: RequestListener = (request, response) => {
      seen.push(`${request.method} ${request.url}`);
      response.writeHead(202).end('mounted');
    };
    const server = await start({ mounts: new Map([['/slack/events', listener]]) });
    const response = await fetch(server.url('/slack/events?retry=1'), { method: 'POST', body: 'token=x' });
    expect(response.status).toBe(202);
    expect(await response.text()).toBe('mounted');
    expect(seen).toEqual(['POST /slack/events?retry=1']);
    expect((await fetch(server.url('/slack/events/other'), { method: 'POST' })).status).toBe(404);
  });

  it('answers 500 when a mounted listener throws before answering', async () => {
    const listener: RequestListener = () => {
      throw new Error('unhandled path');
    };
    const server = await start({ mounts: new Map([['/broken', listener]]) });
    expect((await fetch(server.url('/broken'))).status).toBe(500);
  });

  it('answers 404 for an unknown path and 405 for another method on a known one', async () => {
    const server = await start();
    const missing = await fetch(server.url('/nope'));
    expect(missing.status).toBe(404);
    expect(await missing.text()).toBe('not found\n');
    const wrongMethod = await fetch(server.url('/metrics'), { method: 'POST' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET, HEAD');
    expect((await fetch(server.url('/healthz'), { method: 'HEAD' })).status).toBe(200);
  });

  it('says clearly when the port is taken', async () => {
    const first = await start();
    const second = startHttpServer({ port: first.port, host: '127.0.0.1', metrics: newMetrics(), log: createLogger({ level: 'error', stream: logLines().stream }) });
    await expect(second).rejects.toBeInstanceOf(HeraldError);
    await expect(second).rejects.toMatchObject({
      code: 'http-listen',
      userMessage: `Herald could not listen on port ${first.port} (HERALD_HTTP_PORT): the port is already in use by another program`,
    });
  });

  it('closes at once, keep-alive connections included', async () => {
    const server = await startHttpServer({ port: 0, host: '127.0.0.1', metrics: newMetrics(), log: createLogger({ level: 'error', stream: logLines().stream }) });
    const response = await fetch(`http://127.0.0.1:${server.port}/healthz`, { headers: { connection: 'keep-alive' } });
    await response.text();
    const started = Date.now();
    await server.close();
    // A keep-alive connection left open would hold close() for Node's 5 s keep-alive timeout.
    expect(Date.now() - started).toBeLessThan(3_000);
    await expect(fetch(`http://127.0.0.1:${server.port}/healthz`)).rejects.toThrow();
  });
});
