/**
 * Discord's invalid request limit (rate-limits.mdx, "Invalid Request Limit aka Cloudflare bans"): an address that
 * makes more than 10,000 requests answered 401, 403 or 429 within 10 minutes is banned for a while. A 429 with
 * X-RateLimit-Scope shared does not count. The ban comes from Cloudflare, not the API: 429 with an HTML page,
 * Retry-After and no X-RateLimit-* headers or JSON body, for every request until the window has room again.
 */
import type { ServerResponse } from 'node:http';

export const INVALID_REQUEST_LIMIT = 10_000;
export const INVALID_REQUEST_WINDOW_MS = 10 * 60_000;

export class InvalidRequestLimit {
  readonly #times: number[] = [];
  #start = 0;
  #banned = 0;

  constructor(
    private readonly limit = INVALID_REQUEST_LIMIT,
    private readonly windowMs = INVALID_REQUEST_WINDOW_MS,
  ) {}

  /** Counts an answer; `scope` is the 429's X-RateLimit-Scope. */
  answered(status: number, scope: string | undefined): void {
    if (status !== 401 && status !== 403 && status !== 429) return;
    if (status === 429 && scope === 'shared') return;
    this.#times.push(Date.now());
  }

  /** Answers a banned request with Cloudflare's page and returns true; false when the request may go on. */
  refuse(response: ServerResponse): boolean {
    const now = Date.now();
    while (this.#start < this.#times.length && this.#times[this.#start]! <= now - this.windowMs) this.#start += 1;
    if (this.#times.length - this.#start <= this.limit) return false;
    this.#banned += 1;
    const oldest = this.#times[this.#start]!;
    response.writeHead(429, { 'Content-Type': 'text/html; charset=UTF-8', 'Retry-After': String(Math.ceil((oldest + this.windowMs - now) / 1000)) });
    response.end('<!DOCTYPE html><html><head><title>Access denied | discord.com used Cloudflare to restrict access</title></head><body>error code: 1015</body></html>');
    return true;
  }

  /** Requests refused by the ban so far. */
  get bannedRequests(): number {
    return this.#banned;
  }
}
