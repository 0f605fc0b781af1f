/**
 * A bare gateway client for tests that play several bot processes at once: opens the emulator's
 * gateway with `ws`, IDENTIFYs with a shard or RESUMEs a session, and keeps every dispatch it receives.
 */
import { EventEmitter, once } from 'node:events';
import { WebSocket } from 'ws';
import { waitFor } from '../../support/wait-for.ts';

const OP = { DISPATCH: 0, IDENTIFY: 2, RESUME: 6 } as const;
const DEFAULT_WAIT_MS = 2000;

export interface Dispatch {
  t: string;
  s: number;
  d: Record<string, unknown>;
}

export class GatewayClient {
  readonly dispatches: Dispatch[] = [];
  sessionId = '';
  readonly #ws: WebSocket;
  readonly #events = new EventEmitter();

  constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.on('message', (data) => {
      const payload = JSON.parse(String(data)) as { op: number; t: string; s: number; d: Record<string, unknown> };
      if (payload.op !== OP.DISPATCH) return;
      this.dispatches.push({ t: payload.t, s: payload.s, d: payload.d });
      this.#events.emit('dispatch');
    });
  }

  get lastSeq(): number {
    return this.dispatches.at(-1)?.s ?? 0;
  }

  send(op: number, d: unknown): void {
    this.#ws.send(JSON.stringify({ op, d }));
  }

  /** The first dispatch of this event (matching `where`) received so far or from now on. */
  waitForDispatch(event: string, where: (d: Record<string, unknown>) => boolean = () => true, timeoutMs = DEFAULT_WAIT_MS): Promise<Dispatch> {
    const found = () => this.dispatches.find((dispatch) => dispatch.t === event && where(dispatch.d));
    return waitFor(this.#events, 'dispatch', found, timeoutMs, () => new Error(`no ${event} dispatch within ${timeoutMs} ms`));
  }

  /** Closes from the client side; 1000 ends the session, 4000 leaves it resumable. */
  async close(code = 1000): Promise<void> {
    if (this.#ws.readyState === WebSocket.CLOSED) return;
    const closed = once(this.#ws, 'close');
    this.#ws.close(code);
    await closed;
  }
}

/** The gateway URL with the query discord.js uses, from the unauthenticated GET /gateway. */
export async function gatewayUrl(apiBase: string): Promise<string> {
  const { url } = (await (await fetch(`${apiBase}/v10/gateway`)).json()) as { url: string };
  return `${url}?v=10&encoding=json`;
}

async function connect(url: string): Promise<GatewayClient> {
  const ws = new WebSocket(url);
  const client = new GatewayClient(ws);
  await once(ws, 'open');
  return client;
}

export async function identifyShard(url: string, token: string, shard: [number, number], intents = 1): Promise<GatewayClient> {
  const client = await connect(url);
  client.send(OP.IDENTIFY, { token, intents, shard, properties: { os: 'linux', browser: 'emulator-test', device: 'emulator-test' } });
  client.sessionId = String((await client.waitForDispatch('READY')).d.session_id);
  return client;
}

export async function resumeSession(url: string, token: string, sessionId: string, seq: number): Promise<GatewayClient> {
  const client = await connect(url);
  client.send(OP.RESUME, { token, session_id: sessionId, seq });
  await client.waitForDispatch('RESUMED');
  client.sessionId = sessionId;
  return client;
}
