/**
 * The one test of "is this an http(s) URL" and the one way to resolve a reference to one: everything Herald
 * fetches, links to or posts must be absolute http: or https:, never javascript:, data: or file:.
 */

/** `reference` made absolute against `base` (when given), if the result is http(s) with a host; else undefined. */
export function resolveUrl(reference: string | undefined, base?: string): string | undefined {
  if (reference === undefined) return undefined;
  const trimmed = reference.trim();
  if (trimmed === '') return undefined;
  try {
    const url = base === undefined || base === '' ? new URL(trimmed) : new URL(trimmed, base);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a text is an absolute http: or https: URL with a host (the only URLs Herald fetches or calls). */
export function isHttpUrl(value: string): boolean {
  return resolveUrl(value) !== undefined;
}

/** The host (with port) of a URL, or the text itself when it is not a URL. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host || url;
  } catch {
    return url;
  }
}
