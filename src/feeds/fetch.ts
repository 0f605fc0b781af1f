/**
 * The fetcher: one conditional GET of a feed URL, politely and within limits.
 * Takes a URL and the feed's cache validators; returns 'not-modified' or the (decoded) body with
 * the headers the poller needs, or throws a FetchError whose code says what went wrong.
 * Relies on Node's http/https so that every hop's address is checked after DNS resolution
 * (src/net/address-guard.ts); each request gets its own socket, destroyed before returning.
 */
import http from 'node:http';
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { HeraldError } from '../errors.ts';
import { checkUrlSyntax, createGuardedLookup } from '../net/address-guard.ts';
import { describeNetworkError } from '../net/describe-network-error.ts';
import { firstHeader, parseMaxAge, parseRetryAfter } from '../net/http-headers.ts';
import { readCappedBody } from '../net/read-body.ts';

export interface FetchOptions {
  /** Ends the fetch early (Herald is stopping): it fails with the signal's reason. */
  readonly signal?: AbortSignal;
  readonly etag?: string;
  readonly lastModified?: string;
  /** HERALD_ALLOW_PRIVATE_URLS: let the fetcher reach loopback and private networks. */
  readonly allowPrivate: boolean;
  /** Until the connection (and TLS handshake) is up, DNS included. Default 10 s. */
  readonly connectTimeoutMs?: number;
  /** The whole fetch, redirects and body included. Default 30 s. */
  readonly totalTimeoutMs?: number;
  /** After decompression. Default 10 MiB. */
  readonly maxBytes?: number;
  /** Default 5. */
  readonly maxRedirects?: number;
  readonly userAgent?: string;
  readonly accept?: string;
  /** Replaces the guarded DNS lookup (tests use it to give a name a loopback address). */
  readonly lookup?: LookupFunction;
}

export type FetchResult =
  | {
      readonly status: 'not-modified';
      readonly finalUrl: string;
      readonly etag?: string;
      readonly lastModified?: string;
      readonly maxAgeSeconds?: number;
      /** As for 'ok': every redirect on the way was permanent. */
      readonly permanentUrl?: string;
    }
  | {
      readonly status: 'ok';
      readonly finalUrl: string;
      readonly body: Buffer;
      readonly contentType?: string;
      readonly etag?: string;
      readonly lastModified?: string;
      readonly maxAgeSeconds?: number;
      /** set when every redirect on the way was permanent (301/308): the subscription's stored URL should move there */
      readonly permanentUrl?: string;
    };

export class FetchError extends HeraldError {
  readonly status?: number;
  readonly retryAfterSeconds?: number;

  constructor(
    code: string,
    message: string,
    options: { userMessage?: string; cause?: unknown; status?: number; retryAfterSeconds?: number } = {},
  ) {
    super(code, message, options);
    this.name = 'FetchError';
    if (options.status !== undefined) this.status = options.status;
    if (options.retryAfterSeconds !== undefined) this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export const DEFAULT_USER_AGENT = 'Herald/0.1 (+https://github.com/herald-bot/herald; feed bot)';
export const DEFAULT_ACCEPT =
  'application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, text/html;q=0.7, */*;q=0.5';

export const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

interface Settings {
  readonly connectTimeoutMs: number;
  readonly totalTimeoutMs: number;
  readonly maxBytes: number;
  readonly maxRedirects: number;
  readonly allowPrivate: boolean;
  readonly headers: OutgoingHttpHeaders;
  readonly lookup: LookupFunction | undefined;
}

function settingsOf(options: FetchOptions): Settings {
  const headers: OutgoingHttpHeaders = {
    'user-agent': options.userAgent ?? DEFAULT_USER_AGENT,
    accept: options.accept ?? DEFAULT_ACCEPT,
    'accept-encoding': 'gzip, deflate, br',
  };
  if (options.etag !== undefined) headers['if-none-match'] = options.etag;
  if (options.lastModified !== undefined) headers['if-modified-since'] = options.lastModified;
  return {
    connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
    totalTimeoutMs: options.totalTimeoutMs ?? 30_000,
    maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES,
    maxRedirects: options.maxRedirects ?? 5,
    allowPrivate: options.allowPrivate,
    headers,
    lookup: options.lookup ?? (options.allowPrivate ? undefined : createGuardedLookup({ allowPrivate: false })),
  };
}

/** Fetches `url`, following redirects. Throws FetchError. */
export async function fetchFeed(url: string, options: FetchOptions): Promise<FetchResult> {
  const settings = settingsOf(options);
  const controller = new AbortController();
  const totalTimer = setTimeout(() => {
    controller.abort(
      new FetchError('timeout', `GET ${url}: no complete answer within ${seconds(settings.totalTimeoutMs)} (the total time cap, HERALD_FETCH_TIMEOUT)`, {
        userMessage: `${url} took longer than ${seconds(settings.totalTimeoutMs)} to answer (Herald's time cap for one fetch). Herald will try again later.`,
      }),
    );
  }, settings.totalTimeoutMs);
  const stop = () => controller.abort(new FetchError('stopped', `GET ${url}: stopped because Herald is stopping`));
  if (options.signal?.aborted) stop();
  options.signal?.addEventListener('abort', stop, { once: true });
  try {
    return await followRedirects(url, options, settings, controller.signal);
  } finally {
    clearTimeout(totalTimer);
    options.signal?.removeEventListener('abort', stop);
  }
}

async function followRedirects(url: string, options: FetchOptions, settings: Settings, signal: AbortSignal): Promise<FetchResult> {
  let target = checkUrl(url, settings);
  let allPermanent = true;
  for (let redirects = 0; ; redirects += 1) {
    const response = await requestOnce(target, settings, signal);
    const status = response.statusCode ?? 0;
    if (!REDIRECT_STATUSES.has(status)) {
      const permanentUrl = redirects > 0 && allPermanent ? target.href : undefined;
      return await resultOf(response, target, permanentUrl, options, settings, signal);
    }
    response.destroy();
    const location = firstHeader(response.headers.location);
    if (location === undefined) {
      throw new FetchError('http-status', `GET ${target.href}: ${status} redirect without a Location header`, {
        status,
        userMessage: `The server answered ${statusLine(status)} for ${target.href} but did not say where to.`,
      });
    }
    if (redirects >= settings.maxRedirects) {
      throw new FetchError('too-many-redirects', `GET ${url}: more than ${settings.maxRedirects} redirects (last to ${location})`, {
        userMessage: `${url} redirected more than ${settings.maxRedirects} times, so Herald gave up. Give the feed's final address instead.`,
      });
    }
    let next: string;
    try {
      next = new URL(location, target).href;
    } catch (cause) {
      throw new FetchError('invalid-url', `GET ${target.href}: unusable Location ${JSON.stringify(location)}`, {
        cause,
        userMessage: `${target.href} redirected to an invalid address.`,
      });
    }
    target = checkUrl(next, settings);
    allPermanent &&= status === 301 || status === 308;
  }
}

/** checkUrlSyntax, its HeraldError carried over into a FetchError. */
function checkUrl(url: string, settings: Settings): URL {
  try {
    return checkUrlSyntax(url, { allowPrivate: settings.allowPrivate });
  } catch (error) {
    throw asFetchError(error);
  }
}

function asFetchError(error: unknown): FetchError {
  if (error instanceof FetchError) return error;
  const herald = error as HeraldError;
  return new FetchError(herald.code, herald.message, { userMessage: herald.userMessage, cause: error });
}

async function resultOf(
  response: IncomingMessage,
  url: URL,
  permanentUrl: string | undefined,
  options: FetchOptions,
  settings: Settings,
  signal: AbortSignal,
): Promise<FetchResult> {
  const status = response.statusCode ?? 0;
  const headers = response.headers;
  const common = {
    finalUrl: url.href,
    ...optional('etag', firstHeader(headers.etag)),
    ...optional('lastModified', firstHeader(headers['last-modified'])),
    ...optional('maxAgeSeconds', parseMaxAge(firstHeader(headers['cache-control']))),
    ...optional('permanentUrl', permanentUrl),
  };
  if (status === 304) {
    response.destroy();
    // A 304 may omit the validators; the ones sent are still the feed's.
    return { ...optional('etag', options.etag), ...optional('lastModified', options.lastModified), ...common, status: 'not-modified' };
  }
  if (status < 200 || status > 299) {
    response.destroy();
    throw statusError(status, url, firstHeader(headers['retry-after']));
  }

  const tooLarge = (): FetchError =>
    new FetchError('too-large', `GET ${url.href}: body larger than the body cap of ${settings.maxBytes} bytes (HERALD_FETCH_MAX_BYTES)`, {
      userMessage: `The feed at ${url.href} is larger than ${sizeText(settings.maxBytes)}, Herald's size cap for a feed.`,
    });
  const declaredLength = Number(firstHeader(headers['content-length']) ?? Number.NaN);
  if (declaredLength > settings.maxBytes) {
    response.destroy();
    throw tooLarge();
  }
  let body;
  try {
    body = await readCappedBody(response, firstHeader(headers['content-encoding']), settings.maxBytes);
  } catch (error) {
    throw abortReason(signal) ?? networkError(error, url);
  }
  response.destroy();
  if (!body.ok && body.reason === 'too-large') throw tooLarge();
  if (!body.ok) {
    throw new FetchError('network', `GET ${url.href}: ${body.detail}`, {
      userMessage: `The server at ${url.host} sent a compressed response that Herald could not decode.`,
    });
  }
  return { ...common, status: 'ok', body: body.body, ...optional('contentType', firstHeader(headers['content-type'])) };
}

function statusError(status: number, url: URL, retryAfter: string | undefined): FetchError {
  if (status === 410) {
    return new FetchError('gone', `GET ${url.href}: 410 Gone`, {
      status,
      userMessage: `The feed at ${url.href} is gone (410 Gone): the site says it was removed for good.`,
    });
  }
  const retryAfterSeconds = status === 429 || status === 503 ? parseRetryAfter(retryAfter) : undefined;
  const wait = retryAfterSeconds === undefined ? '' : ` It asks to wait ${retryAfterSeconds} s before trying again.`;
  return new FetchError('http-status', `GET ${url.href}: ${statusLine(status)}`, {
    status,
    ...optional('retryAfterSeconds', retryAfterSeconds),
    userMessage: `The server answered ${statusLine(status)} for ${url.href}.${wait}`,
  });
}

/** Sends one GET and resolves with the response head; the caller consumes or destroys it. */
function requestOnce(url: URL, settings: Settings, signal: AbortSignal): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const client = url.protocol === 'https:' ? https : http;
    const request = client.request(url, {
      method: 'GET',
      headers: settings.headers,
      agent: false,
      signal,
      ...(settings.lookup === undefined ? {} : { lookup: settings.lookup }),
    });
    const connectTimer = setTimeout(() => {
      request.destroy(
        new FetchError('timeout', `GET ${url.href}: no connection within ${seconds(settings.connectTimeoutMs)} (connect timeout)`, {
          userMessage: `Herald could not connect to ${url.host} within ${seconds(settings.connectTimeoutMs)}. The site may be down.`,
        }),
      );
    }, settings.connectTimeoutMs);
    request.on('socket', (socket) => {
      const connected = url.protocol === 'https:' ? 'secureConnect' : 'connect';
      socket.once(connected, () => clearTimeout(connectTimer));
    });
    request.on('response', (response) => {
      clearTimeout(connectTimer);
      resolve(response);
    });
    request.on('error', (error) => {
      clearTimeout(connectTimer);
      reject(abortReason(signal) ?? (error instanceof HeraldError ? asFetchError(error) : networkError(error, url)));
    });
    request.end();
  });
}

function networkError(error: unknown, url: URL): FetchError {
  const failure = describeNetworkError(error, url);
  return new FetchError(failure.code, failure.message, { userMessage: failure.userMessage, cause: error });
}

/** The total-timeout FetchError, once the fetch has been aborted. */
function abortReason(signal: AbortSignal): FetchError | undefined {
  return signal.aborted && signal.reason instanceof FetchError ? signal.reason : undefined;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function statusLine(status: number): string {
  const text = http.STATUS_CODES[status];
  return text === undefined ? String(status) : `${status} ${text}`;
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}

function sizeText(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Number((bytes / 1024 / 1024).toFixed(1))} MiB` : `${Number((bytes / 1024).toFixed(1))} KiB`;
}
