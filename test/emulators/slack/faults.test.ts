/**
 * The Slack emulator's fault schedule and rate limits, driven by the WebClient Herald uses (no retries, rate-limited
 * calls rejected): each fault fires on exactly the calls it names and is recorded; a lost answer after the post
 * leaves the message in the channel; chat.postMessage takes about one message per second per channel and the
 * other methods their tier's calls per minute.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { webApi } from '@slack/bolt';
import { startSlackEmulator } from './server.ts';
import { silentLogger } from './silent-logger.ts';
import type { EmulatorOptions, SlackEmulator } from './types.ts';

const { ErrorCode, WebClient } = webApi;
const ONE = 'C0FAULTS001';
const TWO = 'C0FAULTS002';

describe('Slack emulator faults', () => {
  let slack: SlackEmulator;
  let client: webApi.WebClient;

  const start = async (options: EmulatorOptions = { rateTiers: false }) => {
    slack = await startSlackEmulator(options);
    slack.addChannel({ id: ONE, name: 'one' });
    slack.addChannel({ id: TWO, name: 'two' });
    client = new WebClient(slack.botToken, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, timeout: 1_000, logger: silentLogger() });
  };
  /** The error code of a post, or 'ok'. */
  const post = (channel: string, text = 'hello') =>
    client.chat.postMessage({ channel, text }).then(
      () => 'ok',
      (error: { code?: string; retryAfter?: number; statusCode?: number; data?: { error?: string } }) =>
        error.code === ErrorCode.RateLimitedError ? `ratelimited ${error.retryAfter}` : error.code === ErrorCode.HTTPError ? `http ${error.statusCode}` : error.data?.error ?? String(error.code),
    );

  afterEach(async () => {
    await slack?.close();
  });

  it('rate-limits the 2nd and 3rd posts to one channel only, and answers 5xx, drops and lost channels', async () => {
    await start();
    slack.faults.schedule(
      { method: 'chat.postMessage', channel: ONE, from: 2, to: 3, fault: { kind: 'rate-limit', retryAfter: 1 } },
      { method: 'chat.postMessage', channel: ONE, from: 4, fault: { kind: 'server-error', status: 503 } },
      { method: 'chat.postMessage', channel: ONE, from: 5, fault: { kind: 'drop' } },
      { method: 'chat.postMessage', channel: TWO, from: 2, fault: { kind: 'lose-channel' } },
    );
    const results = [];
    for (let index = 0; index < 5; index += 1) results.push(await post(ONE), await post(TWO));
    expect(results.slice(0, 4)).toEqual(['ok', 'ok', 'ratelimited 1', 'channel_not_found']);
    expect(results.slice(4, 8)).toEqual(['ratelimited 1', 'channel_not_found', 'http 503', 'channel_not_found']);
    expect(results[8]).not.toBe('ok');
    expect(slack.messages(ONE)).toHaveLength(1);
    expect(slack.faults.counts()).toEqual({ '429 ratelimited': 2, 503: 1, drop: 1, 'lose channel': 1 });
  });

  it('posts the message and then loses the answer, past the client\'s timeout', async () => {
    await start();
    slack.faults.schedule({ method: 'chat.postMessage', fault: { kind: 'hang', ms: 5_000, afterAccept: true } });
    expect(await post(ONE, 'landed')).not.toBe('ok');
    expect(slack.messages(ONE).map((message) => message.text)).toEqual(['landed']);
  });

  it('takes about one post a second per channel, a short burst allowed, each channel on its own', async () => {
    await start({});
    const burst = await Promise.all([1, 2, 3, 4].map(() => post(ONE)));
    expect(burst.filter((result) => result === 'ok')).toHaveLength(3);
    expect(burst.filter((result) => result === 'ratelimited 1')).toHaveLength(1);
    expect(await post(TWO)).toBe('ok');
  });

  it('limits conversations.history to its tier, 50 calls a minute', async () => {
    await start({});
    const calls: string[] = [];
    for (let index = 0; index < 51; index += 1) {
      calls.push(await client.conversations.history({ channel: ONE }).then(() => 'ok', (error: { code?: string }) => String(error.code)));
    }
    expect(calls.filter((result) => result === 'ok')).toHaveLength(50);
    expect(calls.filter((result) => result === ErrorCode.RateLimitedError)).toHaveLength(1);
  });
});
