/**
 * A local feed server for tests: a real HTTP server on 127.0.0.1 that serves feeds set by the test,
 * answers conditional GETs with 304 (ETag derived from the body, Last-Modified), compresses with
 * gzip, br or deflate when the feed asks for it and the client accepts it, follows scripted
 * redirects and canned responses (any status, headers, delays, stalls, chunked bodies), answers 404
 * for anything unknown, and records every request. A Herald process started by the test can poll it
 * like any web server (with HERALD_ALLOW_PRIVATE_URLS set).
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';

export type Compression = 'gzip' | 'br' | 'deflate';

export interface FeedOptions {
  /** Default: guessed from the body (RSS, Atom or JSON Feed). */
  readonly contentType?: string;
  /** Default: when setFeed was called. */
  readonly lastModified?: Date;
  /** Shorthand for compress: 'gzip'. */
  readonly gzip?: boolean;
  /** Compress with this coding when the request's Accept-Encoding allows it. */
  readonly compress?: Compression;
  readonly cacheControl?: string;
}

export interface CannedResponse {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
  /** Wait this long before answering. */
  readonly delayMs?: number;
  /** 'headers': accept the request and never answer; 'body': send the head and half the body, then nothing. */
  readonly stall?: 'headers' | 'body';
  /** Send the body without Content-Length (chunked transfer encoding). */
  readonly chunked?: boolean;
}

export interface RecordedRequest {
  readonly path: string;
  readonly method: string;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly status: number;
  readonly at: number;
}

export interface FeedServer {
  /** http://127.0.0.1:PORT */
  readonly origin: string;
  url(path: string): string;
  /** Serves `body` at `path` with an ETag derived from the body. */
  setFeed(path: string, body: string | Buffer, options?: FeedOptions): void;
  setResponse(path: string, response: CannedResponse): void;
  setRedirect(from: string, to: string, status?: 301 | 302 | 303 | 307 | 308): void;
  /** Forgets what is served at `path` (it answers 404 again). */
  remove(path: string): void;
  readonly requests: ReadonlyArray<RecordedRequest>;
  /** How many requests asked for `path` (its query string ignored unless `path` has one). */
  requestsTo(path: string): number;
  clearRequests(): void;
  /** Connections the server holds open now (a client that cleans up leaves none). */
  openConnections(): Promise<number>;
  close(): Promise<void>;
}

type Route =
  | { readonly kind: 'feed'; readonly body: Buffer; readonly etag: string; readonly lastModified: Date; readonly options: FeedOptions }
  | { readonly kind: 'response'; readonly response: CannedResponse }
  | { readonly kind: 'redirect'; readonly to: string; readonly status: number };

const COMPRESSORS: Record<Compression, (body: Buffer) => Buffer> = {
  gzip: (body) => zlib.gzipSync(body),
  br: (body) => zlib.brotliCompressSync(body),
  deflate: (body) => zlib.deflateSync(body),
};

export async function startFeedServer(): Promise<FeedServer> {
  const routes = new Map<string, Route>();
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const server = http.createServer((request, response) => {
    const path = request.url ?? '/';
    const route = routes.get(path) ?? routes.get(path.split('?')[0] ?? path);
    const reply = replyFor(route, request);
    requests.push({ path, method: request.method ?? 'GET', headers: { ...request.headers }, status: reply.status, at: Date.now() });
    const send = (): void => sendReply(reply, request.method === 'HEAD', response);
    if (reply.delayMs !== undefined && reply.delayMs > 0) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        send();
      }, reply.delayMs);
      timers.add(timer);
    } else {
      send();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    origin,
    url: (path) => new URL(path, origin).href,
    setFeed(path, body, options = {}) {
      const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
      const etag = `"${createHash('sha256').update(bytes).digest('hex').slice(0, 20)}"`;
      const lastModified = options.lastModified ?? new Date();
      routes.set(path, { kind: 'feed', body: bytes, etag, lastModified, options });
    },
    setResponse(path, response) {
      routes.set(path, { kind: 'response', response });
    },
    setRedirect(from, to, status = 302) {
      routes.set(from, { kind: 'redirect', to, status });
    },
    remove(path) {
      routes.delete(path);
    },
    requests,
    requestsTo(path) {
      return requests.filter((r) => r.path === path || (!path.includes('?') && r.path.split('?')[0] === path)).length;
    },
    clearRequests() {
      requests.length = 0;
    },
    openConnections() {
      return new Promise((resolve, reject) => server.getConnections((error, count) => (error ? reject(error) : resolve(count))));
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

interface Reply {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
  readonly delayMs?: number;
  readonly stall?: 'headers' | 'body';
  readonly chunked?: boolean;
}

function replyFor(route: Route | undefined, request: http.IncomingMessage): Reply {
  if (route === undefined) {
    return { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: Buffer.from('Not Found\n') };
  }
  if (route.kind === 'redirect') {
    return { status: route.status, headers: { location: route.to }, body: Buffer.alloc(0) };
  }
  if (route.kind === 'response') {
    const { status, headers = {}, body = '', delayMs, stall, chunked } = route.response;
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    return { status, headers, body: bytes, ...(delayMs === undefined ? {} : { delayMs }), ...(stall ? { stall } : {}), ...(chunked ? { chunked } : {}) };
  }
  return feedReply(route, request);
}

function feedReply(route: Extract<Route, { kind: 'feed' }>, request: http.IncomingMessage): Reply {
  const { body, etag, lastModified, options } = route;
  const headers: Record<string, string> = {
    etag,
    'last-modified': lastModified.toUTCString(),
    'content-type': options.contentType ?? guessContentType(body),
    vary: 'Accept-Encoding',
  };
  if (options.cacheControl !== undefined) headers['cache-control'] = options.cacheControl;
  if (isNotModified(request, etag, lastModified)) return { status: 304, headers, body: Buffer.alloc(0) };

  const compression = options.compress ?? (options.gzip === true ? 'gzip' : undefined);
  if (compression !== undefined && acceptsEncoding(request.headers['accept-encoding'], compression)) {
    headers['content-encoding'] = compression;
    return { status: 200, headers, body: COMPRESSORS[compression](body) };
  }
  return { status: 200, headers, body };
}

function isNotModified(request: http.IncomingMessage, etag: string, lastModified: Date): boolean {
  const ifNoneMatch = request.headers['if-none-match'];
  if (ifNoneMatch !== undefined) {
    const tags = ifNoneMatch.split(',').map((tag) => tag.trim().replace(/^W\//, ''));
    return tags.includes('*') || tags.includes(etag);
  }
  const ifModifiedSince = request.headers['if-modified-since'];
  if (ifModifiedSince !== undefined) {
    const since = Date.parse(ifModifiedSince);
    // HTTP dates have whole seconds.
    return !Number.isNaN(since) && Math.floor(lastModified.getTime() / 1000) * 1000 <= since;
  }
  return false;
}

function acceptsEncoding(header: string | undefined, coding: Compression): boolean {
  for (const part of (header ?? '').split(',')) {
    const [name = '', ...params] = part.split(';').map((piece) => piece.trim().toLowerCase());
    const q = params.find((param) => param.startsWith('q='));
    if ((name === coding || name === '*') && (q === undefined || Number(q.slice(2)) > 0)) return true;
  }
  return false;
}

function guessContentType(body: Buffer): string {
  const start = body.subarray(0, 512).toString('utf8').trimStart();
  if (start.startsWith('{')) return 'application/feed+json; charset=utf-8';
  if (/<feed[\s>]/.test(start)) return 'application/atom+xml; charset=utf-8';
  if (/<html[\s>]|<!doctype html/i.test(start)) return 'text/html; charset=utf-8';
  return 'application/rss+xml; charset=utf-8';
}

function sendReply(reply: Reply, isHead: boolean, response: http.ServerResponse): void {
  if (reply.stall === 'headers') return;
  const headers = { ...reply.headers };
  const hasBody = !isHead && reply.status !== 204 && reply.status !== 304;
  const lengthGiven = Object.keys(headers).some((name) => /^(content-length|transfer-encoding)$/i.test(name));
  if (!reply.chunked && !lengthGiven && reply.status !== 204 && reply.status !== 304) {
    headers['content-length'] = String(reply.body.length);
  }
  response.writeHead(reply.status, headers);
  if (!hasBody) {
    response.end();
    return;
  }
  const half = Math.floor(reply.body.length / 2);
  if (reply.stall === 'body') {
    response.write(reply.body.subarray(0, half));
    return;
  }
  if (reply.chunked) {
    response.write(reply.body.subarray(0, half));
    response.end(reply.body.subarray(half));
    return;
  }
  response.end(reply.body);
}
