import net from 'node:net';
import type { LookupFunction } from 'node:net';
import zlib from 'node:zlib';
import { beforeEach, describe, expect, it } from 'vitest';
import { startFeedServer } from '../../test/emulators/feed-server.ts';
import { useFeedServer } from '../../test/support/use-feed-server.ts';
import type { FeedServer } from '../../test/emulators/feed-server.ts';
import { makeRss } from '../../test/emulators/feed-documents.ts';
import { createGuardedLookup } from '../net/address-guard.ts';
import { FetchError, fetchFeed } from './fetch.ts';
import type { FetchOptions } from './fetch.ts';

const RSS = makeRss([{ title: 'First post', link: 'https://example.com/1', pubDate: new Date('2024-05-01T10:00:00Z') }]);
const LOCAL: FetchOptions = { allowPrivate: true };

const server = useFeedServer();
beforeEach(() => server.clearRequests());

async function fetchError(url: string, options: FetchOptions = LOCAL): Promise<FetchError> {
  try {
    await fetchFeed(url, options);
  } catch (error) {
    if (error instanceof FetchError) return error;
    throw error;
  }
  throw new Error(`expected ${url} to fail`);
}

/** Resolves feeds.test to the loopback server, as if it were a public name; everything else goes through the guard. */
const publicNameForLoopback: LookupFunction = (hostname, options, callback) => {
  if (hostname !== 'feeds.test') {
    createGuardedLookup({ allowPrivate: false })(hostname, options, callback);
  } else if (options.all === true) {
    callback(null, [{ address: '127.0.0.1', family: 4 }]);
  } else {
    callback(null, '127.0.0.1', 4);
  }
};

describe('fetchFeed', () => {
  it('fetches a feed with the headers the poller needs and says who it is', async () => {
    server.setFeed('/feed.xml', RSS, { cacheControl: 'public, max-age=900', lastModified: new Date('2024-05-01T10:00:00Z') });
    const result = await fetchFeed(server.url('/feed.xml'), LOCAL);
    expect(result).toMatchObject({
      status: 'ok',
      finalUrl: server.url('/feed.xml'),
      contentType: 'application/rss+xml; charset=utf-8',
      lastModified: 'Wed, 01 May 2024 10:00:00 GMT',
      maxAgeSeconds: 900,
    });
    expect(result.status === 'ok' && result.body.toString('utf8')).toBe(RSS);
    expect(result.etag).toMatch(/^".+"$/);
    expect(result).not.toHaveProperty('permanentUrl');
    const headers = server.requests[0]?.headers ?? {};
    expect(headers['user-agent']).toBe('Herald/0.1 (+https://github.com/herald-bot/herald; feed bot)');
    expect(headers['accept']).toMatch(/^application\/rss\+xml, application\/atom\+xml, application\/feed\+json/);
    expect(headers['accept-encoding']).toBe('gzip, deflate, br');
  });

  it('makes a conditional GET the second time and gets not-modified', async () => {
    server.setFeed('/conditional.xml', RSS);
    const first = await fetchFeed(server.url('/conditional.xml'), LOCAL);
    expect(first.status).toBe('ok');
    const second = await fetchFeed(server.url('/conditional.xml'), { ...LOCAL, etag: first.etag, lastModified: first.lastModified });
    expect(second).toEqual({ status: 'not-modified', finalUrl: server.url('/conditional.xml'), etag: first.etag, lastModified: first.lastModified });
    expect(server.requests.map((r) => r.status)).toEqual([200, 304]);
    expect(server.requests[1]?.headers['if-none-match']).toBe(first.etag);
    expect(server.requests[1]?.headers['if-modified-since']).toBe(first.lastModified);
  });

  it('uses Last-Modified alone when there is no ETag', async () => {
    server.setFeed('/dated.xml', RSS, { lastModified: new Date('2024-01-01T00:00:00Z') });
    const result = await fetchFeed(server.url('/dated.xml'), { ...LOCAL, lastModified: 'Mon, 01 Jan 2024 00:00:00 GMT' });
    expect(result.status).toBe('not-modified');
    const changed = await fetchFeed(server.url('/dated.xml'), { ...LOCAL, lastModified: 'Sun, 31 Dec 2023 00:00:00 GMT' });
    expect(changed.status).toBe('ok');
  });

  it.each(['gzip', 'br', 'deflate'] as const)('decodes a %s body', async (compress) => {
    server.setFeed(`/compressed-${compress}.xml`, RSS, { compress });
    const result = await fetchFeed(server.url(`/compressed-${compress}.xml`), LOCAL);
    expect(result.status === 'ok' && result.body.toString('utf8')).toBe(RSS);
    expect(server.requests[0]?.status).toBe(200);
  });

  it('decodes raw deflate, which some servers send for "deflate"', async () => {
    server.setResponse('/raw-deflate.xml', { status: 200, headers: { 'content-encoding': 'deflate' }, body: zlib.deflateRawSync(RSS) });
    const result = await fetchFeed(server.url('/raw-deflate.xml'), LOCAL);
    expect(result.status === 'ok' && result.body.toString('utf8')).toBe(RSS);
  });

  it('refuses a Content-Encoding it did not ask for', async () => {
    server.setResponse('/zstd.xml', { status: 200, headers: { 'content-encoding': 'zstd' }, body: 'xx' });
    const error = await fetchError(server.url('/zstd.xml'));
    expect(error.code).toBe('network');
    expect(error.message).toContain('zstd');
  });

  it('follows Cache-Control max-age and Retry-After only when they are well formed', async () => {
    server.setFeed('/no-cache.xml', RSS, { cacheControl: 'no-cache, max-age=abc' });
    const result = await fetchFeed(server.url('/no-cache.xml'), LOCAL);
    expect(result).not.toHaveProperty('maxAgeSeconds');
  });
});

describe('fetchFeed size cap', () => {
  const big = Buffer.alloc(64 * 1024, 'a');

  it('accepts a body of exactly maxBytes', async () => {
    server.setResponse('/exact', { status: 200, body: big });
    const result = await fetchFeed(server.url('/exact'), { ...LOCAL, maxBytes: big.length });
    expect(result.status === 'ok' && result.body.length).toBe(big.length);
  });

  it.each([
    ['with Content-Length', false],
    ['without Content-Length', true],
  ])('refuses a body over maxBytes %s', async (_name, chunked) => {
    server.setResponse('/big', { status: 200, body: big, chunked });
    const error = await fetchError(server.url('/big'), { ...LOCAL, maxBytes: big.length - 1 });
    expect(error.code).toBe('too-large');
    expect(error.userMessage).toBe(`The feed at ${server.url('/big')} is larger than 64 KiB, Herald's size cap for a feed.`);
  });

  it('counts the decompressed size', async () => {
    server.setFeed('/big-gzip', big, { gzip: true });
    const error = await fetchError(server.url('/big-gzip'), { ...LOCAL, maxBytes: 32 * 1024 });
    expect(error.code).toBe('too-large');
  });

  it('stops a gzip bomb at the cap instead of inflating it', async () => {
    // 64 gzip members of 16 MiB of zeros: 1 GiB once inflated, about 1 MB on the wire.
    const member = zlib.gzipSync(Buffer.alloc(16 * 1024 * 1024));
    const bomb = Buffer.concat(new Array<Buffer>(64).fill(member));
    server.setResponse('/bomb', { status: 200, headers: { 'content-encoding': 'gzip' }, body: bomb });
    const before = process.memoryUsage().rss;
    const error = await fetchError(server.url('/bomb'), { ...LOCAL, maxBytes: 2 * 1024 * 1024 });
    expect(error.code).toBe('too-large');
    expect(process.memoryUsage().rss - before).toBeLessThan(256 * 1024 * 1024);
  });
});

describe('fetchFeed redirects', () => {
  function chain(name: string, hops: number, status: 301 | 302 | 307 | 308 = 301): string {
    server.setFeed(`/${name}/end.xml`, RSS);
    for (let hop = 0; hop < hops; hop += 1) {
      server.setRedirect(`/${name}/${hop}`, hop === hops - 1 ? `/${name}/end.xml` : `/${name}/${hop + 1}`, status);
    }
    return server.url(`/${name}/0`);
  }

  it('follows 5 redirects and reports the permanent new address', async () => {
    const result = await fetchFeed(chain('five', 5, 301), LOCAL);
    expect(result).toMatchObject({ status: 'ok', finalUrl: server.url('/five/end.xml'), permanentUrl: server.url('/five/end.xml') });
    expect(server.requests).toHaveLength(6);
  });

  it('refuses the 6th redirect', async () => {
    const start = chain('six', 6);
    const error = await fetchError(start);
    expect(error.code).toBe('too-many-redirects');
    expect(error.userMessage).toBe(`${start} redirected more than 5 times, so Herald gave up. Give the feed's final address instead.`);
    expect(server.requestsTo('/six/end.xml')).toBe(0);
  });

  it('honours a smaller maxRedirects', async () => {
    expect((await fetchError(chain('two', 2), { ...LOCAL, maxRedirects: 1 })).code).toBe('too-many-redirects');
  });

  it.each([
    [[301, 308], true],
    [[301, 302], false],
    [[307, 308], false],
  ] as const)('moves the subscription only when every redirect is permanent: %j', async (statuses, permanent) => {
    const name = `mixed-${statuses.join('-')}`;
    server.setRedirect(`/${name}/a`, `/${name}/b`, statuses[0]);
    server.setRedirect(`/${name}/b`, server.url(`/${name}/feed.xml`), statuses[1]);
    server.setFeed(`/${name}/feed.xml`, RSS);
    const result = await fetchFeed(server.url(`/${name}/a`), LOCAL);
    expect(result.finalUrl).toBe(server.url(`/${name}/feed.xml`));
    expect(result.permanentUrl).toBe(permanent ? server.url(`/${name}/feed.xml`) : undefined);
  });

  it('resolves a relative Location against the current URL', async () => {
    server.setRedirect('/dir/old/feed', '../new/feed.xml', 308);
    server.setFeed('/dir/new/feed.xml', RSS);
    const result = await fetchFeed(server.url('/dir/old/feed'), LOCAL);
    expect(result.finalUrl).toBe(server.url('/dir/new/feed.xml'));
  });

  it('reports a permanent redirect to a not-modified feed', async () => {
    server.setRedirect('/moved-304', '/target-304.xml', 301);
    server.setFeed('/target-304.xml', RSS);
    const first = await fetchFeed(server.url('/moved-304'), LOCAL);
    const second = await fetchFeed(server.url('/moved-304'), { ...LOCAL, etag: first.etag });
    expect(second).toMatchObject({ status: 'not-modified', permanentUrl: server.url('/target-304.xml') });
  });
});

describe('fetchFeed private-address guard', () => {
  it.each(['/feed.xml', '/anything'])('refuses a loopback URL (%s) without connecting', async (path) => {
    server.setFeed('/feed.xml', RSS);
    const literal = await fetchError(server.url(path), { allowPrivate: false });
    expect(literal.code).toBe('blocked-address');
    expect(literal.userMessage).toContain('That address is on a private network');
    const named = await fetchError(`http://localhost:${new URL(server.origin).port}${path}`, { allowPrivate: false });
    expect(named.code).toBe('blocked-address');
    expect(server.requests).toHaveLength(0);
  });

  it('refuses a redirect to 127.0.0.1 from a public name', async () => {
    server.setRedirect('/start', server.url('/internal'), 302);
    server.setFeed('/internal', RSS);
    const port = new URL(server.origin).port;
    const error = await fetchError(`http://feeds.test:${port}/start`, { allowPrivate: false, lookup: publicNameForLoopback });
    expect(error.code).toBe('blocked-address');
    expect(server.requests.map((r) => r.path)).toEqual(['/start']);
  });

  it('refuses a redirect to a name that resolves to loopback', async () => {
    const port = new URL(server.origin).port;
    server.setRedirect('/start-named', `http://localhost:${port}/internal`, 302);
    const error = await fetchError(`http://feeds.test:${port}/start-named`, { allowPrivate: false, lookup: publicNameForLoopback });
    expect(error.code).toBe('blocked-address');
    expect(server.requests.map((r) => r.path)).toEqual(['/start-named']);
  });

  it.each([
    ['ftp://example.com/feed', 'invalid-url'],
    ['not a url', 'invalid-url'],
  ])('refuses %s before any request', async (url, code) => {
    expect((await fetchError(url)).code).toBe(code);
  });

  it('refuses a redirect to another scheme', async () => {
    server.setRedirect('/to-file', 'file:///etc/passwd', 302);
    const error = await fetchError(server.url('/to-file'));
    expect(error.code).toBe('invalid-url');
    expect(error.userMessage).toContain('Only http and https URLs can be watched');
  });
});

describe('fetchFeed timeouts and failures', () => {
  it('gives up connecting after connectTimeoutMs', async () => {
    const neverAnswers: LookupFunction = () => {};
    const started = Date.now();
    const error = await fetchError('http://slow-dns.test/feed', { allowPrivate: false, lookup: neverAnswers, connectTimeoutMs: 200 });
    expect(error.code).toBe('timeout');
    expect(error.userMessage).toBe('Herald could not connect to slow-dns.test within 0.2 s. The site may be down.');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it.each(['headers', 'body'] as const)('gives up after totalTimeoutMs when the server stalls its %s', async (stall) => {
    server.setResponse(`/stall-${stall}`, { status: 200, body: RSS, stall });
    const started = Date.now();
    const error = await fetchError(server.url(`/stall-${stall}`), { ...LOCAL, totalTimeoutMs: 1_200 });
    expect(error.code).toBe('timeout');
    expect(error.userMessage).toBe(`${server.url(`/stall-${stall}`)} took longer than 1.2 s to answer (Herald's time cap for one fetch). Herald will try again later.`);
    // It waited out the cap (less the few milliseconds a timer may fire early), and not much longer.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('counts redirects against the total timeout', async () => {
    server.setRedirect('/slow-hop', '/slow-target', 302);
    server.setResponse('/slow-target', { status: 200, body: RSS, delayMs: 1_000 });
    expect((await fetchError(server.url('/slow-hop'), { ...LOCAL, totalTimeoutMs: 300 })).code).toBe('timeout');
  });

  it('reports 410 as gone', async () => {
    server.setResponse('/removed.xml', { status: 410 });
    const error = await fetchError(server.url('/removed.xml'));
    expect(error).toMatchObject({ code: 'gone', status: 410 });
    expect(error.userMessage).toContain('is gone (410 Gone)');
  });

  it('reports a 404 with its status', async () => {
    const error = await fetchError(server.url('/nothing-here.xml'));
    expect(error).toMatchObject({ code: 'http-status', status: 404 });
    expect(error.userMessage).toBe(`The server answered 404 Not Found for ${server.url('/nothing-here.xml')}.`);
    expect(error.retryAfterSeconds).toBeUndefined();
  });

  it.each([
    [429, '120', 120, 120],
    [503, '0', 0, 0],
    [429, 'soon', undefined, undefined],
  ])('reads Retry-After of a %i (%s)', async (status, retryAfter, low, high) => {
    server.setResponse('/busy', { status, headers: { 'retry-after': retryAfter } });
    const error = await fetchError(server.url('/busy'));
    expect(error).toMatchObject({ code: 'http-status', status });
    if (low === undefined) expect(error.retryAfterSeconds).toBeUndefined();
    else expect(error.retryAfterSeconds).toSatisfy((s: number) => s >= low && s <= (high ?? low));
  });

  it('reads Retry-After given as an HTTP-date', async () => {
    server.setResponse('/busy-date', { status: 429, headers: { 'retry-after': new Date(Date.now() + 90_000).toUTCString() } });
    const error = await fetchError(server.url('/busy-date'));
    expect(error.retryAfterSeconds).toBeGreaterThanOrEqual(88);
    expect(error.retryAfterSeconds).toBeLessThanOrEqual(90);
    expect(error.userMessage).toMatch(/^The server answered 429 Too Many Requests for .* It asks to wait \d+ s before trying again\.$/);
  });

  it('maps a refused connection to a network error naming the URL', async () => {
    const port = await unusedPort();
    const error = await fetchError(`http://127.0.0.1:${port}/feed.xml`);
    expect(error.code).toBe('network');
    expect(error.message).toContain(`http://127.0.0.1:${port}/feed.xml`);
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.userMessage).toBe(`The server 127.0.0.1:${port} refused the connection. The site may be down, or the port may be wrong.`);
  });

  it('maps a DNS failure to a network error', async () => {
    const notFound: LookupFunction = (hostname, _options, callback) => {
      const failure: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
      failure.code = 'ENOTFOUND';
      callback(failure, '');
    };
    const error = await fetchError('http://no-such-host.test/feed', { allowPrivate: false, lookup: notFound });
    expect(error.code).toBe('network');
    expect(error.userMessage).toContain('Herald could not find the server no-such-host.test');
  });

  it('maps a TLS failure to a network error', async () => {
    const error = await fetchError(`https://127.0.0.1:${new URL(server.origin).port}/feed.xml`);
    expect(error.code).toBe('network');
    expect(error.userMessage).toContain('The secure (https) connection to 127.0.0.1 failed');
  });
});

describe('fetchFeed clean-up', () => {
  it('leaves no timer or socket behind, after a result or an error', async () => {
    const own = await startFeedServer();
    try {
      own.setFeed('/tidy.xml', RSS);
      own.setResponse('/tidy-stall', { status: 200, stall: 'headers' });
      const count = (kind: string): number => process.getActiveResourcesInfo().filter((r) => r === kind).length;
      const timersBefore = count('Timeout');
      await fetchError(own.url('/tidy-stall'), { ...LOCAL, totalTimeoutMs: 100 });
      await fetchError(own.url('/missing'), LOCAL);
      await fetchFeed(own.url('/tidy.xml'), LOCAL);
      // The server's side of each connection closes once the client has gone.
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(count('Timeout')).toBeLessThanOrEqual(timersBefore);
      expect(count('TCPSocketWrap')).toBe(0);
      expect(await own.openConnections()).toBe(0);
    } finally {
      await own.close();
    }
  });
});

/** A loopback port with nothing listening on it. */
async function unusedPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
