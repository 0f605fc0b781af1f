/**
 * Platform faults on a schedule a test controls: "the 3rd to 7th POST to channel X answer 429", "the next two
 * answer 502", "hold the next one past the client's timeout", "drop the connection", "channel Y is deleted from
 * the 4th request on". Each rule counts the requests it matches (from when it was scheduled) and fires on the
 * ordinals it names; what fired is recorded, so a test can report how many faults it survived.
 *
 * The 429s are Discord's (rate-limits.mdx): X-RateLimit-Scope user, shared or global, Retry-After in whole seconds,
 * `{ message, retry_after, global, code? }`. A fault "after accept" lets the request do its work (the message is
 * created) and then loses the answer: the case an idempotency key exists for.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export type RateLimitScope = 'user' | 'shared' | 'global';

export type DiscordFault =
  | { readonly kind: 'rate-limit'; readonly scope: RateLimitScope; readonly retryAfter: number; readonly code?: number }
  | { readonly kind: 'server-error'; readonly status: 500 | 502 | 503 | 504 }
  /** The request is never answered; the connection closes after `ms` (by then the client has given up). */
  | { readonly kind: 'hang'; readonly ms: number; readonly afterAccept?: boolean }
  /** The request is served, and answered `ms` later. */
  | { readonly kind: 'slow'; readonly ms: number }
  /** The connection is closed with no answer. */
  | { readonly kind: 'drop'; readonly afterAccept?: boolean }
  /** The channel in the request's path is deleted, then the request is served (and answered Unknown Channel). */
  | { readonly kind: 'lose-channel' };

export interface FaultRule {
  /** `METHOD /path` (the path after /api/v10) contains this, or matches this. */
  readonly match: string | RegExp;
  /** First and last matching request (1-based, counted from scheduling) the fault applies to; default: the next one. */
  readonly from?: number;
  readonly to?: number;
  readonly fault: DiscordFault;
}

export interface InjectedFault {
  readonly request: string;
  readonly kind: DiscordFault['kind'];
  readonly detail: string;
}

interface ScheduledRule extends Required<Omit<FaultRule, 'fault'>> {
  readonly fault: DiscordFault;
  seen: number;
}

/** What the server does with a request a fault fired on: answer it here, or serve it and then lose the answer. */
export type FaultEffect =
  | { readonly when: 'instead'; apply(response: ServerResponse): void }
  | { readonly when: 'after'; apply(response: ServerResponse, answer: () => void): void }
  | { readonly when: 'before-serving' };

const API_PREFIX = '/api/v10';

export class FaultSchedule {
  readonly #rules: ScheduledRule[] = [];
  readonly #injected: InjectedFault[] = [];
  readonly #loseChannel: (channelId: string) => void;

  constructor(loseChannel: (channelId: string) => void) {
    this.#loseChannel = loseChannel;
  }

  schedule(...rules: FaultRule[]): void {
    for (const rule of rules) {
      const from = rule.from ?? 1;
      this.#rules.push({ match: rule.match, from, to: rule.to ?? from, fault: rule.fault, seen: 0 });
    }
  }

  /** Every fault that fired, in order. */
  get injected(): readonly InjectedFault[] {
    return [...this.#injected];
  }

  /** How many faults of each kind (429s by scope) fired. */
  counts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const fault of this.#injected) counts[fault.detail] = (counts[fault.detail] ?? 0) + 1;
    return counts;
  }

  /** The fault this request meets, if any: every rule matching it counts it; the first one due fires. */
  take(request: IncomingMessage): FaultEffect | undefined {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname.replace(API_PREFIX, '');
    const line = `${request.method ?? 'GET'} ${decodeURIComponent(path)}`;
    let due: ScheduledRule | undefined;
    for (const rule of this.#rules) {
      if (!(typeof rule.match === 'string' ? line.includes(rule.match) : rule.match.test(line))) continue;
      rule.seen += 1;
      if (due === undefined && rule.seen >= rule.from && rule.seen <= rule.to) due = rule;
    }
    if (due === undefined) return undefined;
    this.#injected.push({ request: line, kind: due.fault.kind, detail: describe(due.fault) });
    return this.#effect(due.fault, line);
  }

  #effect(fault: DiscordFault, line: string): FaultEffect {
    switch (fault.kind) {
      case 'rate-limit':
        return { when: 'instead', apply: (response) => answerRateLimited(response, fault) };
      case 'server-error':
        return { when: 'instead', apply: (response) => answerServerError(response, fault.status) };
      case 'hang':
        return { when: fault.afterAccept ? 'after' : 'instead', apply: (response: ServerResponse) => hang(response, fault.ms) };
      case 'slow':
        return { when: 'after', apply: (_response, answer) => void setTimeout(answer, fault.ms) };
      case 'drop':
        return { when: fault.afterAccept ? 'after' : 'instead', apply: (response: ServerResponse) => void response.socket?.destroy() };
      case 'lose-channel': {
        const channelId = /\/channels\/(\d+)/.exec(line)?.[1];
        if (channelId !== undefined) this.#loseChannel(channelId);
        return { when: 'before-serving' };
      }
    }
  }
}

function describe(fault: DiscordFault): string {
  switch (fault.kind) {
    case 'rate-limit':
      return `429 ${fault.scope}`;
    case 'server-error':
      return String(fault.status);
    case 'hang':
      return fault.afterAccept ? 'hang after accept' : 'hang';
    case 'slow':
      return 'slow';
    case 'drop':
      return fault.afterAccept ? 'drop after accept' : 'drop';
    case 'lose-channel':
      return 'lose channel';
  }
}

function answerRateLimited(response: ServerResponse, fault: Extract<DiscordFault, { kind: 'rate-limit' }>): void {
  const global = fault.scope === 'global';
  const resetAfter = fault.retryAfter.toFixed(3);
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'Retry-After': String(Math.max(1, Math.ceil(fault.retryAfter))),
    'X-RateLimit-Scope': fault.scope,
    ...(global
      ? { 'X-RateLimit-Global': 'true' }
      : {
          'X-RateLimit-Limit': '5',
          // A shared (per-resource) limit leaves the bot's own bucket untouched.
          'X-RateLimit-Remaining': fault.scope === 'shared' ? '4' : '0',
          'X-RateLimit-Reset': ((Date.now() + fault.retryAfter * 1000) / 1000).toFixed(3),
          'X-RateLimit-Reset-After': resetAfter,
          'X-RateLimit-Bucket': 'emulatorfault0001',
        }),
  };
  const message = fault.scope === 'shared' ? 'The resource is being rate limited.' : 'You are being rate limited.';
  const body = { message, retry_after: Number(resetAfter), global, ...(fault.code === undefined ? {} : { code: fault.code }) };
  // Set, not passed to writeHead, so the server can read the scope back (shared 429s are not invalid requests).
  for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
  response.writeHead(429);
  response.end(JSON.stringify(body));
}

function answerServerError(response: ServerResponse, status: number): void {
  // Discord's edge answers gateway errors with an HTML page, not JSON.
  const body = status === 500 ? JSON.stringify({ message: '500: Internal Server Error', code: 0 }) : `<html><body>${status}</body></html>`;
  response.writeHead(status, { 'Content-Type': status === 500 ? 'application/json' : 'text/html' });
  response.end(body);
}

function hang(response: ServerResponse, ms: number): void {
  const timer = setTimeout(() => response.socket?.destroy(), ms);
  response.once('close', () => clearTimeout(timer));
}
