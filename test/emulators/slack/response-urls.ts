/**
 * Response URLs (`POST /response/<id>`), one per slash command: takes the bot's JSON (or form
 * `payload=`) body, checks it like a message (no_text, invalid_blocks, msg_too_long; a bare
 * delete_original needs no text), allows 5 uses within 30 minutes, and records every post in order.
 * Answers 200 `ok` as Slack does; refusals are 4xx with the error code as text.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendText } from './http-body.ts';
import { checkMessageContent } from './message-content.ts';
import type { EmulatorState } from './state.ts';
import type { ResponseRecord } from './types.ts';
import { booleanParam } from './web-api-request.ts';

const MAX_USES = 5;
const LIFETIME_MS = 30 * 60_000;

interface ResponseTarget {
  createdAt: number;
  records: ResponseRecord[];
}

function parsePayload(contentType: string | undefined, body: string): Record<string, unknown> | undefined {
  try {
    const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
    const parsed: unknown =
      type === 'application/x-www-form-urlencoded' ? JSON.parse(new URLSearchParams(body).get('payload') ?? '') : JSON.parse(body);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export class ResponseUrls {
  readonly #state: EmulatorState;
  readonly #targets = new Map<string, ResponseTarget>();
  base = '';

  constructor(state: EmulatorState) {
    this.#state = state;
  }

  create(id: string): string {
    this.#targets.set(id, { createdAt: Date.now(), records: [] });
    return `${this.base}/response/${id}`;
  }

  records(id: string): ReadonlyArray<ResponseRecord> {
    return this.#targets.get(id)?.records ?? [];
  }

  async handle(request: IncomingMessage, response: ServerResponse, id: string): Promise<void> {
    const body = await readBody(request);
    const target = this.#targets.get(id);
    if (!target) return sendText(response, 404, 'invalid_url');
    const parsed = parsePayload(request.headers['content-type'], body);
    const payload = parsed ?? {};
    const afterMs = Date.now() - target.createdAt;
    const refuse = (status: number, error: string) => {
      this.#record(id, target, { status, error, afterMs, payload });
      sendText(response, status, error);
    };
    if (afterMs > LIFETIME_MS) return refuse(404, 'expired_url');
    if (target.records.filter((r) => r.status === 200).length >= MAX_USES) return refuse(404, 'used_url');
    if (parsed === undefined) return refuse(400, 'invalid_payload');

    const deleteOriginal = booleanParam(payload.delete_original);
    const check = deleteOriginal ? undefined : checkMessageContent(payload);
    if (check && !check.ok) return refuse(400, check.error);
    const content = check?.content ?? {};
    const replaceOriginal = booleanParam(payload.replace_original);
    this.#record(id, target, {
      status: 200,
      afterMs,
      ...content,
      ...(typeof payload.response_type === 'string' ? { response_type: payload.response_type } : {}),
      ...(replaceOriginal === undefined ? {} : { replace_original: replaceOriginal }),
      ...(deleteOriginal === undefined ? {} : { delete_original: deleteOriginal }),
      payload,
    });
    sendText(response, 200, 'ok');
  }

  #record(id: string, target: ResponseTarget, record: ResponseRecord): void {
    target.records.push(record);
    this.#state.changes.emit('response', id);
  }
}
