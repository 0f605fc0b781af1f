/**
 * Turns a Web API request into `{ params, token }` the way Slack reads it: query parameters plus an
 * `application/x-www-form-urlencoded` body (values stay strings) or an `application/json` object
 * body; the token from `Authorization: Bearer ...`, else from a `token` parameter (form or query
 * only: Slack ignores a token inside a JSON body). Returns a Slack error code when it cannot.
 */

export type ParsedApiRequest =
  | { ok: true; params: Record<string, unknown>; token: string | undefined }
  | { ok: false; error: string };

export function parseApiRequest(
  query: URLSearchParams,
  contentType: string | undefined,
  authorization: string | undefined,
  body: string,
): ParsedApiRequest {
  const params: Record<string, unknown> = Object.fromEntries(query);
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  let bodyToken: unknown;
  if (body !== '') {
    if (type === 'application/json') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch {
        return { ok: false, error: 'invalid_json' };
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { ok: false, error: 'json_not_object' };
      const { token: _ignored, ...rest } = parsed as Record<string, unknown>;
      Object.assign(params, rest);
    } else if (type === 'application/x-www-form-urlencoded') {
      const form = Object.fromEntries(new URLSearchParams(body));
      bodyToken = form.token;
      Object.assign(params, form);
    } else if (type === '') {
      return { ok: false, error: 'missing_post_type' };
    } else {
      return { ok: false, error: 'invalid_post_type' };
    }
  }
  const bearer = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  const token = bearer ?? (typeof bodyToken === 'string' ? bodyToken : undefined) ?? query.get('token') ?? undefined;
  delete params.token;
  return { ok: true, params, token: token === '' ? undefined : token };
}

/** A form value 'true'/'1' or a JSON boolean as a boolean; undefined when absent. */
export function booleanParam(value: unknown): boolean | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'boolean') return value;
  return value === 'true' || value === '1' || value === 1;
}
