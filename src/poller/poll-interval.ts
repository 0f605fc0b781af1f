/**
 * When to poll a feed next: the operator's interval, stretched by what the site asked for (<ttl>, Cache-Control
 * max-age, Retry-After) and backed off exponentially while the feed keeps failing.
 */
const MAX_AGE_CAP_SECONDS = 60 * 60;
const TTL_CAP_SECONDS = 24 * 60 * 60;
const MAX_BACKOFF_SECONDS = 6 * 60 * 60;

/** The lower bound a site sets on the interval, capped so a bad header cannot silence a feed for days. */
export function siteMinimumInterval(ttlMinutes: number | undefined, maxAgeSeconds: number | undefined): number | undefined {
  const fromTtl = ttlMinutes === undefined ? 0 : Math.min(ttlMinutes * 60, TTL_CAP_SECONDS);
  const fromMaxAge = maxAgeSeconds === undefined ? 0 : Math.min(maxAgeSeconds, MAX_AGE_CAP_SECONDS);
  const minimum = Math.max(fromTtl, fromMaxAge);
  return minimum > 0 ? minimum : undefined;
}

export function nextIntervalSeconds(options: {
  baseSeconds: number;
  siteMinimumSeconds?: number;
  consecutiveFailures: number;
  retryAfterSeconds?: number;
}): number {
  const healthy = Math.max(options.baseSeconds, options.siteMinimumSeconds ?? 0);
  if (options.consecutiveFailures === 0) return healthy;
  const backoff = Math.min(MAX_BACKOFF_SECONDS, options.baseSeconds * 2 ** (options.consecutiveFailures - 1));
  return Math.max(backoff, options.retryAfterSeconds ?? 0, Math.min(healthy, MAX_BACKOFF_SECONDS));
}
