/**
 * Plays a user typing a slash command: builds Slack's payload with its own response_url, delivers it
 * as a signed form POST (HTTP mode) or a `slash_commands` envelope (Socket Mode), and returns the
 * acknowledgement with its timing plus a live view of the response_url posts. Rejects with what
 * happened when the bot cannot be reached or does not acknowledge within the timeout.
 */
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { ResponseUrls } from './response-urls.ts';
import { signatureHeaders } from './signing.ts';
import type { SocketMode } from './socket-mode.ts';
import type { EmulatorState } from './state.ts';
import type { AckBody, ResponseRecord, SlashCommandInput, SlashCommandResult } from './types.ts';
import { visibleMessages } from './visible-text.ts';
import { waitFor } from '../../support/wait-for.ts';

const DEFAULT_TIMEOUT_MS = 20_000;
const DEFAULT_RESPONSE_WAIT_MS = 5_000;
/** The deprecated verification token Slack still puts in every payload. */
const VERIFICATION_TOKEN = 'emulatorVerificationToken';

export interface RunnerDeps {
  state: EmulatorState;
  socketMode: SocketMode;
  responseUrls: ResponseUrls;
  /** Slack shows the user an error when the acknowledgement takes longer. */
  ackDeadlineMs: number;
}

interface Delivery {
  status: number;
  rawAck: string;
  ack: AckBody | undefined;
}

function channelName(state: EmulatorState, channelId: string): string {
  if (channelId.startsWith('D')) {
    if (!state.dmUser(channelId)) throw new Error(`unknown DM ${channelId}: DM ids are D + a user id without its U`);
    return 'directmessage';
  }
  const channel = state.channels.get(channelId);
  if (!channel || channel.deleted) throw new Error(`unknown channel ${channelId}: add it with addChannel first`);
  // Slack's command payloads name private channels 'privategroup' (and DMs 'directmessage'), not by their names.
  return channel.isPrivate ? 'privategroup' : channel.name;
}

function buildPayload(deps: RunnerDeps, input: SlashCommandInput, id: string): Record<string, string> {
  const { state } = deps;
  if (!input.command.startsWith('/')) throw new Error(`a slash command starts with '/': got ${input.command}`);
  const userId = input.userId ?? state.defaultUserId;
  const user = state.users.get(userId);
  if (!user) throw new Error(`unknown user ${userId}: add it with addUser first`);
  return {
    token: VERIFICATION_TOKEN,
    team_id: state.identity.teamId,
    team_domain: state.identity.teamDomain,
    channel_id: input.channelId,
    channel_name: channelName(state, input.channelId),
    user_id: user.id,
    user_name: user.name,
    command: input.command,
    text: input.text ?? '',
    api_app_id: state.appId,
    is_enterprise_install: 'false',
    response_url: deps.responseUrls.create(id),
    trigger_id: `${Date.now()}.${randomBytes(4).readUInt32BE()}.${randomBytes(16).toString('hex')}`,
  };
}

/** The HTTP answer as Slack reads it: JSON when it says so, any other text as the message text. */
function ackFromHttp(status: number, contentType: string | undefined, raw: string): AckBody | undefined {
  if (status !== 200 || raw.trim() === '') return undefined;
  if ((contentType ?? '').includes('json')) {
    try {
      const parsed: unknown = JSON.parse(raw);
      if (typeof parsed === 'object' && parsed !== null) return parsed as AckBody;
    } catch {
      // Slack shows unparseable JSON as text, like any other body.
    }
  }
  return { text: raw };
}

function postSigned(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<Delivery> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, {
      method: 'POST',
      agent: false,
      headers: {
        ...headers,
        'Content-Type': 'application/x-www-form-urlencoded',
        'Content-Length': String(Buffer.byteLength(body)),
        'User-Agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
      },
    });
    const timer = setTimeout(() => {
      request.destroy();
      reject(new Error(`the bot at ${url} did not answer the slash command within ${timeoutMs} ms`));
    }, timeoutMs);
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        clearTimeout(timer);
        const status = response.statusCode ?? 0;
        const rawAck = Buffer.concat(chunks).toString('utf8');
        resolve({ status, rawAck, ack: ackFromHttp(status, response.headers['content-type'], rawAck) });
      });
    });
    request.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`could not deliver the slash command to ${url}: ${error.message}`));
    });
    request.end(body);
  });
}

async function deliver(deps: RunnerDeps, input: SlashCommandInput, payload: Record<string, string>, timeoutMs: number): Promise<Delivery> {
  if (input.mode === 'http') {
    if (!input.url) throw new Error("runSlashCommand({ mode: 'http' }) needs the bot's request URL in `url`");
    const body = new URLSearchParams(payload).toString();
    const headers = signatureHeaders(deps.state.identity.signingSecret, body, input.signature);
    return postSigned(input.url, body, headers, timeoutMs);
  }
  if (input.signature !== undefined && input.signature !== 'valid') {
    throw new Error('Socket Mode envelopes are not signed: `signature` only applies to HTTP mode');
  }
  const ack = await deps.socketMode.deliver('slash_commands', payload, timeoutMs);
  return { status: 200, rawAck: JSON.stringify(ack), ack: Object.keys(ack).length > 0 ? (ack as AckBody) : undefined };
}

function describe(result: SlashCommandResult): string {
  const ack = result.ack ? JSON.stringify(result.ack) : 'no body';
  const responses = result.responses.map((r) => `${r.status}${r.error ? ` ${r.error}` : ''} ${JSON.stringify(r.payload)}`);
  return `ack: status ${result.status} after ${result.ackMs} ms with ${ack}; response_url posts: ${responses.length === 0 ? 'none' : responses.join('; ')}`;
}

export async function runSlashCommand(deps: RunnerDeps, input: SlashCommandInput): Promise<SlashCommandResult> {
  const id = randomBytes(8).toString('hex');
  const payload = buildPayload(deps, input, id);
  const started = Date.now();
  const delivery = await deliver(deps, input, payload, input.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const ackMs = Date.now() - started;
  const responses = () => deps.responseUrls.records(id);

  const result: SlashCommandResult = {
    id,
    mode: input.mode,
    payload,
    status: delivery.status,
    ackMs,
    timedOut: ackMs > deps.ackDeadlineMs,
    rawAck: delivery.rawAck,
    ack: delivery.ack,
    get responses(): ReadonlyArray<ResponseRecord> {
      return responses();
    },
    waitForResponses(count, timeoutMs = DEFAULT_RESPONSE_WAIT_MS) {
      return waitFor(deps.state.changes, 'response', () => (responses().length >= count ? responses() : undefined), timeoutMs, () =>
        new Error(`${input.command}: expected ${count} response_url post(s) within ${timeoutMs} ms, got ${responses().length} (${describe(result)})`),
      );
    },
    visibleText() {
      const ackShown = delivery.ack && delivery.status === 200 && !result.timedOut ? [delivery.ack] : [];
      return visibleMessages([...ackShown, ...responses().filter((r) => r.status === 200)]).join('\n');
    },
  };
  return result;
}
