/**
 * Socket Mode's WebSocket side: single-use URLs handed out by apps.connections.open, `hello` on
 * connect, server pings (the client drops a connection that stops receiving them for 30 s), envelopes
 * delivered to the newest connection and resolved by the client's `{ envelope_id, payload }` ack,
 * `disconnect` messages, and closes that always finish the close handshake so the client never waits
 * out its 30 s fallback. Emits 'socket' on the state's `changes` when a connection opens or closes.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { EmulatorState } from './state.ts';
import type { SocketRecord } from './types.ts';

const PATH = '/socket';
const FORCE_CLOSE_AFTER_MS = 1000;

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
  readonly #pingIntervalMs: number;
  readonly #wss = new WebSocketServer({ noServer: true });
  readonly #tickets = new Set<string>();
  readonly #connections: Connection[] = [];
  readonly #log: Connection['record'][] = [];
  readonly #pending = new Map<string, PendingEnvelope>();
  readonly #started = new Date().toISOString();
  #nextId = 1;

  constructor(state: EmulatorState, pingIntervalMs: number) {
    this.#state = state;
    this.#pingIntervalMs = pingIntervalMs;
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
    return this.#connections.filter((c) => c.ws.readyState === WebSocket.OPEN && !c.closingByEmulator).length;
  }

  get log(): ReadonlyArray<SocketRecord> {
    return this.#log.map((record) => ({ ...record }));
  }

  /** Sends an envelope to the newest open connection; resolves with the ack's payload. */
  deliver(type: string, payload: Record<string, unknown>, timeoutMs: number): Promise<Record<string, unknown>> {
    const connection = this.#connections.filter((c) => c.ws.readyState === WebSocket.OPEN && !c.closingByEmulator).at(-1);
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
      connection.ws.send(JSON.stringify({ envelope_id: envelopeId, type, accepts_response_payload: true, payload }));
    });
  }

  /** `{type:'disconnect'}` as Slack sends before recycling a connection; the client closes and reconnects. */
  sendDisconnect(reason: string): void {
    for (const connection of this.#connections) {
      if (connection.ws.readyState !== WebSocket.OPEN) continue;
      connection.ws.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'applink-emulator' } }));
    }
  }

  async close(): Promise<void> {
    await Promise.all(
      this.#connections.map(
        (connection) =>
          new Promise<void>((resolve) => {
            if (connection.ws.readyState === WebSocket.CLOSED) return resolve();
            connection.ws.once('close', () => resolve());
            connection.closingByEmulator = true;
            connection.ws.close(1001, 'The emulator is shutting down');
            setTimeout(() => connection.ws.terminate(), FORCE_CLOSE_AFTER_MS).unref();
          }),
      ),
    );
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }

  #accept(ws: WebSocket): void {
    const pinger = setInterval(() => {
      if (ws.readyState === WebSocket.OPEN) ws.ping(Buffer.from(`ping ${Date.now()}`));
    }, this.#pingIntervalMs);
    pinger.unref();
    const connection: Connection = { ws, record: { id: this.#nextId++, openedAt: Date.now() }, closingByEmulator: false, pinger };
    this.#connections.push(connection);
    this.#log.push(connection.record);
    ws.on('message', (data, isBinary) => this.#onMessage(connection, data as Buffer, isBinary));
    ws.on('close', (code) => this.#onClose(connection, code));
    ws.on('error', () => ws.terminate());
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
