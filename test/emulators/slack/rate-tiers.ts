/**
 * Slack's rate limits for the methods the emulator knows (api.slack.com/apis/rate-limits): each method has a tier
 * of calls per minute per workspace (Tier 1: 1, Tier 2: 20, Tier 3: 50, Tier 4: 100), and chat.postMessage its
 * own limit of about one message per second per channel, short bursts allowed. A call past its limit answers HTTP
 * 429 with Retry-After (whole seconds) and `ratelimited`.
 */
// apps.connections.open (Tier 1, "1+ per minute") is left out: Slack lets a reconnecting app burst past it.
const PER_MINUTE: Readonly<Record<string, number>> = {
  'auth.test': 100,
  'users.info': 100,
  'conversations.info': 50,
  'conversations.history': 50,
};

const MINUTE_MS = 60_000;
/** chat.postMessage: a bucket per channel, refilled at one message a second, holding a burst of a few. */
const POST_BURST = 3;
const POST_EVERY_MS = 1_000;

export class RateTiers {
  readonly #calls = new Map<string, number[]>();
  readonly #postBuckets = new Map<string, { tokens: number; at: number }>();

  /** Seconds to wait when this call is over its limit; undefined when it may go ahead (and is counted). */
  refuse(method: string, channel: string | undefined, now = Date.now()): number | undefined {
    if (method === 'chat.postMessage') return channel === undefined ? undefined : this.#post(channel, now);
    const limit = PER_MINUTE[method];
    if (limit === undefined) return undefined;
    const calls = (this.#calls.get(method) ?? []).filter((at) => at > now - MINUTE_MS);
    this.#calls.set(method, calls);
    if (calls.length >= limit) return Math.max(1, Math.ceil((calls[0]! + MINUTE_MS - now) / 1000));
    calls.push(now);
    return undefined;
  }

  #post(channel: string, now: number): number | undefined {
    const bucket = this.#postBuckets.get(channel) ?? { tokens: POST_BURST, at: now };
    bucket.tokens = Math.min(POST_BURST, bucket.tokens + (now - bucket.at) / POST_EVERY_MS);
    bucket.at = now;
    this.#postBuckets.set(channel, bucket);
    if (bucket.tokens < 1) return Math.max(1, Math.ceil(((1 - bucket.tokens) * POST_EVERY_MS) / 1000));
    bucket.tokens -= 1;
    return undefined;
  }
}
