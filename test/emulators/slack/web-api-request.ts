/**
 * Turns a Web API request into `{ params, token }` the way Slack reads it: query parameters plus an
 * `application/x-www-form-urlencoded` body (values stay strings) or an `application/json` object
 * body; the token from `Authorization: Bearer ...`, else from a `token` parameter (form or query
 * only: Slack ignores a token inside a JSON body). Returns a Slack error code when it cannot, the argument errors
 * of the Web API spec included: a charset other than utf-8 or iso-8859-1 (invalid_charset), form data that does
 * not decode (invalid_form_data), an argument passed as an array, `name[]` (invalid_array_arg), and a name that is
 * not letters, digits and `_` or is over 100 characters (invalid_arg_name).
 */

const CHARSETS = new Set(['utf-8', 'utf8', 'iso-8859-1']);
const ARGUMENT_NAME = /^[A-Za-z0-9_]{1,100}$/;
const BAD_ESCAPE = /%(?![0-9A-Fa-f]{2})/;

function argumentError(names: Iterable<string>): string | undefined {
  for (const name of names) {
    if (/\[[^\]]*\]$/.test(name)) return 'invalid_array_arg';
    if (!ARGUMENT_NAME.test(name)) return 'invalid_arg_name';
  }
  return undefined;
}

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
  const charset = /;\s*charset=("?)([^";]+)\1/i.exec(contentType ?? '')?.[2]?.trim().toLowerCase();
  if (charset !== undefined && !CHARSETS.has(charset)) return { ok: false, error: 'invalid_charset' };
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
      if (BAD_ESCAPE.test(body)) return { ok: false, error: 'invalid_form_data' };
      const form = Object.fromEntries(new URLSearchParams(body));
      bodyToken = form.token;
      Object.assign(params, form);
    } else if (type === '') {
      return { ok: false, error: 'missing_post_type' };
    } else {
      return { ok: false, error: 'invalid_post_type' };
    }
  }
  const badName = argumentError(Object.keys(params));
  if (badName !== undefined) return { ok: false, error: badName };
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
