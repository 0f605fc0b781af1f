/**
 * Starts the Discord emulator on 127.0.0.1 (a random port): REST under /api/v10 and the gateway at
 * /gateway, for the real discord.js client (`new Client({ rest: { api: emulator.apiBase } })`).
 * Returns the test-facing DiscordEmulator (types.ts). Each request is authenticated where Discord
 * requires it, rate-limited, routed, logged; close() ends every socket.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Gateway } from './gateway.ts';
import { InteractionStore } from './interactions.ts';
import { RateLimiter } from './rate-limits.ts';
import { restRoutes } from './rest-routes.ts';
import { errors, INTENTS } from './rest-types.ts';
import { isRecord } from './rest-types.ts';
import type { RestResponse, Route, RouteContext, UploadedFile } from './rest-types.ts';
import { autocomplete, runCommand } from './run-command.ts';
import { EmulatorState } from './state.ts';
import { FaultSchedule } from './faults.ts';
import { InvalidRequestLimit } from './invalid-requests.ts';
import { THREAD_TYPES, threadRoutes, Threads } from './threads.ts';
import { TokenReset } from './token-reset.ts';
import { channelObject, guildCreateObject } from './objects.ts';
import type { DiscordEmulator, EmulatorOptions, PostedMessage, RequestRecord } from './types.ts';
import { waitFor } from '../../support/wait-for.ts';

export type {
  AutocompleteChoice,
  ChannelAccess,
  ConnectedShard,
  DiscordEmulator,
  EmulatorOptions,
  InteractionLog,
  InteractionReply,
  PostedMessage,
  RequestRate,
  ShardConflict,
} from './types.ts';

const API_PREFIX = '/api/v10';
const NONCE_WINDOW_MS = 5 * 60_000;

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/** Discord's default upload limit per file (servers without boosts). */
const MAX_FILE_BYTES = 10 * 1024 * 1024;

/**
 * A multipart/form-data body as Discord reads it: the JSON body in `payload_json`, files in `files[n]` fields.
 * An attachment the payload lists must name an uploaded files[n] by its id; a file over the limit is refused.
 */
async function readMultipart(bytes: Buffer, contentType: string): Promise<{ body: unknown; files: UploadedFile[] } | RestResponse> {
  let form: FormData;
  try {
    form = await new Response(bytes, { headers: { 'content-type': contentType } }).formData();
  } catch {
    return errors.invalidJson();
  }
  const payload = form.get('payload_json');
  let body: unknown = {};
  if (payload !== null) {
    try {
      body = JSON.parse(typeof payload === 'string' ? payload : await payload.text());
    } catch {
      return errors.invalidJson();
    }
  }
  const files: UploadedFile[] = [];
  for (const [name, value] of form.entries()) {
    const index = /^files\[(\d+)\]$/.exec(name)?.[1];
    if (index === undefined || typeof value === 'string') continue;
    const content = Buffer.from(await value.arrayBuffer());
    if (content.length > MAX_FILE_BYTES) return errors.tooLarge();
    files.push({ index: Number(index), filename: value.name, contentType: value.type, content });
  }
  // A message body lists them at its top level; an interaction callback's in its data.
  const holder = isRecord(body) && isRecord(body.data) ? body.data : body;
  const listed = isRecord(holder) && Array.isArray(holder.attachments) ? holder.attachments : [];
  for (const [position, attachment] of listed.entries()) {
    const id = isRecord(attachment) ? Number(attachment.id) : Number.NaN;
    if (!files.some((file) => file.index === id)) {
      return { status: 400, body: { code: 50035, message: 'Invalid Form Body', errors: { attachments: { [position]: { _errors: [{ code: 'ATTACHMENT_NOT_FOUND', message: 'Attachment data not found' }] } } } } };
    }
  }
  return { body, files };
}

function send(response: ServerResponse, result: RestResponse, headers: Record<string, string>): void {
  const text = result.body === undefined ? '' : JSON.stringify(result.body);
  response.writeHead(result.status, { ...headers, ...(text ? { 'Content-Type': 'application/json' } : {}) });
  response.end(text);
}

function match(routes: Route[], method: string, path: string): { route: Route; params: string[] } | 'wrong-method' | undefined {
  let pathMatched = false;
  for (const route of routes) {
    const found = route.pattern.exec(path);
    if (!found) continue;
    if (route.method === method) return { route, params: found.slice(1) };
    pathMatched = true;
  }
  return pathMatched ? 'wrong-method' : undefined;
}

export async function startDiscordEmulator(options: EmulatorOptions = {}): Promise<DiscordEmulator> {
  const token = options.token ?? 'emulator-bot-token.for-tests-only';
  const state = new EmulatorState();
  const interactions = new InteractionStore(state, options.interactionDeadlineMs ?? 3000);
  const gateway = new Gateway(state, {
    token,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
    privilegedIntents: options.privilegedIntents ?? 0,
  });
  const limiter = new RateLimiter({
    limit: options.routeLimit?.limit ?? 5,
    windowMs: options.routeLimit?.windowMs ?? 1000,
    globalPerSecond: options.globalLimitPerSecond ?? 50,
  });
  const requests: RequestRecord[] = [];
  const threads = new Threads();
  const tokenReset = new TokenReset();
  const context: RouteContext = { state, gateway, interactions, gatewayUrl: '', shards: options.shards ?? 1, nonceWindowMs: NONCE_WINDOW_MS, threads };
  const routes = [...restRoutes(context), ...threadRoutes(context, threads)];

  const handle = async (request: IncomingMessage): Promise<{ path: string; result: RestResponse; headers: Record<string, string> }> => {
    const method = request.method ?? 'GET';
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (!url.pathname.startsWith(`${API_PREFIX}/`)) return { path: url.pathname, result: errors.notFound(), headers: {} };
    const path = url.pathname.slice(API_PREFIX.length).split('/').map((s) => decodeURIComponent(s)).join('/');
    const found = match(routes, method, path);
    if (found === undefined) return { path, result: errors.notFound(), headers: {} };
    if (found === 'wrong-method') return { path, result: errors.methodNotAllowed(), headers: {} };
    const { route, params } = found;
    const asBot = request.headers.authorization === `Bot ${token}` && !tokenReset.active;
    if (route.auth && !asBot) return { path, result: errors.unauthorized(), headers: {} };
    // Discord limits requests without a token per IP address; the emulator only limits the bot's.
    const decision = limiter.check(method, path, route.global && asBot);
    if (decision.refusal) return { path, result: { status: 429, body: decision.refusal.body }, headers: decision.headers };
    const bytes = await readBody(request);
    if (/^multipart\/form-data/i.test(request.headers['content-type'] ?? '')) {
      const form = await readMultipart(bytes, request.headers['content-type']!);
      if ('status' in form) return { path, result: form, headers: decision.headers };
      const result = await route.handle({ method, path, query: url.searchParams, headers: request.headers, body: form.body, files: form.files }, params);
      return { path, result, headers: decision.headers };
    }
    const text = bytes.toString('utf8');
    let body: unknown;
    if (text !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        return { path, result: errors.invalidJson(), headers: decision.headers };
      }
    }
    const result = await route.handle({ method, path, query: url.searchParams, headers: request.headers, body }, params);
    return { path, result, headers: decision.headers };
  };

  const faults = new FaultSchedule((channelId) => emulator.setChannelAccess(channelId, 'missing'));
  const invalidRequests = new InvalidRequestLimit(options.invalidRequestLimit);
  const server = createServer((request, response) => {
    if (invalidRequests.refuse(response)) return;
    const fault = faults.take(request);
    if (fault?.when === 'instead') {
      response.once('finish', () => invalidRequests.answered(response.statusCode, response.getHeader('X-RateLimit-Scope')?.toString()));
      fault.apply(response);
      return;
    }
    handle(request).then(
      ({ path, result, headers }) => {
        requests.push({ method: request.method ?? 'GET', path, status: result.status });
        invalidRequests.answered(result.status, headers['X-RateLimit-Scope']);
        if (fault?.when === 'after') fault.apply(response, () => send(response, result, headers));
        else send(response, result, headers);
      },
      (error: unknown) => {
        requests.push({ method: request.method ?? 'GET', path: request.url ?? '', status: 500 });
        send(response, { status: 500, body: { message: `Emulator error: ${String(error)}`, code: 0 } }, {});
      },
    );
  });
  server.on('upgrade', (request, socket, head) => gateway.handleUpgrade(request, socket, head));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  context.gatewayUrl = `ws://127.0.0.1:${port}/gateway`;
  gateway.resumeUrl = `ws://127.0.0.1:${port}/gateway/resume`;

  const deps = { state, gateway, interactions };
  const directMessagesTo = (userId: string): PostedMessage[] => {
    const dm = [...state.dmChannels.values()].find((channel) => channel.recipientId === userId);
    return dm === undefined ? [] : state.posted.filter((m) => m.channelId === dm.id);
  };
  const emulator: DiscordEmulator = {
    apiBase: `http://127.0.0.1:${port}/api`,
    token,
    applicationId: state.applicationId,
    botUserId: state.botUserId,
    addGuild(input) {
      const before = state.guilds.get(input.id);
      const known = before?.member === true ? new Set(before.channelIds) : undefined;
      const guild = state.addGuild(input);
      if (known === undefined) {
        gateway.dispatchToGuild(guild.id, 'GUILD_CREATE', guildCreateObject(state, guild), INTENTS.GUILDS);
        return;
      }
      // Discord announces a guild once, when the bot joins; a channel made in it later arrives as CHANNEL_CREATE.
      for (const channel of state.liveChannels(guild.id).filter((candidate) => !known.has(candidate.id))) {
        gateway.dispatchToGuild(guild.id, 'CHANNEL_CREATE', channelObject(state, channel), INTENTS.GUILDS);
      }
    },
    removeGuild(guildId) {
      const guild = state.guilds.get(guildId);
      if (!guild?.member) return;
      gateway.dispatchToGuild(guildId, 'GUILD_DELETE', { id: guildId }, INTENTS.GUILDS);
      guild.member = false;
    },
    deleteRole(guildId, roleId) {
      const guild = state.guilds.get(guildId);
      const index = guild?.roles.findIndex((role) => role.id === roleId) ?? -1;
      if (!guild || index === -1) throw new Error(`guild ${guildId} has no role ${roleId}: add it with addGuild first`);
      guild.roles.splice(index, 1);
      gateway.dispatchToGuild(guildId, 'GUILD_ROLE_DELETE', { guild_id: guildId, role_id: roleId }, INTENTS.GUILDS);
    },
    setChannelAccess(channelId, access) {
      const channel = state.channels.get(channelId);
      if (!channel) throw new Error(`unknown channel ${channelId}: add it with addGuild first`);
      if (channel.access === access) return;
      const before = channelObject(state, channel);
      const wasMissing = channel.access === 'missing';
      channel.access = access;
      const event = access === 'missing' ? 'CHANNEL_DELETE' : wasMissing ? 'CHANNEL_CREATE' : 'CHANNEL_UPDATE';
      gateway.dispatchToGuild(channel.guildId, event, access === 'missing' ? before : channelObject(state, channel), INTENTS.GUILDS);
    },
    runCommand: (input) => runCommand(deps, input),
    autocomplete: (input) => autocomplete(deps, input),
    interaction: (id) => interactions.log(id),
    messages: (channelId) => (channelId === undefined ? [...state.posted] : state.posted.filter((m) => m.channelId === channelId)),
    waitForMessages(channelId, count, timeoutMs = 5000) {
      const current = () => state.posted.filter((m) => m.channelId === channelId);
      return waitFor(state.changes, 'message', () => (current().length >= count ? current() : undefined), timeoutMs, () =>
        new Error(`expected ${count} message(s) in channel ${channelId} within ${timeoutMs} ms, got ${current().length}`),
      );
    },
    directMessages: (userId) => directMessagesTo(userId),
    waitForDirectMessages(userId, count, timeoutMs = 5000) {
      return waitFor(state.changes, 'message', () => (directMessagesTo(userId).length >= count ? directMessagesTo(userId) : undefined), timeoutMs, () =>
        new Error(`expected ${count} direct message(s) to user ${userId} within ${timeoutMs} ms, got ${directMessagesTo(userId).length}`),
      );
    },
    closeDirectMessages(userId) {
      state.closedDms.add(userId);
    },
    rateLimitNext(routeMatcher, retryAfterSeconds, limitOptions = {}) {
      limiter.inject(routeMatcher, retryAfterSeconds, limitOptions.global ?? false);
    },
    dropConnections: (code = 4000) => gateway.dropConnections(code),
    resetToken: () => tokenReset.reset(),
    restoreToken: () => tokenReset.restore(),
    archiveThread(channelId, { locked = false } = {}) {
      const channel = state.channels.get(channelId);
      if (!channel || !THREAD_TYPES.has(channel.type)) throw new Error(`${channelId} is not a thread: add it with addGuild as a channel of type 11 or 12`);
      threads.set(channelId, { archived: true, locked });
    },
    threadState: (channelId) => threads.get(channelId),
    get registeredCommands() {
      return { global: [...state.globalCommands], guild: Object.fromEntries([...state.guildCommands].map(([id, list]) => [id, [...list]])) };
    },
    get connectedClients() {
      return gateway.connectedClients;
    },
    connectedShards: () => gateway.connectedShards(),
    shardConflicts: () => gateway.shardConflicts,
    waitForShards(count, timeoutMs = 5000) {
      const distinct = () => new Set(gateway.connectedShards().map((s) => `${s.shardId}/${s.shardCount}`)).size;
      return waitFor(state.changes, 'shard', () => (distinct() >= count ? gateway.connectedShards() : undefined), timeoutMs, () =>
        new Error(`expected ${count} connected shard(s) within ${timeoutMs} ms, got ${distinct()}`),
      );
    },
    requestRate: () => limiter.rate(),
    faults,
    bannedRequests: () => invalidRequests.bannedRequests,
    get requests() {
      return [...requests];
    },
    async close() {
      await gateway.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
  return emulator;
}
