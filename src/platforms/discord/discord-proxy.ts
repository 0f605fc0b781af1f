/**
 * `herald discord-proxy`: one process that every Herald process of a cluster sends its Discord REST requests
 * through (their DISCORD_API_URL points here), so Discord's per-route buckets and its 50 requests per second
 * global limit are kept once for the whole cluster instead of once per process. It is @discordjs/proxy over a
 * single @discordjs/rest client; the bot token travels in each request's Authorization header, as it would to
 * Discord. It is served by Herald's HTTP server, so GET /healthz and /readyz answer for container health checks.
 */
import { Readable } from 'node:stream';
import { proxyRequests } from '@discordjs/proxy';
// From @discordjs/rest itself, as @discordjs/proxy imports it: discord.js would hand over its CommonJS build, whose
// error classes the proxy's instanceof checks do not recognise.
import { DiscordAPIError, HTTPError, RateLimitError, REST } from '@discordjs/rest';
import { messageOf } from '../../errors.ts';
import { startHttpServer } from '../../http/http-server.ts';
import type { Logger } from '../../log.ts';
import { normaliseApiBase } from './discord-rest.ts';

export const DISCORD_API_BASE = 'https://discord.com/api';

export interface DiscordProxyOptions {
  readonly port: number;
  /** Where requests go on: Discord, or another proxy or an emulator (DISCORD_API_URL). */
  readonly upstream?: string;
  readonly log: Logger;
  /** Discord's global limit; a bot whose limit Discord raised can set its own. */
  readonly globalRequestsPerSecond?: number;
}

export interface RunningDiscordProxy {
  readonly port: number;
  close(): Promise<void>;
}

export async function startDiscordProxy(options: DiscordProxyOptions): Promise<RunningDiscordProxy> {
  const upstream = normaliseApiBase(options.upstream) ?? DISCORD_API_BASE;
  const { log } = options;
  const rest = new REST({ api: upstream, globalRequestsPerSecond: options.globalRequestsPerSecond ?? 50 });
  rest.on('rateLimited', (info) => log.warn('Discord rate limit: the proxy waits as told', { route: info.route, retryAfterMs: info.retryAfter, global: info.global }));
  const forward = proxyRequests(forwardingClient(rest, upstream, log));
  const server = await startHttpServer({
    port: options.port,
    fallback: (request, response) => {
      Promise.resolve(forward(request, response)).catch((error: unknown) => {
        log.error('the Discord proxy failed on a request', { method: request.method, path: request.url?.split('?')[0], error: messageOf(error) });
        response.destroy();
      });
    },
    portVariable: 'HERALD_DISCORD_PROXY_PORT',
    log,
  });
  log.info('Discord proxy listening', { port: server.port, upstream, globalRequestsPerSecond: options.globalRequestsPerSecond ?? 50 });
  return server;
}

/**
 * What @discordjs/proxy needs of a REST client (queueRequest alone), with two of its gaps filled:
 * - it passes the incoming request itself as the body, a stream that can be read once, so a request that
 *   Discord answered 429 would be retried with an empty body (Discord: 400 Invalid Form Body, the post lost):
 *   the body is read into memory first;
 * - it ends the response empty, as a 200, for any error other than Discord's own (Discord unreachable, a
 *   timeout of ours): such errors become a 502 carrying the reason instead.
 */
function forwardingClient(rest: REST, upstream: string, log: Logger): REST {
  const queueRequest: REST['queueRequest'] = async (request) => {
    const body = request.body instanceof Readable ? await readAll(request.body) : request.body;
    try {
      return await rest.queueRequest({ ...request, body });
    } catch (error) {
      if (error instanceof DiscordAPIError || error instanceof HTTPError || error instanceof RateLimitError) throw error;
      log.error('could not forward a request to Discord', { method: request.method, route: request.fullRoute, error: messageOf(error) });
      const message = `Herald's Discord proxy could not reach ${upstream}: ${messageOf(error)}`;
      throw new DiscordAPIError({ message, code: 0 }, 0, 502, request.method, `${upstream}${request.fullRoute}`, { body: undefined, files: undefined });
    }
  };
  return { queueRequest } as unknown as REST;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks);
}
