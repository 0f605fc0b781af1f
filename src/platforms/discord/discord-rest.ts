/**
 * Discord's REST client as Herald uses it outside the gateway: posting deliveries, telling managers, registering
 * commands. One per process; discord.js keeps Discord's per-route buckets and the 50 requests per second global
 * limit for it. In a cluster, point DISCORD_API_URL at one `herald discord-proxy` so the limit is the cluster's.
 */
import { REST } from 'discord.js';
import type { Logger } from '../../log.ts';

export interface DiscordRestOptions {
  readonly token: string;
  /** REST base such as https://discord.com/api (discord.js adds /v10). */
  readonly apiUrl?: string;
  readonly log: Logger;
  /** Called for each 429 Discord answers (discord.js waits it out and retries by itself). */
  readonly onRateLimited?: () => void;
}

export function createDiscordRest(options: DiscordRestOptions): REST {
  const api = normaliseApiBase(options.apiUrl);
  const rest = new REST(api === undefined ? {} : { api }).setToken(options.token);
  watchRateLimits(rest, options);
  return rest;
}

/** Counts Discord's 429s and logs the waits discord.js makes because of them. */
export function watchRateLimits(rest: REST, options: Pick<DiscordRestOptions, 'log' | 'onRateLimited'>): void {
  rest.on('response', (_request, response) => {
    if (response.status === 429) options.onRateLimited?.();
  });
  rest.on('rateLimited', (info) => options.log.warn('Discord rate limit: waiting as told', { route: info.route, retryAfterMs: info.retryAfter, global: info.global }));
}

/** Accepts the base with or without a trailing slash or /v10, as people paste it. */
export function normaliseApiBase(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  return url.replace(/\/+$/, '').replace(/\/v\d+$/, '');
}
