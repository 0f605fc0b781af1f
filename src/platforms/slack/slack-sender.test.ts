import { webApi } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSlackEmulator } from '../../../test/emulators/slack/server.ts';
import type { SlackEmulator } from '../../../test/emulators/slack/server.ts';
import { silentLogger } from '../../../test/emulators/slack/silent-logger.ts';
import { reply } from '../../commands/reply.ts';
import type { Message } from '../../format/message.ts';
import type { Subscription } from '../../store/records.ts';
import { outcomeOf, SlackSender } from './slack-sender.ts';

let slack: SlackEmulator;
let sender: SlackSender;

const MESSAGE: Message = { title: 'Rust 2.0', url: 'https://example.org/rust-2', summary: 'Faster.', feedTitle: 'Example', feedUrl: 'https://example.org/feed', categories: [] };

function sendWith(token: string, channel: string) {
  const client = new webApi.WebClient(token, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, logger: silentLogger() });
  return new SlackSender(client).send(channel, MESSAGE, 'delivery-x');
}

beforeAll(async () => {
  slack = await startSlackEmulator();
  slack.addChannel({ id: 'C0OPEN', name: 'open', botIsMember: false });
  slack.addChannel({ id: 'C0FOUND', name: 'found' });
  slack.addChannel({ id: 'C0OLD', name: 'old', archived: true });
  slack.addChannel({ id: 'G0HIDDEN', name: 'hidden', isPrivate: true, botIsMember: false });
  slack.addUser({ id: 'U0ADA', name: 'ada' });
  sender = new SlackSender(new webApi.WebClient(slack.botToken, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, logger: silentLogger() }));
});

afterAll(() => slack.close());

describe('SlackSender', () => {
  it('posts the rendered blocks and reports the post as sent', async () => {
    expect(await sender.send('C0OPEN', MESSAGE, 'delivery-x')).toEqual({ kind: 'sent' });
    const [posted] = slack.messages('C0OPEN');
    expect(posted!.text).toContain('Rust 2.0');
    expect(posted!.blocks?.[0]).toMatchObject({ type: 'section' });
  });

  it('marks each post with its delivery id, and finds an earlier post by that id in the channel', async () => {
    const before = new Date();
    expect(await sender.send('C0FOUND', MESSAGE, 'delivery-found')).toEqual({ kind: 'sent' });
    expect(slack.messages('C0FOUND').map((posted) => posted.metadata)).toEqual([{ event_type: 'herald_delivery', event_payload: { delivery_id: 'delivery-found' } }]);
    expect(await sender.findSent('C0FOUND', 'delivery-found', before)).toBe(true);
    expect(await sender.findSent('C0FOUND', 'delivery-never-posted', before)).toBe(false);
  });

  it.each(['invalid_auth', 'token_revoked', 'account_inactive'] as const)('stops on %s without blaming the message, and knows when the token works again', async (refusal) => {
    slack.revokeBotToken(refusal);
    try {
      expect(await sender.send('C0OPEN', MESSAGE, 'delivery-x')).toEqual({ kind: 'auth-failed', reason: `Slack answered ${refusal}`, action: expect.stringMatching(/SLACK_BOT_TOKEN.*resumes by itself/) });
      expect(await sender.checkCredentials()).toBe(false);
    } finally {
      slack.restoreBotToken();
    }
    expect(await sender.checkCredentials()).toBe(true);
  });

  it('reports archived, hidden and unknown channels as lost, with a reason a person can act on', async () => {
    expect(await sender.send('C0OLD', MESSAGE, 'delivery-x')).toEqual({ kind: 'channel-lost', reason: expect.stringMatching(/archived.*is_archived/) });
    expect(await sender.send('G0HIDDEN', MESSAGE, 'delivery-x')).toEqual({ kind: 'channel-lost', reason: expect.stringMatching(/\/invite @Herald.*channel_not_found/) });
    expect(await sender.send('C0NOPE', MESSAGE, 'delivery-x')).toMatchObject({ kind: 'channel-lost' });
  });

  it.each(['ratelimited', 'rate_limited'])('waits out a rate limit Slack reports in the body as %s', (slackError) => {
    const error = { code: webApi.ErrorCode.PlatformError, data: { ok: false, error: slackError } };
    expect(outcomeOf(error)).toEqual({ kind: 'retry', afterMs: 30_000, error: `Slack rate limit (${slackError})` });
  });

  it("hands a 429's Retry-After to the outbox instead of sleeping in the call", async () => {
    slack.rateLimitNext('chat.postMessage', 7);
    const startedAt = Date.now();
    expect(await sender.send('C0OPEN', MESSAGE, 'delivery-x')).toMatchObject({ kind: 'retry', afterMs: 7000 });
    expect(Date.now() - startedAt).toBeLessThan(2000);
  });

  it('stops sending, keeping the message, when the token is refused (an operator problem, not the message)', async () => {
    expect(await sendWith('xoxb-revoked', 'C0OPEN')).toMatchObject({ kind: 'auth-failed', reason: 'Slack answered invalid_auth' });
  });

  it('retries later when Slack cannot be reached', async () => {
    const client = new webApi.WebClient(slack.botToken, { slackApiUrl: 'http://127.0.0.1:9/api/', retryConfig: { retries: 0 }, logger: silentLogger() });
    expect(await new SlackSender(client).send('C0OPEN', MESSAGE, 'delivery-x')).toMatchObject({ kind: 'retry' });
  });

  it("tells a subscription's manager in a direct message", async () => {
    const subscription = { id: 'abc', createdBy: 'U0ADA' } as Subscription;
    await sender.tellManager(subscription, reply([['⏸ Paused ', { code: 'abc' }, ' <!here>']]));
    const dm = slack.calls('chat.postMessage').filter((call) => call.params.channel === 'U0ADA' && call.ok);
    expect(dm).toHaveLength(1);
    expect(dm[0]!.params.text).toBe('⏸ Paused `abc` &lt;!here&gt;');
  });
});
