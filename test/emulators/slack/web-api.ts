/**
 * The Web API route, `POST /api/<method>` (GET with query parameters too): parses the request, answers
 * `unknown_method`, checks the token (`not_authed`, `invalid_auth`, `not_allowed_token_type`) and
 * scopes (`missing_scope`), applies injected rate limits (HTTP 429, Retry-After, `ratelimited`), runs
 * the method and records the call. Every other answer is HTTP 200 with `ok`, as on Slack.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson } from './http-body.ts';
import type { EmulatorState } from './state.ts';
import type { SlackFaultSchedule } from './faults.ts';
import { RateTiers } from './rate-tiers.ts';
import { METHODS } from './web-api-methods.ts';
import type { ApiAnswer, MethodContext, TokenKind } from './web-api-methods.ts';
import { parseApiRequest } from './web-api-request.ts';
import type { FileUploads } from './file-uploads.ts';
import { BotTokenRevocation } from './token-revocation.ts';

export class WebApi {
  readonly #state: EmulatorState;
  readonly #context: MethodContext;
  readonly #rateLimits = new Map<string, number[]>();
  readonly #tiers = new RateTiers();
  readonly botTokenRevocation = new BotTokenRevocation();

  constructor(state: EmulatorState, openSocketUrl: () => string, uploads: FileUploads, private readonly faults: SlackFaultSchedule, private readonly rateTiers: boolean) {
    this.#state = state;
    this.#context = { state, openSocketUrl, uploads };
  }

  rateLimitNext(method: string, retryAfterSeconds: number): void {
    const queue = this.#rateLimits.get(method) ?? [];
    queue.push(retryAfterSeconds);
    this.#rateLimits.set(method, queue);
  }

  async handle(request: IncomingMessage, response: ServerResponse, method: string, query: URLSearchParams): Promise<void> {
    const body = await readBody(request);
    const parsed = parseApiRequest(query, request.headers['content-type'], request.headers.authorization, body);
    const params = parsed.ok ? parsed.params : {};
    const token = parsed.ok ? parsed.token : undefined;
    const answer = (status: number, result: ApiAnswer, headers: Record<string, string> = {}) => {
      this.#state.recordCall({ method, params, token, status, ok: result.ok, ...(result.ok ? {} : { error: result.error }) });
      sendJson(response, status, result, headers);
    };

    const spec = METHODS[method];
    if (!spec) return answer(200, { ok: false, error: 'unknown_method', req_method: method });
    if (!parsed.ok) return answer(200, { ok: false, error: parsed.error });
    const kind = this.#tokenKind(token);
    if (kind === 'missing') return answer(200, { ok: false, error: 'not_authed' });
    if (kind === 'invalid') return answer(200, { ok: false, error: 'invalid_auth' });
    const refusal = kind === 'bot' ? this.botTokenRevocation.refusal : undefined;
    if (refusal !== undefined) return answer(200, { ok: false, error: refusal });
    if (kind !== spec.token) return answer(200, { ok: false, error: 'not_allowed_token_type' });

    const scopes = this.#state.identity.scopes;
    const headers: Record<string, string> = kind === 'bot' ? { 'X-OAuth-Scopes': [...scopes].join(',') } : {};
    if (kind === 'bot' && spec.scopes && !spec.scopes.some((s) => scopes.has(s))) {
      return answer(200, { ok: false, error: 'missing_scope', needed: spec.scopes.join(','), provided: [...scopes].join(',') }, headers);
    }
    const fault = this.faults.take(method, params);
    if (fault !== undefined && fault.when !== 'before-serving') {
      this.#state.recordCall({ method, params, token, status: fault.status, ok: false, error: 'emulated fault' });
      if (fault.when === 'instead') return fault.apply(response);
    }
    const channel = typeof params.channel === 'string' ? params.channel : undefined;
    const retryAfter = this.#rateLimits.get(method)?.shift() ?? (this.rateTiers ? this.#tiers.refuse(method, channel) : undefined);
    if (retryAfter !== undefined) {
      return answer(429, { ok: false, error: 'ratelimited' }, { ...headers, 'Retry-After': String(retryAfter) });
    }
    const result = spec.handle(params, this.#context);
    if (fault?.when === 'after') return fault.apply(response);
    return answer(200, result, headers);
  }

  #tokenKind(token: string | undefined): TokenKind | 'missing' | 'invalid' {
    if (token === undefined) return 'missing';
    if (token === this.#state.identity.botToken) return 'bot';
    if (token === this.#state.identity.appToken) return 'app';
    return 'invalid';
  }
}
