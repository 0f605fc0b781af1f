/**
 * Starts the Slack emulator on 127.0.0.1 (a random port) for the real Bolt app: the Web API under
 * /api/ (`clientOptions.slackApiUrl`), Socket Mode WebSockets at /socket, and response URLs at
 * /response/<id>. Returns the test-facing SlackEmulator (types.ts); close() ends every socket.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendJson, sendText } from './http-body.ts';
import { ResponseUrls } from './response-urls.ts';
import { runSlashCommand } from './run-slash-command.ts';
import { SocketMode } from './socket-mode.ts';
import { EmulatorState } from './state.ts';
import { SlackFaultSchedule } from './faults.ts';
import type { EmulatorOptions, SlackEmulator } from './types.ts';
import { WebApi } from './web-api.ts';
import { FileUploads } from './file-uploads.ts';
import { waitFor } from '../../support/wait-for.ts';

export type {
  AckBody,
  ApiCall,
  ChannelInput,
  EmulatorOptions,
  PostedMessage,
  ResponseRecord,
  SlackEmulator,
  SlashCommandInput,
  SlashCommandResult,
  SocketRecord,
  UserInput,
} from './types.ts';

const DEFAULT_SCOPES = ['chat:write', 'chat:write.public', 'files:write', 'commands', 'users:read', 'channels:read', 'groups:read', 'channels:history', 'groups:history', 'usergroups:read'];
const DEFAULT_WAIT_MS = 5000;

export async function startSlackEmulator(options: EmulatorOptions = {}): Promise<SlackEmulator> {
  const state = new EmulatorState({
    botToken: options.botToken ?? 'xoxb-0000000001-0000000002-emulatorbottoken',
    appToken: options.appToken ?? 'xapp-1-A0EMULATOR1-0000000003-emulatorapptoken',
    signingSecret: options.signingSecret ?? 'emulator-signing-secret-0123456789',
    teamId: options.teamId ?? 'T0EMULATOR1',
    teamDomain: options.teamDomain ?? 'herald-test',
    scopes: new Set(options.scopes ?? DEFAULT_SCOPES),
  });
  const socketMode = new SocketMode(state, { pingIntervalMs: options.pingIntervalMs ?? 5000, random: options.socketRandom ?? Math.random });
  const responseUrls = new ResponseUrls(state);
  let wsBase = '';
  const uploads = new FileUploads(state);
  const faults = new SlackFaultSchedule(state);
  const webApi = new WebApi(state, () => socketMode.openUrl(wsBase), uploads, faults, options.rateTiers ?? true);

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const api = /^\/api\/([\w.]+)$/.exec(url.pathname);
    const respond = /^\/response\/(\w+)$/.exec(url.pathname);
    const upload = /^\/upload\/(\w+)$/.exec(url.pathname);
    const work = api?.[1]
      ? webApi.handle(request, response, api[1], url.searchParams)
      : upload?.[1] && request.method === 'POST'
        ? uploads.receive(request, response, upload[1])
      : respond?.[1] && request.method === 'POST'
        ? responseUrls.handle(request, response, respond[1])
        : Promise.resolve(sendText(response, 404, 'not found'));
    work.catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 500, { ok: false, error: 'fatal_error', detail: String(error) });
    });
  });
  server.on('upgrade', (request, socket, head) => socketMode.handleUpgrade(request, socket, head));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  wsBase = `ws://127.0.0.1:${port}`;
  responseUrls.base = `http://127.0.0.1:${port}`;
  uploads.base = `http://127.0.0.1:${port}`;

  const waitForSockets = (accept: (n: number) => boolean, what: string, timeoutMs: number) =>
    waitFor(state.changes, 'socket', () => (accept(socketMode.openConnections) ? true : undefined), timeoutMs, () =>
      new Error(`expected ${what} within ${timeoutMs} ms, have ${socketMode.openConnections}`),
    ).then(() => undefined);

  return {
    apiUrl: `http://127.0.0.1:${port}/api/`,
    botToken: state.identity.botToken,
    appToken: state.identity.appToken,
    signingSecret: state.identity.signingSecret,
    teamId: state.identity.teamId,
    appId: state.appId,
    botUserId: state.botUserId,
    botId: state.botId,
    defaultUserId: state.defaultUserId,
    addChannel: (channel) => void state.addChannel(channel),
    updateChannel(id, update) {
      const channel = state.channels.get(id);
      if (!channel) throw new Error(`unknown channel ${id}: add it with addChannel first`);
      if (update.name !== undefined) channel.name = update.name;
      if (update.archived !== undefined) channel.archived = update.archived;
      if (update.deleted !== undefined) channel.deleted = update.deleted;
      if (update.botIsMember !== undefined) channel.botIsMember = update.botIsMember;
    },
    addUser: (user) => void state.addUser(user),
    addUserGroup: (group) => state.addUserGroup(group).id,
    disableUserGroup(id) {
      const group = state.userGroups.get(id);
      if (!group) throw new Error(`unknown user group ${id}: add it with addUserGroup first`);
      group.dateDelete = Math.floor(Date.now() / 1000);
    },
    messages: (channelId) => state.messagesIn(channelId),
    waitForMessages(channelId, count, timeoutMs = DEFAULT_WAIT_MS) {
      const current = () => state.messagesIn(channelId);
      return waitFor(state.changes, 'message', () => (current().length >= count ? current() : undefined), timeoutMs, () => {
        const refused = state.calls.filter((c) => c.method === 'chat.postMessage' && !c.ok).map((c) => c.error);
        const detail = refused.length > 0 ? `; refused chat.postMessage calls: ${refused.join(', ')}` : '';
        return new Error(`expected ${count} message(s) in ${channelId} within ${timeoutMs} ms, got ${current().length}${detail}`);
      });
    },
    files: (channelId) => uploads.shared.filter((file) => file.channelId === channelId),
    waitForFiles(channelId, count, timeoutMs = DEFAULT_WAIT_MS) {
      const current = () => uploads.shared.filter((file) => file.channelId === channelId);
      return waitFor(state.changes, 'file', () => (current().length >= count ? current() : undefined), timeoutMs, () => {
        const refused = state.calls.filter((c) => c.method.startsWith('files.') && !c.ok).map((c) => `${c.method}: ${c.error}`);
        return new Error(`expected ${count} file(s) shared in ${channelId} within ${timeoutMs} ms, got ${current().length}${refused.length > 0 ? `; refused: ${refused.join(', ')}` : ''}`);
      });
    },
    calls: (method) => (method === undefined ? [...state.calls] : state.calls.filter((c) => c.method === method)),
    waitForCalls(method, count, timeoutMs = DEFAULT_WAIT_MS) {
      const current = () => state.calls.filter((c) => c.method === method);
      return waitFor(state.changes, 'call', () => (current().length >= count ? current() : undefined), timeoutMs, () =>
        new Error(`expected ${count} ${method} call(s) within ${timeoutMs} ms, got ${current().length}`),
      );
    },
    rateLimitNext: (method, retryAfterSeconds) => webApi.rateLimitNext(method, retryAfterSeconds),
    faults,
    revokeBotToken: (refusal = 'token_revoked') => webApi.botTokenRevocation.revoke(refusal),
    restoreBotToken: () => webApi.botTokenRevocation.restore(),
    runSlashCommand: (input) => runSlashCommand({ state, socketMode, responseUrls, ackDeadlineMs: options.ackDeadlineMs ?? 3000 }, input),
    socketConnections: () => socketMode.openConnections,
    waitForSocketConnection: (timeoutMs = DEFAULT_WAIT_MS) => waitForSockets((n) => n > 0, 'a Socket Mode connection', timeoutMs),
    waitForSocketConnections: (count, timeoutMs = DEFAULT_WAIT_MS) =>
      waitForSockets((n) => n === count, `${count} Socket Mode connection(s)`, timeoutMs),
    socketLog: () => socketMode.log,
    disconnectSockets: (reason = 'refresh_requested') => socketMode.sendDisconnect(reason),
    async close() {
      await socketMode.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
