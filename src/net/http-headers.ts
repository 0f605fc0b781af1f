/**
 * Reads the response headers the fetcher acts on: Retry-After (delta seconds or HTTP-date) and
 * Cache-Control max-age. Takes raw header values as Node gives them; returns whole seconds or
 * undefined when the header is absent or malformed.
 */

/** One header value as text: the first of a repeated header, undefined when absent. */
export function firstHeader(value: string | string[] | undefined): string | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  return text === undefined || text.trim() === '' ? undefined : text.trim();
}

/** Seconds to wait from a Retry-After value; an HTTP-date in the past gives 0. */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  // Date.parse accepts far more than HTTP-dates; insist on a weekday or month name so "12abc" is not a date.
  if (!/[a-z]{3}/i.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - now) / 1000));
}

/** max-age from Cache-Control (s-maxage is for shared caches and is ignored). */
export function parseMaxAge(cacheControl: string | undefined): number | undefined {
  if (cacheControl === undefined) return undefined;
  for (const directive of cacheControl.split(',')) {
    const match = /^\s*max-age\s*=\s*"?(\d+)"?\s*$/i.exec(directive);
    if (match?.[1] !== undefined) return Number(match[1]);
  }
  return undefined;
}
