/**
 * Herald's one HTTP server, for operators and for Slack's HTTP mode, on HERALD_HTTP_PORT:
 *
 * - GET /healthz: 200 `ok` while the process is alive.
 * - GET /readyz: 200 when every readiness check passes, else 503; the JSON body names each check's state.
 * - GET /metrics: the Prometheus text of the metrics registry.
 * - mounted listeners at exact paths (Slack's /slack/events), which get every method and answer themselves.
 * - a fallback listener, if given, for every other path (`herald discord-proxy` forwards them to Discord).
 *
 * Any other path is 404, another method on a built-in path 405.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import { HeraldError, messageOf } from '../errors.ts';
import type { Logger } from '../log.ts';
import { checkReadiness } from './readiness.ts';
import type { ReadinessCheck } from './readiness.ts';

export type { ReadinessCheck, RequestListener };

export const DEFAULT_HTTP_PORT = 3000;
/** Every interface, so a container's published port reaches it. */
export const DEFAULT_HTTP_HOST = '0.0.0.0';
/** How long requests in flight may finish after close() before their connections are cut. */
const CLOSE_GRACE_MS = 1_000;

export interface HttpServerOptions {
  /** 0: any free port. */
  readonly port: number;
  readonly host?: string;
  /** Serves /metrics when given. */
  readonly metrics?: { readonly registry: Registry };
  readonly readiness?: ReadonlyArray<ReadinessCheck>;
  /** Exact path → listener. */
  readonly mounts?: ReadonlyMap<string, RequestListener>;
  /** Every path that is neither built in nor mounted. */
  readonly fallback?: RequestListener;
  /** Named in the error when the port cannot be had. */
  readonly portVariable?: string;
  readonly log: Logger;
}

export interface RunningHttpServer {
  readonly port: number;
  /** Stops listening and ends every connection, keep-alive ones included. */
  close(): Promise<void>;
}

type Route = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

/** Resolves once listening; rejects with a HeraldError an operator can act on when the port cannot be had. */
export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const { log } = options;
  const host = options.host ?? DEFAULT_HTTP_HOST;
  const routes = builtInRoutes(options);
  const mounts = options.mounts ?? new Map<string, RequestListener>();
  const server = createServer((request, response) => {
    const path = pathOf(request);
    const mounted = mounts.get(path) ?? (routes.has(path) ? undefined : options.fallback);
    const route = routes.get(path);
    const handled = mounted !== undefined ? callMounted(mounted, request, response) : route !== undefined ? callBuiltIn(route, request, response) : answer(response, 404, 'not found\n');
    void Promise.resolve(handled).catch((error: unknown) => {
      log.error('HTTP request failed', { method: request.method, path, error });
      if (!response.headersSent) answer(response, 500, 'internal error\n');
      else response.destroy();
    });
  });
  await listen(server, options.port, host, options.portVariable ?? 'HERALD_HTTP_PORT');
  const port = (server.address() as { port: number }).port;
  log.info('HTTP listening', { port, host, paths: [...routes.keys(), ...mounts.keys()].join(',') });
  return { port, close: () => closeServer(server) };
}

function builtInRoutes(options: HttpServerOptions): ReadonlyMap<string, Route> {
  const readiness = options.readiness ?? [];
  const registry = options.metrics?.registry;
  const routes = new Map<string, Route>([
    ['/healthz', async (_request, response) => answer(response, 200, 'ok\n')],
    [
      '/readyz',
      async (_request, response) => {
        const report = await checkReadiness(readiness);
        answer(response, report.ready ? 200 : 503, `${JSON.stringify(report)}\n`, 'application/json');
      },
    ],
  ]);
  if (registry !== undefined) routes.set('/metrics', async (_request, response) => answer(response, 200, await registry.metrics(), registry.contentType));
  return routes;
}

function callBuiltIn(route: Route, request: IncomingMessage, response: ServerResponse): Promise<void> | void {
  if (request.method === 'GET' || request.method === 'HEAD') return route(request, response);
  response.setHeader('Allow', 'GET, HEAD');
  answer(response, 405, 'method not allowed\n');
}

/** A listener that throws before answering (Bolt does for a path or method it does not serve) gets a 500 here. */
function callMounted(listener: RequestListener, request: IncomingMessage, response: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    listener(request, response);
    resolve();
  });
}

function answer(response: ServerResponse, status: number, body: string, contentType = 'text/plain; charset=utf-8'): void {
  response.writeHead(status, { 'Content-Type': contentType, 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(body) });
  response.end(body);
}

function pathOf(request: IncomingMessage): string {
  try {
    return new URL(request.url ?? '/', 'http://herald.invalid').pathname;
  } catch {
    return '';
  }
}

function listen(server: Server, port: number, host: string, portVariable: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => {
      server.off('listening', onListening);
      reject(listenError(error, port, portVariable));
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ port, host });
  });
}

function listenError(error: Error, port: number, portVariable: string): HeraldError {
  const code = (error as { code?: string }).code;
  const reason =
    code === 'EADDRINUSE' ? 'the port is already in use by another program' : code === 'EACCES' ? 'permission denied (ports below 1024 need privileges)' : messageOf(error);
  return new HeraldError('http-listen', `could not listen on port ${port}: ${messageOf(error)}`, {
    cause: error,
    userMessage: `Herald could not listen on port ${port} (${portVariable}): ${reason}`,
  });
}

function closeServer(server: Server): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const cutOff = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
    server.close((error) => {
      clearTimeout(cutOff);
      if (error === undefined) resolve();
      else reject(error);
    });
    server.closeIdleConnections();
  });
}
