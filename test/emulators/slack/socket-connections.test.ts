/**
 * Several Socket Mode connections of one app, as several Herald processes hold them: each envelope
 * goes to one open connection picked at random and its ack must come back on that connection; an
 * 11th concurrent connection is turned away with `too_many_websockets`.
 */
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { App } from '@slack/bolt';
import { startSlackEmulator } from './server.ts';
import { silentLogger } from './silent-logger.ts';
import type { EmulatorOptions, SlackEmulator } from './types.ts';

const GENERAL = 'C0GENERAL01';

/** A source for `socketRandom` that cycles through the values. */
function cycling(...values: number[]): () => number {
  let next = 0;
  return () => values[next++ % values.length]!;
}

/** A bare Socket Mode client: keeps what it receives and acks every envelope with its own name. */
async function openSocket(slack: SlackEmulator, name: string) {
  const response = await fetch(`${slack.apiUrl}apps.connections.open`, { method: 'POST', headers: { Authorization: `Bearer ${slack.appToken}` } });
  const { url } = (await response.json()) as { url: string };
  const ws = new WebSocket(url);
  const received: Array<Record<string, unknown>> = [];
  ws.on('message', (data) => {
    const message = JSON.parse(String(data)) as Record<string, unknown>;
    received.push(message);
    if (typeof message.envelope_id === 'string') ws.send(JSON.stringify({ envelope_id: message.envelope_id, payload: { text: name } }));
  });
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  await once(ws, 'open');
  return { ws, received, closed };
}

describe('Slack emulator with several Socket Mode connections', () => {
  let slack: SlackEmulator;
  const sockets: WebSocket[] = [];
  const apps: App[] = [];

  const start = async (options: EmulatorOptions = {}) => {
    slack = await startSlackEmulator(options);
    slack.addChannel({ id: GENERAL, name: 'general' });
  };
  const open = async (name: string) => {
    const socket = await openSocket(slack, name);
    sockets.push(socket.ws);
    return socket;
  };
  const command = async () => (await slack.runSlashCommand({ mode: 'socket', command: '/feed', channelId: GENERAL, timeoutMs: 2000 })).ack?.text;

  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.stop()));
    for (const ws of sockets.splice(0)) ws.close();
    await slack?.close();
  });

  it('spreads envelopes over two Bolt apps, each ack answering the envelope its app got', async () => {
    await start({ socketRandom: cycling(0, 0.5) });
    for (const name of ['first', 'second']) {
      const app = new App({
        token: slack.botToken,
        appToken: slack.appToken,
        socketMode: true,
        clientOptions: { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } },
        logger: silentLogger(),
      });
      app.command('/feed', async ({ ack }) => ack(`from ${name}`));
      await app.start();
      apps.push(app);
    }
    await slack.waitForSocketConnections(2);
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await command());
    expect(answers).toEqual(['from first', 'from second', 'from first', 'from second']);
    expect(slack.socketLog().map((s) => s.envelopes)).toEqual([2, 2]);
  });

  it('picks at random by default, so every open connection gets envelopes', async () => {
    await start();
    await open('a');
    await open('b');
    const answers = new Set<string | undefined>();
    for (let i = 0; i < 30; i++) answers.add(await command());
    expect(answers).toEqual(new Set(['a', 'b']));
    const [a, b] = slack.socketLog().map((s) => s.envelopes);
    expect(a! + b!).toBe(30);
  });

  it('ignores an ack sent on another connection than the envelope’s', async () => {
    await start({ socketRandom: () => 0 });
    const chosen = await open('chosen');
    const other = await open('other');
    chosen.ws.removeAllListeners('message');
    chosen.ws.on('message', (data) => {
      const { envelope_id } = JSON.parse(String(data)) as { envelope_id?: string };
      if (envelope_id) other.ws.send(JSON.stringify({ envelope_id, payload: { text: 'wrong socket' } }));
    });
    await expect(slack.runSlashCommand({ mode: 'socket', command: '/feed', channelId: GENERAL, timeoutMs: 300 })).rejects.toThrow(/did not ack/);
  });

  it('turns an 11th concurrent connection away with too_many_websockets and a close, and takes one again once a slot is free', async () => {
    await start();
    const held: Array<Awaited<ReturnType<typeof openSocket>>> = [];
    for (let i = 0; i < 10; i++) held.push(await open(`app ${i}`));
    await expect.poll(() => held.every((s) => s.received[0]?.type === 'hello')).toBe(true);

    const eleventh = await open('eleventh');
    expect(await eleventh.closed).toBe(1000);
    expect(eleventh.received).toEqual([{ type: 'disconnect', reason: 'too_many_websockets', debug_info: { host: 'applink-emulator' } }]);
    expect(slack.socketConnections()).toBe(10);
    await expect.poll(() => slack.socketLog().at(-1)?.closedBy).toBe('emulator');
    expect(slack.socketLog().at(-1)).toMatchObject({ refused: 'too_many_websockets', envelopes: 0 });

    held[0]!.ws.close();
    await slack.waitForSocketConnections(9);
    const next = await open('next');
    await expect.poll(() => next.received[0]?.type).toBe('hello');
    expect(slack.socketConnections()).toBe(10);
  });
});
