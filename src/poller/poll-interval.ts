/**
 * When to poll a feed next: the operator's interval, stretched by what the site asked for (<ttl>, Cache-Control
 * max-age, Retry-After) and backed off exponentially while the feed keeps failing.
 */
const MAX_AGE_CAP_SECONDS = 60 * 60;
const TTL_CAP_SECONDS = 24 * 60 * 60;
const MAX_BACKOFF_SECONDS = 6 * 60 * 60;

/** The lower bound a site sets on the interval, capped so a bad header cannot silence a feed for days. */
export function siteMinimumInterval(ttlMinutes: number | undefined, maxAgeSeconds: number | undefined): number | undefined {
  return siteMinimum(ttlMinutes, maxAgeSeconds)?.seconds;
}

/** The site's lower bound with what set it: the feed's <ttl> or the Cache-Control max-age. */
export function siteMinimum(ttlMinutes: number | undefined, maxAgeSeconds: number | undefined): { seconds: number; source: 'ttl' | 'max-age' } | undefined {
  const fromTtl = ttlMinutes === undefined ? 0 : Math.min(ttlMinutes * 60, TTL_CAP_SECONDS);
  const fromMaxAge = maxAgeSeconds === undefined ? 0 : Math.min(maxAgeSeconds, MAX_AGE_CAP_SECONDS);
  const seconds = Math.max(fromTtl, fromMaxAge);
  if (seconds <= 0) return undefined;
  return { seconds, source: fromTtl >= fromMaxAge ? 'ttl' : 'max-age' };
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

/**
 * When a feed is next due. A healthy feed polled at the operator's interval keeps a stable phase within that
 * interval (from a hash of its URL), so feeds added or restarted together spread out over the interval instead
 * of all firing at once; the one interval that moves a feed onto its phase is at most a quarter shorter or three
 * quarters longer. A site's minimum (ttl, max-age), a backoff or Retry-After is honoured from the poll's time, unaligned.
 */
export function nextPollTime(url: string, polledAt: Date, intervalSeconds: number, aligned: boolean): Date {
  const period = intervalSeconds * 1000;
  const target = polledAt.getTime() + period;
  if (!aligned || period < 2000) return new Date(target);
  const phase = phaseOf(url, period);
  // A poll runs a little after its slot; up to a quarter of the period late still counts as on time.
  const slots = Math.ceil((target - phase - period / 4) / period);
  return new Date(phase + slots * period);
}

function phaseOf(url: string, period: number): number {
  let hash = 2166136261;
  for (let index = 0; index < url.length; index += 1) hash = Math.imul(hash ^ url.charCodeAt(index), 16777619) >>> 0;
  return hash % period;
}
