/**
 * `herald discord-proxy`: one process that every Herald process of a cluster sends its Discord REST requests
 * through (their DISCORD_API_URL points here), so Discord's per-route buckets and its 50 requests per second
 * global limit are kept once for the whole cluster instead of once per process. It is @discordjs/proxy over a
 * single @discordjs/rest client; the bot token travels in each request's Authorization header, as it would to
 * Discord. GET /healthz answers for container health checks.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { proxyRequests } from '@discordjs/proxy';
// From @discordjs/rest itself, as @discordjs/proxy imports it: discord.js would hand over its CommonJS build, whose
// error classes the proxy's instanceof checks do not recognise.
import { DiscordAPIError, HTTPError, RateLimitError, REST } from '@discordjs/rest';
import { HeraldError, messageOf } from '../../errors.ts';
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
  const forward = proxyRequests(answeringUnreachable(rest, upstream, log));
  const server = createServer((request, response) => {
    if (request.method === 'GET' && request.url === '/healthz') {
      response.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' }).end('ok\n');
      return;
    }
    Promise.resolve(forward(request, response)).catch((error: unknown) => {
      log.error('the Discord proxy failed on a request', { method: request.method, path: request.url?.split('?')[0], error: messageOf(error) });
      response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new HeraldError('discord-proxy', `the Discord proxy could not listen on port ${options.port}: ${error.message}`, {
          cause: error,
          userMessage: `Herald's Discord proxy could not listen on port ${options.port} (HERALD_DISCORD_PROXY_PORT): ${error.code === 'EADDRINUSE' ? 'the port is already in use by another program' : error.message}`,
        }),
      ),
    );
    server.listen(options.port, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  log.info('Discord proxy listening', { port, upstream, globalRequestsPerSecond: options.globalRequestsPerSecond ?? 50 });
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * @discordjs/proxy turns Discord's own errors into responses but ends the response empty, as a 200, for any other
 * error (Discord unreachable, a timeout of ours): such errors become a 502 carrying the reason instead.
 */
function answeringUnreachable(rest: REST, upstream: string, log: Logger): REST {
  const queueRequest: REST['queueRequest'] = async (request) => {
    try {
      return await rest.queueRequest(request);
    } catch (error) {
      if (error instanceof DiscordAPIError || error instanceof HTTPError || error instanceof RateLimitError) throw error;
      log.error('could not forward a request to Discord', { method: request.method, route: request.fullRoute, error: messageOf(error) });
      const message = `Herald's Discord proxy could not reach ${upstream}: ${messageOf(error)}`;
      throw new DiscordAPIError({ message, code: 0 }, 0, 502, request.method, `${upstream}${request.fullRoute}`, { body: undefined, files: undefined });
    }
  };
  // proxyRequests uses nothing of the client but queueRequest.
  return { queueRequest } as unknown as REST;
}
