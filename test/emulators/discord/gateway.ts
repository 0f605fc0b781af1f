/**
 * The gateway WebSocket (gateway.mdx, gateway-events.mdx, close codes): HELLO on connect, heartbeat
 * ACKs, IDENTIFY -> READY (guilds unavailable) + one GUILD_CREATE per guild, RESUME replaying missed
 * dispatches then RESUMED, sequence numbers, intents, and the documented close codes for misuse.
 * Sessions outlive a dropped connection (resumable) unless it closed with 1000/1001.
 * Keeps which shards open connections hold, and every time two of them came to hold the same one.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { WebSocketServer, WebSocket } from 'ws';
import type { EmulatorState } from './state.ts';
import { botUserObject, guildCreateObject, memberObject } from './objects.ts';
import { INTENTS } from './rest-types.ts';
import type { Dispatcher } from './rest-types.ts';
import type { ConnectedShard, ShardConflict } from './types.ts';

const OP = { DISPATCH: 0, HEARTBEAT: 1, IDENTIFY: 2, PRESENCE: 3, VOICE: 4, RESUME: 6, REQUEST_MEMBERS: 8, INVALID_SESSION: 9, HELLO: 10, ACK: 11 } as const;
const QUIET_OPS = new Set<number>([OP.PRESENCE, OP.VOICE, 31, 43]);
const PRIVILEGED = (1 << 1) | (1 << 8) | (1 << 15);
const ALL_INTENTS = (1 << 26) - 1;
const MAX_PAYLOAD_BYTES = 4096;
const SEND_LIMIT = { count: 120, windowMs: 60_000 };
const RESUME_WINDOW_MS = 5 * 60_000;
const HISTORY = 1000;

export interface GatewayOptions {
  token: string;
  heartbeatIntervalMs: number;
  privilegedIntents: number;
}

interface Session {
  id: string;
  intents: number;
  shard: [number, number];
  seq: number;
  history: Array<{ s: number; text: string }>;
  connection?: Connection;
  resumableUntil: number;
  invalidated: boolean;
}

interface Connection {
  ws: WebSocket;
  session?: Session;
  sent: { count: number; resetAt: number };
  watchdog?: NodeJS.Timeout;
}

type IdentifiedConnection = Connection & { session: Session };

export class Gateway implements Dispatcher {
  readonly #state: EmulatorState;
  readonly #options: GatewayOptions;
  readonly #wss = new WebSocketServer({ noServer: true });
  readonly #connections = new Set<Connection>();
  readonly #sessions = new Map<string, Session>();
  readonly #conflicts: ShardConflict[] = [];
  resumeUrl = '';

  constructor(state: EmulatorState, options: GatewayOptions) {
    this.#state = state;
    this.#options = options;
  }

  /** Accepts `/gateway?v=10&encoding=json` (and the resume URL) upgrades; refuses anything else. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname !== '/gateway' && url.pathname !== '/gateway/resume') {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    this.#wss.handleUpgrade(request, socket, head, (ws) => this.#accept(ws, url.searchParams));
  }

  get connectedClients(): number {
    return this.#identified().length;
  }

  connectedShards(): ConnectedShard[] {
    return this.#identified().map(({ session }) => ({ shardId: session.shard[0], shardCount: session.shard[1], sessionId: session.id }));
  }

  get shardConflicts(): ShardConflict[] {
    return [...this.#conflicts];
  }

  dispatchToGuild(guildId: string, event: string, data: unknown, intent: number | null): void {
    for (const session of this.#liveSessions()) {
      if (this.#holds(session, guildId) && (intent === null || (session.intents & intent) !== 0)) this.#dispatch(session, event, data);
    }
  }

  /** Sends INTERACTION_CREATE to one session holding the guild (the newest connected); false if none. */
  dispatchInteraction(guildId: string, data: unknown): boolean {
    const candidates = this.#liveSessions().filter((s) => this.#holds(s, guildId));
    const session = candidates.filter((s) => s.connection).at(-1) ?? candidates.at(-1);
    if (!session) return false;
    this.#dispatch(session, 'INTERACTION_CREATE', data);
    return true;
  }

  dropConnections(code: number): void {
    for (const connection of this.#connections) connection.ws.close(code, 'Dropped by the emulator');
  }

  async close(): Promise<void> {
    const closing = [...this.#connections].map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.ws.readyState === WebSocket.CLOSED) return resolve();
          c.ws.once('close', () => resolve());
          c.ws.close(1001, 'Emulator shutting down');
          setTimeout(() => c.ws.terminate(), 1000).unref();
        }),
    );
    await Promise.all(closing);
    for (const session of this.#sessions.values()) session.invalidated = true;
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }

  #identified(): IdentifiedConnection[] {
    return [...this.#connections].filter((c): c is IdentifiedConnection => c.session !== undefined && c.ws.readyState === WebSocket.OPEN);
  }

  /** Called once a connection holds its session; emits 'shard' on the state's changes. */
  #tookShard(connection: Connection, [shardId, shardCount]: [number, number]): void {
    const shared = this.#identified().some((c) => c !== connection && c.session.shard[0] === shardId && c.session.shard[1] === shardCount);
    if (shared) this.#conflicts.push({ shardId, shardCount, at: Date.now() });
    this.#state.changes.emit('shard');
  }

  #liveSessions(): Session[] {
    const now = Date.now();
    return [...this.#sessions.values()].filter((s) => !s.invalidated && (s.connection || s.resumableUntil > now));
  }

  #holds(session: Session, guildId: string): boolean {
    const [shardId, count] = session.shard;
    if (count <= 1) return true;
    try {
      return Number((BigInt(guildId) >> 22n) % BigInt(count)) === shardId;
    } catch {
      return shardId === 0;
    }
  }

  #accept(ws: WebSocket, query: URLSearchParams): void {
    const connection: Connection = { ws, sent: { count: 0, resetAt: Date.now() + SEND_LIMIT.windowMs } };
    this.#connections.add(connection);
    ws.on('message', (data, isBinary) => this.#onMessage(connection, data as Buffer, isBinary));
    ws.on('close', (code) => this.#onClose(connection, code));
    ws.on('error', () => ws.terminate());
    if (query.get('v') !== '10') return ws.close(4012, 'Invalid API version');
    if (query.get('encoding') !== null && query.get('encoding') !== 'json') return ws.close(1003, 'The emulator speaks JSON only');
    if (query.get('compress') !== null) return ws.close(1003, 'The emulator does not compress the transport');
    this.#send(connection, { op: OP.HELLO, d: { heartbeat_interval: this.#options.heartbeatIntervalMs }, s: null, t: null });
    this.#armWatchdog(connection);
  }

  /** Closes a connection that stops heartbeating (resumable, as the docs say). */
  #armWatchdog(connection: Connection): void {
    if (connection.watchdog) clearTimeout(connection.watchdog);
    connection.watchdog = setTimeout(() => connection.ws.close(4000, 'Heartbeat timed out'), this.#options.heartbeatIntervalMs * 2 + 5000);
    connection.watchdog.unref();
  }

  #onClose(connection: Connection, code: number): void {
    if (connection.watchdog) clearTimeout(connection.watchdog);
    this.#connections.delete(connection);
    const session = connection.session;
    if (session) this.#state.changes.emit('shard');
    if (!session || session.connection !== connection) return;
    session.connection = undefined;
    if (code === 1000 || code === 1001) session.invalidated = true;
    else session.resumableUntil = Date.now() + RESUME_WINDOW_MS;
  }

  #onMessage(connection: Connection, data: Buffer, isBinary: boolean): void {
    const { ws } = connection;
    if (isBinary || data.length > MAX_PAYLOAD_BYTES) return ws.close(4002, 'Decode error');
    const now = Date.now();
    if (now >= connection.sent.resetAt) connection.sent = { count: 0, resetAt: now + SEND_LIMIT.windowMs };
    if (++connection.sent.count > SEND_LIMIT.count) return ws.close(4008, 'Rate limited');
    let payload: { op?: unknown; d?: unknown };
    try {
      payload = JSON.parse(data.toString('utf8'));
    } catch {
      return ws.close(4002, 'Decode error');
    }
    const d = (typeof payload.d === 'object' && payload.d !== null ? payload.d : {}) as Record<string, unknown>;
    switch (payload.op) {
      case OP.HEARTBEAT:
        this.#armWatchdog(connection);
        return this.#send(connection, { op: OP.ACK, d: null, s: null, t: null });
      case OP.IDENTIFY:
        return this.#identify(connection, d);
      case OP.RESUME:
        return this.#resume(connection, d);
      case OP.REQUEST_MEMBERS:
        if (!connection.session) return ws.close(4003, 'Not authenticated');
        return this.#sendMembers(connection.session, d);
      default:
        if (typeof payload.op === 'number' && QUIET_OPS.has(payload.op)) {
          if (!connection.session) ws.close(4003, 'Not authenticated');
          return;
        }
        return ws.close(4001, 'Unknown opcode');
    }
  }

  #identify(connection: Connection, d: Record<string, unknown>): void {
    const { ws } = connection;
    if (connection.session) return ws.close(4005, 'Already authenticated');
    if (d.token !== this.#options.token) return ws.close(4004, 'Authentication failed');
    const intents = d.intents;
    if (typeof intents !== 'number' || !Number.isInteger(intents) || intents < 0 || intents > ALL_INTENTS) {
      return ws.close(4013, 'Invalid intent(s)');
    }
    if ((intents & PRIVILEGED & ~this.#options.privilegedIntents) !== 0) return ws.close(4014, 'Disallowed intent(s)');
    const shard = Array.isArray(d.shard) ? (d.shard as number[]) : [0, 1];
    const [shardId = 0, shardCount = 1] = shard;
    if (shardCount < 1 || shardId < 0 || shardId >= shardCount) return ws.close(4010, 'Invalid shard');

    const session: Session = {
      id: randomBytes(16).toString('hex'),
      intents,
      shard: [shardId, shardCount],
      seq: 0,
      history: [],
      connection,
      resumableUntil: 0,
      invalidated: false,
    };
    this.#sessions.set(session.id, session);
    connection.session = session;
    this.#tookShard(connection, session.shard);
    const guilds = this.#state.memberGuilds().filter((g) => this.#holds(session, g.id));
    this.#dispatch(session, 'READY', {
      v: 10,
      user: botUserObject(this.#state),
      guilds: guilds.map((g) => ({ id: g.id, unavailable: true })),
      session_id: session.id,
      resume_gateway_url: this.resumeUrl,
      ...(Array.isArray(d.shard) ? { shard: session.shard } : {}),
      application: { id: this.#state.applicationId, flags: 0 },
      private_channels: [],
      presences: [],
      relationships: [],
      guild_join_requests: [],
      user_settings: {},
      session_type: 'normal',
    });
    if ((intents & INTENTS.GUILDS) === 0) return;
    for (const guild of guilds) this.#dispatch(session, 'GUILD_CREATE', guildCreateObject(this.#state, guild));
  }

  #resume(connection: Connection, d: Record<string, unknown>): void {
    const { ws } = connection;
    if (connection.session) return ws.close(4005, 'Already authenticated');
    const session = this.#sessions.get(String(d.session_id));
    const usable = session && !session.invalidated && d.token === this.#options.token && (session.connection || session.resumableUntil > Date.now());
    if (!session || !usable) return this.#send(connection, { op: OP.INVALID_SESSION, d: false, s: null, t: null });
    const seq = Number(d.seq);
    if (!Number.isInteger(seq) || seq > session.seq) return ws.close(4007, 'Invalid seq');
    session.connection?.ws.close(4009, 'Session resumed elsewhere');
    session.connection = connection;
    connection.session = session;
    this.#tookShard(connection, session.shard);
    for (const event of session.history) if (event.s > seq) this.#sendText(connection, event.text);
    this.#dispatch(session, 'RESUMED', null);
  }

  #sendMembers(session: Session, d: Record<string, unknown>): void {
    for (const guildId of [d.guild_id].flat()) {
      const guild = this.#state.guilds.get(String(guildId));
      if (!guild) continue;
      const members = [memberObject(botUserObject(this.#state), [guild.botRoleId], guild.joinedAt)];
      this.#dispatch(session, 'GUILD_MEMBERS_CHUNK', {
        guild_id: guild.id,
        members,
        chunk_index: 0,
        chunk_count: 1,
        not_found: [],
        ...(d.nonce !== undefined ? { nonce: d.nonce } : {}),
      });
    }
  }

  #dispatch(session: Session, event: string, data: unknown): void {
    session.seq += 1;
    const text = JSON.stringify({ op: OP.DISPATCH, d: data, s: session.seq, t: event });
    session.history.push({ s: session.seq, text });
    if (session.history.length > HISTORY) session.history.shift();
    if (session.connection) this.#sendText(session.connection, text);
  }

  #send(connection: Connection, payload: unknown): void {
    this.#sendText(connection, JSON.stringify(payload));
  }

  #sendText(connection: Connection, text: string): void {
    if (connection.ws.readyState === WebSocket.OPEN) connection.ws.send(text);
  }
}
