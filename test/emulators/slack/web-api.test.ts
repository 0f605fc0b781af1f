/**
 * The Web API half of the Slack emulator, driven by the real @slack/web-api WebClient (and by raw
 * fetch where the WebClient cannot send what is being checked): tokens, both body encodings,
 * chat.postMessage's checks as platform errors, users.info, scopes and injected 429s.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webApi } from '@slack/bolt';
import { startSlackEmulator } from './server.ts';
import { silentLogger } from './silent-logger.ts';
import type { SlackEmulator } from './types.ts';

const { ErrorCode, WebClient } = webApi;

const GENERAL = 'C0GENERAL01';
const LOBBY = 'C0LOBBY0001';
const SECRET = 'C0SECRET001';
const OLD = 'C0ARCHIVED1';
const GONE = 'C0DELETED01';
const READER = 'U0READER001';

function clientFor(slack: SlackEmulator, token = slack.botToken, extra: Partial<webApi.WebClientOptions> = {}): webApi.WebClient {
  return new WebClient(token, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 }, logger: silentLogger(), ...extra });
}

/** The Slack error code of a failed call, as Herald would see it (error.data.error). */
async function platformError(call: Promise<unknown>): Promise<string> {
  const error = (await call.then(
    () => undefined,
    (e: unknown) => e,
  )) as webApi.WebAPIPlatformError | undefined;
  expect(error?.code).toBe(ErrorCode.PlatformError);
  return error?.data.error ?? '';
}

async function rawCall(slack: SlackEmulator, method: string, init: RequestInit): Promise<Record<string, unknown>> {
  const response = await fetch(`${slack.apiUrl}${method}`, { method: 'POST', ...init });
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });

describe('Slack Web API emulator with the real WebClient', () => {
  let slack: SlackEmulator;
  let client: webApi.WebClient;

  beforeAll(async () => {
    // Many posts to one channel in quick succession: what is checked here is their content, not their pace.
    slack = await startSlackEmulator({ rateTiers: false });
    slack.addChannel({ id: GENERAL, name: 'general' });
    slack.addChannel({ id: LOBBY, name: 'lobby', botIsMember: false });
    slack.addChannel({ id: SECRET, name: 'secret', isPrivate: true, botIsMember: false });
    slack.addChannel({ id: OLD, name: 'old', archived: true });
    slack.addChannel({ id: GONE, name: 'gone' });
    slack.updateChannel(GONE, { deleted: true });
    slack.addUser({ id: READER, name: 'reader', realName: 'Rita Reader', isAdmin: true });
    client = clientFor(slack);
  });

  afterAll(async () => {
    await slack?.close();
  });

  it('answers auth.test for the bot token with the team and the bot identity', async () => {
    const result = await client.auth.test();
    expect(result).toMatchObject({ ok: true, team_id: slack.teamId, user_id: slack.botUserId, bot_id: slack.botId });
    expect(result.url).toMatch(/^https:\/\/.+\.slack\.com\/$/);
    expect(result.response_metadata?.scopes).toContain('chat:write');
    const [call] = slack.calls('auth.test');
    expect(call).toMatchObject({ method: 'auth.test', token: slack.botToken, status: 200, ok: true });
  });

  it('refuses a missing token, a wrong one and one of the wrong type', async () => {
    expect(await rawCall(slack, 'auth.test', {})).toEqual({ ok: false, error: 'not_authed' });
    expect(await platformError(clientFor(slack, 'xoxb-not-a-real-token').auth.test())).toBe('invalid_auth');
    expect(await platformError(client.apps.connections.open())).toBe('not_allowed_token_type');
    expect(await platformError(clientFor(slack, slack.appToken).auth.test())).toBe('not_allowed_token_type');
  });

  it('hands the app-level token a single-use Socket Mode URL', async () => {
    const result = await clientFor(slack, slack.appToken).apps.connections.open();
    expect(result.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/socket\?ticket=\w+/);
  });

  it('answers unknown_method for a method it does not know', async () => {
    expect(await platformError(client.apiCall('chat.postMesage', { channel: GENERAL, text: 'typo' }))).toBe('unknown_method');
  });

  it('accepts JSON bodies with a bearer token and form bodies with a token field, blocks parsed either way', async () => {
    const blocks = [section('*From JSON*')];
    const fromJson = await rawCall(slack, 'chat.postMessage', {
      headers: { Authorization: `Bearer ${slack.botToken}`, 'Content-Type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ channel: GENERAL, text: 'json', blocks, unfurl_links: false }),
    });
    expect(fromJson).toMatchObject({ ok: true, channel: GENERAL });
    const form = new URLSearchParams({ token: slack.botToken, channel: GENERAL, text: 'form', blocks: JSON.stringify(blocks), unfurl_media: 'false' });
    const fromForm = await rawCall(slack, 'chat.postMessage', { headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: form });
    expect(fromForm).toMatchObject({ ok: true, channel: GENERAL });

    const posted = slack.messages(GENERAL).slice(-2);
    expect(posted.map((m) => [m.text, m.blocks, m.unfurl_links, m.unfurl_media])).toEqual([
      ['json', blocks, false, undefined],
      ['form', blocks, undefined, false],
    ]);
    expect(await rawCall(slack, 'chat.postMessage', { headers: { 'Content-Type': 'application/json' }, body: '{"channel":' })).toEqual({
      ok: false,
      error: 'invalid_json',
    });
  });

  it('records a valid Block Kit message with increasing timestamps and answers with the message', async () => {
    const blocks = [
      { type: 'header', text: { type: 'plain_text', text: 'Rust 1.90 released' } },
      {
        type: 'section',
        text: { type: 'mrkdwn', text: '*<https://blog.example/rust|Rust 1.90 released>*\nFaster builds.' },
        accessory: { type: 'image', image_url: 'https://blog.example/rust.png', alt_text: 'Rust logo' },
      },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'Rust Blog' }, { type: 'plain_text', text: 'by The Team' }] },
      { type: 'divider' },
      { type: 'image', image_url: 'https://blog.example/big.png', alt_text: 'Chart' },
    ];
    const first = await client.chat.postMessage({ channel: GENERAL, text: 'Rust 1.90 released', blocks, unfurl_links: false, unfurl_media: false });
    const second = await client.chat.postMessage({ channel: GENERAL, text: 'second' });
    expect(first.message).toMatchObject({ text: 'Rust 1.90 released', bot_id: slack.botId, blocks });
    expect(first.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(Number(second.ts)).toBeGreaterThan(Number(first.ts));
    const recorded = slack.messages(GENERAL).find((m) => m.ts === first.ts);
    expect(recorded).toMatchObject({ channel: GENERAL, text: 'Rust 1.90 released', blocks, unfurl_links: false, unfurl_media: false });
  });

  it.each([
    ['an unknown channel', { channel: 'C0NOSUCH001', text: 'x' }, 'channel_not_found'],
    ['a deleted channel', { channel: GONE, text: 'x' }, 'channel_not_found'],
    ['a private channel the bot is not in (invisible to it)', { channel: SECRET, text: 'x' }, 'channel_not_found'],
    ['an archived channel', { channel: OLD, text: 'x' }, 'is_archived'],
    ['no text and no blocks', { channel: GENERAL }, 'no_text'],
    ['text over 40,000 characters', { channel: GENERAL, text: 'a'.repeat(40_001) }, 'msg_too_long'],
    ['section text over 3000 characters', { channel: GENERAL, text: 'x', blocks: [section('a'.repeat(3001))] }, 'invalid_blocks'],
    ['51 blocks', { channel: GENERAL, text: 'x', blocks: Array.from({ length: 51 }, () => ({ type: 'divider' })) }, 'invalid_blocks'],
    ['an unknown block type', { channel: GENERAL, text: 'x', blocks: [{ type: 'banner' }] }, 'invalid_blocks'],
    ['an image accessory without alt_text', { channel: GENERAL, text: 'x', blocks: [{ ...section('x'), accessory: { type: 'image', image_url: 'https://e.x/i.png' } }] }, 'invalid_blocks'],
    ['blocks that are not a JSON array', { channel: GENERAL, text: 'x', blocks: '{"type":' }, 'invalid_blocks_format'],
  ])('refuses a post to %s', async (_case, args, error) => {
    const before = slack.messages(GENERAL).length;
    expect(await platformError(client.apiCall('chat.postMessage', args))).toBe(error);
    expect(slack.messages(GENERAL)).toHaveLength(before);
  });

  it('names each invalid block field with its JSON pointer, as Slack does', async () => {
    const blocks = [section('ok'), { type: 'header', text: { type: 'mrkdwn', text: 'Header' } }, section('')];
    const error = await client.chat.postMessage({ channel: GENERAL, text: 'x', blocks }).catch((e: unknown) => e);
    expect((error as webApi.WebAPIPlatformError).data).toMatchObject({
      error: 'invalid_blocks',
      errors: [
        expect.stringContaining('[json-pointer:/blocks/1/text/type]'),
        'must be more than 0 characters [json-pointer:/blocks/2/text/text]',
      ],
    });
  });

  it('posts to a public channel without membership (chat:write.public) and to a user id as a DM', async () => {
    await client.chat.postMessage({ channel: LOBBY, text: 'hello lobby' });
    const dm = await client.chat.postMessage({ channel: READER, text: 'hello Rita' });
    expect(slack.messages(LOBBY).map((m) => m.text)).toEqual(['hello lobby']);
    expect(dm.channel).toMatch(/^D/);
    expect(slack.messages(READER).map((m) => [m.channel, m.text])).toEqual([[dm.channel, 'hello Rita']]);
    expect(await platformError(client.chat.postMessage({ channel: 'U0NOBODY001', text: 'x' }))).toBe('channel_not_found');
  });

  it('keeps message metadata and lists a channel newest first, metadata only with include_all_metadata', async () => {
    const metadata = { event_type: 'herald_delivery', event_payload: { delivery_id: 'd-1' } };
    const first = await client.chat.postMessage({ channel: GENERAL, text: 'with metadata', metadata });
    await client.chat.postMessage({ channel: GENERAL, text: 'plain' });
    expect(slack.messages(GENERAL).find((m) => m.ts === first.ts)?.metadata).toEqual(metadata);

    const plain = await client.conversations.history({ channel: GENERAL, oldest: String(Number(first.ts) - 1) });
    expect(plain.messages?.slice(0, 2).map((m) => [m.text, m.metadata])).toEqual([['plain', undefined], ['with metadata', undefined]]);
    const withMetadata = await client.conversations.history({ channel: GENERAL, oldest: String(Number(first.ts) - 1), include_all_metadata: true });
    expect(withMetadata.messages?.find((m) => m.ts === first.ts)?.metadata).toEqual(metadata);
    const after = await client.conversations.history({ channel: GENERAL, oldest: first.ts! });
    expect(after.messages?.map((m) => m.text)).toEqual(['plain']);
    expect(await platformError(client.conversations.history({ channel: SECRET }))).toBe('channel_not_found');
    expect(await platformError(client.chat.postMessage({ channel: GENERAL, text: 'x', metadata: '{not json' as never }))).toBe('invalid_metadata_format');
  });

  it('answers users.info for known users and user_not_found otherwise', async () => {
    const result = await client.users.info({ user: READER });
    expect(result.user).toMatchObject({ id: READER, name: 'reader', real_name: 'Rita Reader', is_admin: true, is_owner: false, is_bot: false, deleted: false });
    expect((await client.users.info({ user: slack.botUserId })).user?.is_bot).toBe(true);
    expect(await platformError(client.users.info({ user: 'U0NOBODY001' }))).toBe('user_not_found');
  });

  it('sends the next call of a method a 429 with Retry-After, which reaches a WebClient that rejects rate-limited calls', async () => {
    slack.rateLimitNext('chat.postMessage', 7);
    const strict = clientFor(slack, slack.botToken, { rejectRateLimitedCalls: true });
    const error = (await strict.chat.postMessage({ channel: GENERAL, text: 'too fast' }).catch((e: unknown) => e)) as webApi.WebAPIRateLimitedError;
    expect(error.code).toBe(ErrorCode.RateLimitedError);
    expect(error.retryAfter).toBe(7);
    expect(slack.calls('chat.postMessage').at(-1)).toMatchObject({ status: 429, ok: false, error: 'ratelimited' });
    await strict.chat.postMessage({ channel: GENERAL, text: 'later' });
    expect(slack.messages(GENERAL).at(-1)?.text).toBe('later');
  });

  it('records every call with its method, parsed params and token', () => {
    const posts = slack.calls('chat.postMessage');
    expect(posts.length).toBeGreaterThan(5);
    expect(posts.every((c) => c.method === 'chat.postMessage')).toBe(true);
    expect(posts.find((c) => c.params.text === 'hello Rita')).toMatchObject({ token: slack.botToken, params: { channel: READER }, ok: true });
    expect(slack.calls().length).toBeGreaterThan(posts.length);
  });
});

describe('Slack Web API emulator with fewer scopes', () => {
  let slack: SlackEmulator;

  beforeAll(async () => {
    slack = await startSlackEmulator({ scopes: ['chat:write', 'commands'] });
    slack.addChannel({ id: LOBBY, name: 'lobby', botIsMember: false });
  });

  afterAll(async () => {
    await slack?.close();
  });

  it('answers not_in_channel for a public channel the bot is not in, and missing_scope with what is needed', async () => {
    const client = clientFor(slack);
    expect(await platformError(client.chat.postMessage({ channel: LOBBY, text: 'x' }))).toBe('not_in_channel');
    slack.updateChannel(LOBBY, { botIsMember: true });
    await client.chat.postMessage({ channel: LOBBY, text: 'invited now' });
    expect(slack.messages(LOBBY).map((m) => m.text)).toEqual(['invited now']);

    const error = (await client.users.info({ user: slack.defaultUserId }).catch((e: unknown) => e)) as webApi.WebAPIPlatformError;
    expect(error.data).toMatchObject({ error: 'missing_scope', needed: 'users:read', provided: 'chat:write,commands' });
  });
});
