import http from 'node:http';
import zlib from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeAtom, makeJsonFeed, makeRss } from './feed-documents.ts';
import { startFeedServer } from './feed-server.ts';
import type { FeedServer } from './feed-server.ts';

interface Answer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

/** A plain GET with Node's client, so the server is tested apart from Herald's fetcher. */
function get(url: string, headers: http.OutgoingHttpHeaders = {}, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method, headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end();
  });
}

const RSS = makeRss([{ title: 'One', link: 'https://example.com/1' }]);

let server: FeedServer;
beforeAll(async () => {
  server = await startFeedServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => server.clearRequests());

describe('feed server', () => {
  it('listens on loopback and builds URLs', () => {
    expect(server.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.url('/a/feed.xml?x=1')).toBe(`${server.origin}/a/feed.xml?x=1`);
  });

  it.each([
    ['RSS', RSS, 'application/rss+xml; charset=utf-8'],
    ['Atom', makeAtom([{ title: 'x' }]), 'application/atom+xml; charset=utf-8'],
    ['JSON Feed', makeJsonFeed([{ title: 'x' }]), 'application/feed+json; charset=utf-8'],
  ])('serves %s with a fitting Content-Type, an ETag and Last-Modified', async (_name, body, contentType) => {
    server.setFeed('/typed', body);
    const answer = await get(server.url('/typed'));
    expect(answer.status).toBe(200);
    expect(answer.body.toString('utf8')).toBe(body);
    expect(answer.headers['content-type']).toBe(contentType);
    expect(answer.headers.etag).toMatch(/^"[0-9a-f]{20}"$/);
    expect(Date.parse(answer.headers['last-modified'] ?? '')).not.toBeNaN();
  });

  it('keeps the ETag while the body stays and changes it with the body', async () => {
    server.setFeed('/etag', RSS);
    const first = (await get(server.url('/etag'))).headers.etag;
    server.setFeed('/etag', RSS);
    expect((await get(server.url('/etag'))).headers.etag).toBe(first);
    server.setFeed('/etag', makeRss([{ title: 'Two' }]));
    expect((await get(server.url('/etag'))).headers.etag).not.toBe(first);
  });

  it('answers conditional GETs with 304 and an empty body', async () => {
    const lastModified = new Date('2024-03-01T12:00:00Z');
    server.setFeed('/cond', RSS, { lastModified, contentType: 'text/xml' });
    const { headers } = await get(server.url('/cond'));
    const cases: Array<[http.OutgoingHttpHeaders, number]> = [
      [{ 'if-none-match': headers.etag }, 304],
      [{ 'if-none-match': `W/${headers.etag}` }, 304],
      [{ 'if-none-match': `"other", ${headers.etag}` }, 304],
      [{ 'if-none-match': '"other"' }, 200],
      [{ 'if-modified-since': lastModified.toUTCString() }, 304],
      [{ 'if-modified-since': new Date('2024-03-01T11:59:59Z').toUTCString() }, 200],
      [{ 'if-none-match': '"other"', 'if-modified-since': lastModified.toUTCString() }, 200],
    ];
    for (const [conditions, status] of cases) {
      const answer = await get(server.url('/cond'), conditions);
      expect({ conditions, status: answer.status }).toEqual({ conditions, status });
      if (status === 304) expect(answer.body).toHaveLength(0);
    }
    expect(server.requests.map((r) => r.status)).toEqual([200, ...cases.map(([, status]) => status)]);
  });

  it.each([
    ['gzip', 'gzip, deflate, br', 'gzip', (b: Buffer) => zlib.gunzipSync(b)],
    ['br', 'gzip, deflate, br', 'br', (b: Buffer) => zlib.brotliDecompressSync(b)],
    ['deflate', 'deflate', 'deflate', (b: Buffer) => zlib.inflateSync(b)],
    ['br', 'gzip', undefined, (b: Buffer) => b],
    ['gzip', 'gzip;q=0, br', undefined, (b: Buffer) => b],
    ['gzip', '', undefined, (b: Buffer) => b],
  ] as const)('compresses with %s when the client accepts "%s"', async (compress, accept, encoding, decode) => {
    server.setFeed('/zipped', RSS, { compress });
    const answer = await get(server.url('/zipped'), { 'accept-encoding': accept });
    expect(answer.headers['content-encoding']).toBe(encoding);
    expect(answer.headers.vary).toBe('Accept-Encoding');
    expect(decode(answer.body).toString('utf8')).toBe(RSS);
  });

  it('takes gzip: true as compress: gzip', async () => {
    server.setFeed('/gz', RSS, { gzip: true });
    expect((await get(server.url('/gz'), { 'accept-encoding': 'gzip' })).headers['content-encoding']).toBe('gzip');
  });

  it('answers 404 for unknown paths and for removed ones', async () => {
    expect((await get(server.url('/nope'))).status).toBe(404);
    server.setFeed('/gone-soon', RSS);
    server.remove('/gone-soon');
    expect((await get(server.url('/gone-soon'))).status).toBe(404);
  });

  it('sends canned responses as given', async () => {
    server.setResponse('/limited', { status: 429, headers: { 'Retry-After': '30', 'X-Test': 'yes' }, body: 'slow down' });
    const answer = await get(server.url('/limited'));
    expect(answer).toMatchObject({ status: 429, headers: { 'retry-after': '30', 'x-test': 'yes', 'content-length': '9' } });
    expect(answer.body.toString()).toBe('slow down');
  });

  it('sends a chunked body without Content-Length when asked', async () => {
    server.setResponse('/chunked', { status: 200, body: 'abcdef', chunked: true });
    const answer = await get(server.url('/chunked'));
    expect(answer.headers['content-length']).toBeUndefined();
    expect(answer.headers['transfer-encoding']).toBe('chunked');
    expect(answer.body.toString()).toBe('abcdef');
  });

  it('redirects with the given status and Location', async () => {
    server.setRedirect('/old', '/new.xml', 301);
    server.setRedirect('/other', 'https://elsewhere.example/feed');
    expect(await get(server.url('/old'))).toMatchObject({ status: 301, headers: { location: '/new.xml' } });
    expect(await get(server.url('/other'))).toMatchObject({ status: 302, headers: { location: 'https://elsewhere.example/feed' } });
  });

  it('waits delayMs before answering', async () => {
    server.setResponse('/slow', { status: 200, body: 'ok', delayMs: 150 });
    const started = Date.now();
    expect((await get(server.url('/slow'))).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('answers HEAD without a body', async () => {
    server.setFeed('/head', RSS);
    const answer = await get(server.url('/head'), {}, 'HEAD');
    expect(answer.status).toBe(200);
    expect(answer.body).toHaveLength(0);
  });

  it('records every request with its path, method, headers, status and time', async () => {
    server.setFeed('/feed.xml', RSS);
    const before = Date.now();
    await get(server.url('/feed.xml?page=2'), { 'user-agent': 'test-agent' });
    await get(server.url('/feed.xml'));
    await get(server.url('/missing'));
    expect(server.requests).toMatchObject([
      { path: '/feed.xml?page=2', method: 'GET', headers: { 'user-agent': 'test-agent' }, status: 200 },
      { path: '/feed.xml', method: 'GET', status: 200 },
      { path: '/missing', method: 'GET', status: 404 },
    ]);
    expect(server.requests[0]?.at).toBeGreaterThanOrEqual(before);
    expect(server.requestsTo('/feed.xml')).toBe(2);
    expect(server.requestsTo('/feed.xml?page=2')).toBe(1);
    expect(server.requestsTo('/missing')).toBe(1);
  });

  it('closes even while a client waits on a stalled response', async () => {
    const own = await startFeedServer();
    own.setResponse('/hang', { status: 200, stall: 'headers' });
    const pending = get(own.url('/hang')).catch((error: Error) => error);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await own.openConnections()).toBe(1);
    const started = Date.now();
    await own.close();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await pending).toBeInstanceOf(Error);
  });
});
