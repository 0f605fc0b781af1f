/**
 * Rate limits as rate-limits.mdx describes them: a bucket per route and top-level resource
 * (channel, guild, webhook id + token), X-RateLimit-* headers on every answer, a global per-second
 * limit per bot token (interaction routes exempt), and 429s with `{ message, retry_after, global }`
 * and Retry-After. Tests can also inject a 429 for the next matching request.
 */
import { createHash } from 'node:crypto';
import { RequestTally } from './request-rate.ts';
import type { RequestRate } from './types.ts';

export interface RateLimitOptions {
  limit: number;
  windowMs: number;
  globalPerSecond: number;
}

export interface RateDecision {
  headers: Record<string, string>;
  /** Present when the request must be refused with 429. */
  refusal?: { body: { message: string; retry_after: number; global: boolean } };
}

interface Window {
  count: number;
  resetAt: number;
}

interface Injection {
  matcher: string | RegExp;
  retryAfter: number;
  global: boolean;
}

const TOP_LEVEL = new Set(['channels', 'guilds']);
const TOKEN_SCOPED = new Set(['webhooks', 'interactions']);

/** Splits a route into its bucket template (ids generalised) and its top-level resource. */
export function describeRoute(method: string, path: string): { template: string; major: string } {
  const segments = path.split('/').filter(Boolean);
  const head = segments[0] ?? '';
  let major = 'global';
  const template = segments.map((segment, i) => {
    if (i === 1 && TOP_LEVEL.has(head)) {
      major = segment;
      return `{${head}}`;
    }
    if ((i === 1 || i === 2) && TOKEN_SCOPED.has(head)) {
      major = i === 1 ? segment : `${major}/${segment}`;
      return `{${head}.${i}}`;
    }
    return /^\d{5,}$/.test(segment) ? '{id}' : segment;
  });
  return { template: `${method} /${template.join('/')}`, major };
}

function seconds(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(3);
}

export class RateLimiter {
  readonly #options: RateLimitOptions;
  readonly #buckets = new Map<string, Window>();
  readonly #injections: Injection[] = [];
  readonly #tally = new RequestTally();
  /**
   * A fixed second from the first request after the last one ended, the way discord.js paces itself:
   * a sliding window would refuse one discord.js process sending the end of one second and the start
   * of the next, which Discord does not.
   */
  #global: Window = { count: 0, resetAt: 0 };

  constructor(options: RateLimitOptions) {
    this.#options = options;
  }

  inject(matcher: string | RegExp, retryAfterSeconds: number, global: boolean): void {
    this.#injections.push({ matcher, retryAfter: retryAfterSeconds, global });
  }

  rate(): RequestRate {
    return this.#tally.summary();
  }

  /** Decides one request; `countsGlobally` is false for interaction endpoints and requests without the bot token. */
  check(method: string, path: string, countsGlobally: boolean): RateDecision {
    const now = Date.now();
    if (countsGlobally) this.#tally.arrived(now);
    const { template, major } = describeRoute(method, path);
    const bucketId = createHash('sha1').update(template).digest('hex').slice(0, 16);
    const injected = this.#takeInjection(`${method} ${path}`);
    if (injected) return this.#refuse(bucketId, injected.retryAfter * 1000, injected.global ? 'global' : 'user', now);

    if (countsGlobally) {
      if (now >= this.#global.resetAt) this.#global = { count: 0, resetAt: now + 1000 };
      if (this.#global.count >= this.#options.globalPerSecond) {
        this.#tally.refusedGlobally();
        return this.#refuse(bucketId, this.#global.resetAt - now, 'global', now);
      }
      this.#global.count++;
    }

    const key = `${bucketId}:${major}`;
    let bucket = this.#buckets.get(key);
    if (!bucket || now >= bucket.resetAt) {
      bucket = { count: 0, resetAt: now + this.#options.windowMs };
      this.#buckets.set(key, bucket);
    }
    if (bucket.count >= this.#options.limit) return this.#refuse(bucketId, bucket.resetAt - now, 'user', now);
    bucket.count++;
    return { headers: this.#headers(bucketId, this.#options.limit - bucket.count, bucket.resetAt - now, now) };
  }

  #takeInjection(line: string): Injection | undefined {
    const index = this.#injections.findIndex(({ matcher }) =>
      typeof matcher === 'string' ? line.includes(matcher) : matcher.test(line),
    );
    return index < 0 ? undefined : this.#injections.splice(index, 1)[0];
  }

  #headers(bucketId: string, remaining: number, resetAfterMs: number, now: number): Record<string, string> {
    return {
      'X-RateLimit-Limit': String(this.#options.limit),
      'X-RateLimit-Remaining': String(Math.max(0, remaining)),
      'X-RateLimit-Reset': seconds(now + resetAfterMs),
      'X-RateLimit-Reset-After': seconds(resetAfterMs),
      'X-RateLimit-Bucket': bucketId,
    };
  }

  #refuse(bucketId: string, retryAfterMs: number, scope: 'user' | 'global', now: number): RateDecision {
    const global = scope === 'global';
    const headers: Record<string, string> = global
      ? { 'X-RateLimit-Global': 'true' }
      : this.#headers(bucketId, 0, retryAfterMs, now);
    headers['X-RateLimit-Scope'] = scope;
    headers['Retry-After'] = String(Math.max(1, Math.ceil(retryAfterMs / 1000)));
    return {
      headers,
      refusal: { body: { message: 'You are being rate limited.', retry_after: Number(seconds(retryAfterMs)), global } },
    };
  }
}
