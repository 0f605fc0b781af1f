/**
 * A farm of RSS feeds on loopback for the sweep benchmark and the cluster test: `feedCount` distinct 20-item RSS 2.0 feeds, spread over
 * `hosts` addresses (127.0.0.1, 127.0.0.2, ...), one small HTTP server per address, all on one port.
 * Feed n is served by address 1 + n % hosts at /feeds/n.xml, with an ETag naming its version; a request whose
 * If-None-Match names the current version gets 304.
 *
 * The farm has generations: in generation 0 every feed holds its items 0-19; from generation 1 on, every tenth
 * feed (n % 10 == 0) has one new item per generation (two for n % 20 == 0), the oldest dropping out, and the others
 * are unchanged. Bodies are built per request (about 9 KB each), so the farm holds no large state.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FeedFarm {
  readonly urls: readonly string[];
  readonly port: number;
  setGeneration(generation: number): void;
  /** Requests answered so far, by status. */
  readonly answered: Readonly<Record<number, number>>;
  close(): Promise<void>;
}

const ITEMS = 20;
const BASE_TIME = Date.UTC(2026, 0, 1);
const PATH = /^\/feeds\/(\d+)\.xml$/;

/** Where the farm serves each feed (for a process other than the farm's). */
export function feedUrls(feedCount: number, hosts: number, port: number): string[] {
  return Array.from({ length: feedCount }, (_, feed) => `http://127.0.0.${1 + (feed % hosts)}:${port}/feeds/${feed}.xml`);
}

/** Items a feed gained by `generation`: 0 for 90% of the feeds, then one or two per generation. */
export function newItemsOf(feed: number, generation: number): number {
  if (feed % 10 !== 0) return 0;
  return generation * (feed % 20 === 0 ? 2 : 1);
}

export interface FeedFarmOptions {
  /** Told of every request for a feed, as it is answered (the cluster test checks who fetched what when). */
  readonly onFetch?: (feed: number, status: number) => void;
}

export async function startFeedFarm(feedCount: number, hosts: number, options: FeedFarmOptions = {}): Promise<FeedFarm> {
  let generation = 0;
  const answered: Record<number, number> = {};
  const handle = (request: http.IncomingMessage, response: http.ServerResponse) => {
    const feed = Number(PATH.exec(request.url ?? '')?.[1] ?? Number.NaN);
    const status = feed < feedCount ? serveFeed(request, response, feed, newItemsOf(feed, generation)) : notFound(response);
    answered[status] = (answered[status] ?? 0) + 1;
    if (feed < feedCount) options.onFetch?.(feed, status);
  };
  const servers: http.Server[] = [];
  let port = 0;
  try {
    for (let host = 1; host <= hosts; host += 1) {
      const server = http.createServer({ keepAlive: true }, handle);
      server.keepAliveTimeout = 60_000;
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, `127.0.0.${host}`, 4096, () => resolve());
      });
      port = (server.address() as AddressInfo).port;
    }
  } catch (error) {
    await Promise.all(servers.map((server) => closeServer(server)));
    throw error;
  }
  return {
    urls: feedUrls(feedCount, hosts, port),
    port,
    setGeneration(next) {
      generation = next;
    },
    answered,
    close: () => Promise.all(servers.map((server) => closeServer(server))).then(() => undefined),
  };
}

function serveFeed(request: http.IncomingMessage, response: http.ServerResponse, feed: number, added: number): number {
  const etag = `"feed-${feed}-v${added}"`;
  if (request.headers['if-none-match'] === etag) {
    response.writeHead(304, { ETag: etag });
    response.end();
    return 304;
  }
  const body = rssOf(feed, added);
  response.writeHead(200, { 'Content-Type': 'application/rss+xml; charset=utf-8', 'Content-Length': Buffer.byteLength(body), ETag: etag });
  response.end(body);
  return 200;
}

function notFound(response: http.ServerResponse): number {
  response.writeHead(404, { 'Content-Type': 'text/plain' });
  response.end('not found');
  return 404;
}

/** Feed `feed` holding its newest 20 items, `added` of which are new since generation 0. */
export function rssOf(feed: number, added: number): string {
  const items: string[] = [];
  for (let index = added + ITEMS - 1; index >= added; index -= 1) items.push(itemOf(feed, index));
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
<title>Engineering blog ${feed}</title>
<link>https://blog-${feed}.example.org/</link>
<description>Posts about streaming, storage and the systems around them.</description>
<atom:link href="https://blog-${feed}.example.org/rss.xml" rel="self" type="application/rss+xml"/>
<lastBuildDate>${new Date(BASE_TIME + (added + ITEMS) * 3_600_000).toUTCString()}</lastBuildDate>
${items.join('\n')}
</channel>
</rss>
`;
}

function itemOf(feed: number, index: number): string {
  // New items (index >= 20) are dated now, so that a poller's age limits let them through.
  const published = index < ITEMS ? new Date(BASE_TIME + index * 3_600_000) : new Date();
  return `<item>
<title>Notes on event streaming, part ${index} (blog ${feed})</title>
<link>https://blog-${feed}.example.org/posts/${index}</link>
<guid isPermaLink="false">blog-${feed}-post-${index}</guid>
<pubDate>${published.toUTCString()}</pubDate>
<dc:creator>Writer ${feed % 37}</dc:creator>
<category>kafka</category>
<description>&lt;p&gt;What we learned moving a pipeline to &lt;a href="https://kafka.apache.org/"&gt;Kafka&lt;/a&gt;: partitions, consumer groups, retention and the rest. Part ${index} looks at back-pressure, at what happens when a consumer falls behind, and at how we measured it.&lt;/p&gt;</description>
</item>`;
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
