/**
 * Socket Mode's WebSocket side: single-use URLs handed out by apps.connections.open, `hello` on
 * connect, server pings (the client drops a connection that stops receiving them for 30 s), each
 * envelope sent to one open connection picked at random (as Slack does for an app's up to 10
 * connections) and resolved by the client's `{ envelope_id, payload }` ack on that connection,
 * `disconnect` messages (`too_many_websockets` to an 11th connection), and closes that always finish
 * the close handshake so the client never waits out its 30 s fallback. Emits 'socket' on the state's
 * `changes` when a connection opens or closes.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { EmulatorState } from './state.ts';
import type { SocketRecord } from './types.ts';

const PATH = '/socket';
const FORCE_CLOSE_AFTER_MS = 1000;
const MAX_CONNECTIONS = 10;

export interface SocketModeOptions {
  pingIntervalMs: number;
  /** Picks the connection for each envelope; returns a number in [0, 1) like Math.random. */
  random: () => number;
}

interface Connection {
  ws: WebSocket;
  record: { -readonly [K in keyof SocketRecord]: SocketRecord[K] };
  closingByEmulator: boolean;
  pinger: NodeJS.Timeout;
}

interface PendingEnvelope {
  connection: Connection;
  resolve(payload: Record<string, unknown>): void;
  reject(error: Error): void;
}

export class SocketMode {
  readonly #state: EmulatorState;
  readonly #options: SocketModeOptions;
  readonly #wss = new WebSocketServer({ noServer: true });
  readonly #tickets = new Set<string>();
  readonly #connections: Connection[] = [];
  readonly #log: Connection['record'][] = [];
  readonly #pending = new Map<string, PendingEnvelope>();
  readonly #started = new Date().toISOString();
  #nextId = 1;

  constructor(state: EmulatorState, options: SocketModeOptions) {
    this.#state = state;
    this.#options = options;
  }

  /** A fresh single-use URL below `wsBase` (ws://127.0.0.1:PORT), as apps.connections.open returns. */
  openUrl(wsBase: string): string {
    const ticket = randomBytes(16).toString('hex');
    this.#tickets.add(ticket);
    return `${wsBase}${PATH}?ticket=${ticket}&app_id=${this.#state.appId}`;
  }

  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const ticket = url.searchParams.get('ticket') ?? '';
    if (url.pathname !== PATH || !this.#tickets.delete(ticket)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.#wss.handleUpgrade(request, socket, head, (ws) => this.#accept(ws));
  }

  get openConnections(): number {
    return this.#open().length;
  }

  get log(): ReadonlyArray<SocketRecord> {
    return this.#log.map((record) => ({ ...record }));
  }

  /** Sends an envelope to one open connection picked at random; resolves with the ack's payload. */
  deliver(type: string, payload: Record<string, unknown>, timeoutMs: number): Promise<Record<string, unknown>> {
    const open = this.#open();
    const connection = open[Math.min(open.length - 1, Math.floor(this.#options.random() * open.length))];
    if (!connection) {
      return Promise.reject(new Error('no Socket Mode connection is open: start the Bolt app (socketMode: true) before running the command'));
    }
    const envelopeId = randomUUID();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(envelopeId);
        reject(new Error(`the app did not ack envelope ${envelopeId} (${type}) within ${timeoutMs} ms`));
      }, timeoutMs);
      timer.unref();
      this.#pending.set(envelopeId, {
        connection,
        resolve: (ack) => {
          clearTimeout(timer);
          resolve(ack);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      connection.record.envelopes += 1;
      connection.ws.send(JSON.stringify({ envelope_id: envelopeId, type, accepts_response_payload: true, payload }));
    });
  }

  /** `{type:'disconnect'}` as Slack sends before recycling a connection; the client closes and reconnects. */
  sendDisconnect(reason: string): void {
    for (const connection of this.#connections) {
      if (connection.ws.readyState !== WebSocket.OPEN) continue;
      connection.ws.send(this.#disconnectMessage(reason));
    }
  }

  #disconnectMessage(reason: string): string {
    return JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'applink-emulator' } });
  }

  async close(): Promise<void> {
    await Promise.all(this.#connections.map((connection) => this.#closeByEmulator(connection, 1001, 'The emulator is shutting down')));
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }

  #open(): Connection[] {
    return this.#connections.filter((c) => c.ws.readyState === WebSocket.OPEN && !c.closingByEmulator);
  }

  /** Resolves once the client has answered the close (or, failing that, the socket was cut). */
  #closeByEmulator(connection: Connection, code: number, reason: string): Promise<void> {
    return new Promise<void>((resolve) => {
      if (connection.ws.readyState === WebSocket.CLOSED) return resolve();
      connection.ws.once('close', () => resolve());
      connection.closingByEmulator = true;
      connection.ws.close(code, reason);
      setTimeout(() => connection.ws.terminate(), FORCE_CLOSE_AFTER_MS).unref();
    });
  }

  #accept(ws: WebSocket): void {
    const pinger = setInterval(() => {
      if (ws.readyState === WebSocket.OPEN) ws.ping(Buffer.from(`ping ${Date.now()}`));
    }, this.#options.pingIntervalMs);
    pinger.unref();
    const full = this.openConnections >= MAX_CONNECTIONS;
    const connection: Connection = { ws, record: { id: this.#nextId++, openedAt: Date.now(), envelopes: 0 }, closingByEmulator: false, pinger };
    this.#connections.push(connection);
    this.#log.push(connection.record);
    ws.on('message', (data, isBinary) => this.#onMessage(connection, data as Buffer, isBinary));
    ws.on('close', (code) => this.#onClose(connection, code));
    ws.on('error', () => ws.terminate());
    if (full) {
      connection.record.refused = 'too_many_websockets';
      ws.send(this.#disconnectMessage('too_many_websockets'));
      void this.#closeByEmulator(connection, 1000, 'Too many Socket Mode connections');
      return;
    }
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: this.openConnections,
        debug_info: { host: 'applink-emulator', started: this.#started, build_number: 1, approximate_connection_time: 18_060 },
        connection_info: { app_id: this.#state.appId },
      }),
    );
    this.#state.changes.emit('socket');
  }

  #onMessage(connection: Connection, data: Buffer, isBinary: boolean): void {
    if (isBinary) return;
    let message: { envelope_id?: unknown; payload?: unknown };
    try {
      message = JSON.parse(data.toString('utf8'));
    } catch {
      return;
    }
    const pending = typeof message.envelope_id === 'string' ? this.#pending.get(message.envelope_id) : undefined;
    if (!pending || pending.connection !== connection || typeof message.envelope_id !== 'string') return;
    this.#pending.delete(message.envelope_id);
    const payload = message.payload;
    pending.resolve(typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>) : {});
  }

  #onClose(connection: Connection, code: number): void {
    clearInterval(connection.pinger);
    connection.record.closedAt = Date.now();
    connection.record.closeCode = code;
    connection.record.closedBy = connection.closingByEmulator ? 'emulator' : 'client';
    this.#connections.splice(this.#connections.indexOf(connection), 1);
    for (const [id, pending] of this.#pending) {
      if (pending.connection !== connection) continue;
      this.#pending.delete(id);
      pending.reject(new Error(`the Socket Mode connection closed (code ${code}) before the app acked envelope ${id}`));
    }
    this.#state.changes.emit('socket');
  }
}
