/**
 * The Slack emulator driven by the real @slack/bolt 5 app in both modes: start-up (auth.test,
 * apps.connections.open, hello), slash commands acknowledged over Socket Mode and over signed HTTP,
 * later answers through response_url, refused signatures, server pings, a `disconnect` followed by a
 * reconnect, and shutdowns that finish at once on both sides.
 */
import { channel as diagnosticsChannel } from 'node:diagnostics_channel';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { App, SocketModeReceiver } from '@slack/bolt';
import type { AckFn, RespondArguments, RespondFn, SlashCommand } from '@slack/bolt';
import { startSlackEmulator } from './server.ts';
import { silentLogger } from './silent-logger.ts';
import type { SlackEmulator } from './types.ts';

const GENERAL = 'C0GENERAL01';

type CommandHandler = (args: { command: SlashCommand; ack: AckFn<string | RespondArguments>; respond: RespondFn }) => Promise<void>;

function appOptions(slack: SlackEmulator) {
  return { clientOptions: { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } }, logger: silentLogger() };
}

/** An app whose /feed handler can be swapped per test; `seen` collects the commands it received. */
function withFeedCommand(app: App) {
  const seen: SlashCommand[] = [];
  const state: { handler: CommandHandler } = { handler: async ({ ack }) => ack() };
  app.command('/feed', async ({ command, ack, respond }) => {
    seen.push(command);
    await state.handler({ command, ack, respond });
  });
  return { seen, state };
}

describe('Slack emulator with a real Bolt app in Socket Mode', () => {
  let slack: SlackEmulator;
  let app: App;
  let feed: ReturnType<typeof withFeedCommand>;
  let startMs = 0;

  beforeAll(async () => {
    slack = await startSlackEmulator({ pingIntervalMs: 50, ackDeadlineMs: 400 });
    slack.addChannel({ id: GENERAL, name: 'general' });
    app = new App({ token: slack.botToken, appToken: slack.appToken, socketMode: true, ...appOptions(slack) });
    feed = withFeedCommand(app);
    const started = Date.now();
    await app.start();
    startMs = Date.now() - started;
  });

  afterAll(async () => {
    await app?.stop();
    await slack?.close();
  });

  it('starts quickly: auth.test with the bot token, apps.connections.open with the app token, one connection', () => {
    expect(startMs).toBeLessThan(3000);
    expect(slack.calls('auth.test')[0]).toMatchObject({ token: slack.botToken, ok: true });
    expect(slack.calls('apps.connections.open')[0]).toMatchObject({ token: slack.appToken, ok: true });
    expect(slack.socketConnections()).toBe(1);
  });

  it('delivers a slash command the handler sees with Slack’s fields, and returns the ack and later responses', async () => {
    feed.state.handler = async ({ command, ack, respond }) => {
      await ack({ text: `Adding ${command.text}…`, response_type: 'ephemeral' });
      await respond({ text: 'Subscribed #general to the Rust Blog', response_type: 'ephemeral' });
    };
    const result = await slack.runSlashCommand({ mode: 'socket', command: '/feed', text: 'add https://blog.example/feed', channelId: GENERAL });
    expect(result).toMatchObject({ status: 200, timedOut: false, ack: { text: 'Adding add https://blog.example/feed…', response_type: 'ephemeral' } });
    expect(result.ackMs).toBeLessThan(1000);
    await result.waitForResponses(1);
    expect(result.responses[0]).toMatchObject({ status: 200, text: 'Subscribed #general to the Rust Blog', response_type: 'ephemeral' });
    expect(result.visibleText()).toBe('Adding add https://blog.example/feed…\nSubscribed #general to the Rust Blog');

    const command = feed.seen.at(-1);
    expect(command).toMatchObject({
      command: '/feed',
      text: 'add https://blog.example/feed',
      channel_id: GENERAL,
      channel_name: 'general',
      user_id: slack.defaultUserId,
      team_id: slack.teamId,
      api_app_id: slack.appId,
      response_url: result.payload.response_url,
    });
    expect(command?.trigger_id).toMatch(/\S+/);
  });

  it('treats an empty ack as no acknowledgement body, and replace_original as replacing the shown message', async () => {
    feed.state.handler = async ({ ack, respond }) => {
      await ack();
      await respond({ text: 'Working…' });
      await respond({ text: 'Done: 3 feeds', replace_original: true });
    };
    const result = await slack.runSlashCommand({ mode: 'socket', command: '/feed', text: 'list', channelId: GENERAL });
    expect(result.ack).toBeUndefined();
    await result.waitForResponses(2);
    expect(result.visibleText()).toBe('Done: 3 feeds');
  });

  it('marks an ack after the deadline as timed out: the user sees only what came through response_url', async () => {
    feed.state.handler = async ({ ack, respond }) => {
      await new Promise((resolve) => setTimeout(resolve, 500));
      await ack('Adding…');
      await respond('Subscribed');
    };
    const result = await slack.runSlashCommand({ mode: 'socket', command: '/feed', text: 'add x', channelId: GENERAL });
    expect(result.timedOut).toBe(true);
    expect(result.ack).toEqual({ text: 'Adding…' });
    await result.waitForResponses(1);
    expect(result.visibleText()).toBe('Subscribed');
  });

  it('rejects with what happened when the app never acknowledges', async () => {
    feed.state.handler = async () => {};
    await expect(slack.runSlashCommand({ mode: 'socket', command: '/feed', channelId: GENERAL, timeoutMs: 300 })).rejects.toThrow(
      /did not ack envelope .* within 300 ms/,
    );
  });

  it('pings the client regularly, as Slack does', async () => {
    const pings = diagnosticsChannel('undici:websocket:ping');
    let count = 0;
    const onPing = () => void count++;
    pings.subscribe(onPing);
    await new Promise((resolve) => setTimeout(resolve, 400));
    pings.unsubscribe(onPing);
    expect(count).toBeGreaterThanOrEqual(3);
  });

  it('stops at once: the close handshake completes (code 1000) and the connection is gone', async () => {
    const stopped = Date.now();
    await app.stop();
    await slack.waitForSocketConnections(0, 2000);
    expect(Date.now() - stopped).toBeLessThan(2000);
    expect(slack.socketLog().at(-1)).toMatchObject({ closeCode: 1000, closedBy: 'client' });
  });
});

describe('Slack emulator with a Socket Mode receiver that reconnects', () => {
  it('sends disconnect, sees the client reconnect with a new URL, and closes both sides quickly', async () => {
    const slack = await startSlackEmulator();
    slack.addChannel({ id: GENERAL, name: 'general' });
    const logger = silentLogger();
    // A short clientPingTimeout makes the client's reconnect delay (1 x clientPingTimeout) short.
    const receiver = new SocketModeReceiver({
      appToken: slack.appToken,
      clientPingTimeout: 200,
      logger,
      installerOptions: { clientOptions: { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } } },
    });
    const app = new App({ token: slack.botToken, receiver, ...appOptions(slack) });
    app.command('/feed', async ({ ack }) => ack('pong'));
    try {
      await app.start();
      slack.disconnectSockets('refresh_requested');
      await slack.waitForSocketConnections(0, 1000);
      await slack.waitForSocketConnection(2000);
      expect(slack.calls('apps.connections.open')).toHaveLength(2);
      expect(slack.socketLog().map((s) => s.closeCode)).toEqual([1000, undefined]);

      const result = await slack.runSlashCommand({ mode: 'socket', command: '/feed', channelId: GENERAL });
      expect(result.ack).toEqual({ text: 'pong' });

      const disconnected = new Promise<number>((resolve) => {
        const began = Date.now();
        receiver.client.once('disconnected', () => resolve(Date.now() - began));
      });
      await app.stop();
      expect(await disconnected).toBeLessThan(1000);
    } finally {
      await app.stop();
      await slack.close();
    }
  });

  it('closes an app’s connection from the emulator side with a finished handshake', async () => {
    const slack = await startSlackEmulator();
    const receiver = new SocketModeReceiver({
      appToken: slack.appToken,
      autoReconnectEnabled: false,
      logger: silentLogger(),
      installerOptions: { clientOptions: { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } } },
    });
    const app = new App({ token: slack.botToken, receiver, ...appOptions(slack) });
    await app.start();
    try {
      const disconnected = new Promise<void>((resolve) => receiver.client.once('disconnected', () => resolve()));
      const began = Date.now();
      await slack.close();
      await disconnected;
      expect(Date.now() - began).toBeLessThan(1500);
      expect(slack.socketLog()[0]).toMatchObject({ closedBy: 'emulator', closeCode: 1001 });
    } finally {
      await app.stop();
    }
  });
});

describe('Slack emulator with a real Bolt app over HTTP', () => {
  let slack: SlackEmulator;
  let app: App;
  let feed: ReturnType<typeof withFeedCommand>;
  let url = '';

  beforeAll(async () => {
    slack = await startSlackEmulator();
    slack.addChannel({ id: GENERAL, name: 'general' });
    app = new App({ token: slack.botToken, signingSecret: slack.signingSecret, ...appOptions(slack) });
    feed = withFeedCommand(app);
    const server = (await app.start(0)) as Server;
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  });

  afterAll(async () => {
    await app?.stop();
    await slack?.close();
  });

  it('calls auth.test at start', async () => {
    expect(await slack.waitForCalls('auth.test', 1)).toEqual([expect.objectContaining({ token: slack.botToken, ok: true })]);
  });

  it('signs the form POST so Bolt accepts it, and reads the ack from the HTTP answer', async () => {
    feed.state.handler = async ({ command, ack, respond }) => {
      await ack({ text: `Checking ${command.text}`, response_type: 'ephemeral' });
      await respond({ blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*3* subscriptions' } }], text: '3 subscriptions' });
    };
    const result = await slack.runSlashCommand({ mode: 'http', url, command: '/feed', text: 'list', channelId: GENERAL });
    expect(result).toMatchObject({ status: 200, timedOut: false, ack: { text: 'Checking list', response_type: 'ephemeral' } });
    expect(feed.seen.at(-1)).toMatchObject({ command: '/feed', text: 'list', channel_name: 'general', user_name: 'tester' });
    await result.waitForResponses(1);
    expect(result.responses[0]?.blocks).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: '*3* subscriptions' } }]);
    expect(result.visibleText()).toBe('Checking list\n*3* subscriptions');
  });

  it('reads a plain-text ack as the message text', async () => {
    feed.state.handler = async ({ ack }) => ack('Usage: /feed add <url>');
    const result = await slack.runSlashCommand({ mode: 'http', url, command: '/feed', channelId: GENERAL });
    expect(result.rawAck).toBe('Usage: /feed add <url>');
    expect(result.visibleText()).toBe('Usage: /feed add <url>');
  });

  it.each(['forged', 'stale'] as const)('gets 401 for a %s signature, and the handler does not run', async (signature) => {
    const before = feed.seen.length;
    feed.state.handler = async ({ ack }) => ack('should not run');
    const result = await slack.runSlashCommand({ mode: 'http', url, command: '/feed', text: 'add x', channelId: GENERAL, signature });
    expect(result.status).toBe(401);
    expect(result.ack).toBeUndefined();
    expect(result.visibleText()).toBe('');
    expect(feed.seen).toHaveLength(before);
  });

  it('refuses a response_url post Slack would refuse, and says so to the bot', async () => {
    let respondError: Promise<unknown> = Promise.resolve();
    feed.state.handler = async ({ ack, respond }) => {
      await ack();
      respondError = respond({ text: 'x', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '' } }] }).catch((e: unknown) => e);
    };
    const result = await slack.runSlashCommand({ mode: 'http', url, command: '/feed', channelId: GENERAL });
    await result.waitForResponses(1);
    expect(result.responses[0]).toMatchObject({ status: 400, error: 'invalid_blocks' });
    expect(await respondError).toMatchObject({ statusCode: 400 });
    expect(result.visibleText()).toBe('');
  });

  it('posts with the app client land in the channel', async () => {
    await app.client.chat.postMessage({ channel: GENERAL, text: 'New item: Rust 1.90' });
    expect((await slack.waitForMessages(GENERAL, 1)).map((m) => m.text)).toEqual(['New item: Rust 1.90']);
  });
});
