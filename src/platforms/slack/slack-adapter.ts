/**
 * The Slack adapter: a Bolt app in Socket Mode (SLACK_APP_TOKEN: no public URL needed) or HTTP mode
 * (SLACK_SIGNING_SECRET: Slack POSTs to /slack/events, and Bolt refuses a bad or stale signature with 401), the
 * Web API at SLACK_API_URL. It answers the slash commands; createSlackSender makes the delivery worker's sender.
 * In HTTP mode it never listens itself: `httpListener` is mounted on Herald's HTTP server (HERALD_HTTP_PORT) at
 * SLACK_EVENTS_PATH. Only this folder imports @slack/bolt.
 */
import { App, HTTPReceiver, LogLevel, SocketModeReceiver, webApi } from '@slack/bolt';
import type { Logger as BoltLogger } from '@slack/bolt';
import type { CommandGroupDefinition } from '../../commands/definition.ts';
import { HeraldError, messageOf } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import type { SubscriptionService } from '../../services/subscription-service.ts';
import type { WorkspaceRules } from '../../services/workspace-rules.ts';
import { SlackUserGroups } from './slack-user-groups.ts';
import { handleSlashCommand } from './handle-slash-command.ts';
import { SLACK_EVENTS_PATH } from './manifest.ts';
import { SlackAdmins } from './slack-admins.ts';
import type { Cache } from '../../store/cache.ts';
import { SlackSender } from './slack-sender.ts';

export const DEFAULT_SLACK_API_URL = 'https://slack.com/api/';

export interface SlackAdapterOptions {
  readonly botToken: string;
  /** Socket Mode when set. */
  readonly appToken?: string;
  /** HTTP mode when set (and no app token). */
  readonly signingSecret?: string;
  readonly apiUrl?: string;
  /** Members who may manage subscriptions besides the workspace's admins and owners (config: slack.admins). */
  readonly admins: readonly string[];
  readonly groups: readonly CommandGroupDefinition[];
  readonly subscriptions: SubscriptionService;
  readonly workspaceRules: WorkspaceRules;
  /** Where admin checks are remembered for a minute. */
  readonly cache: Cache;
  readonly log: Logger;
}

export interface SlackConnection {
  readonly mode: 'socket' | 'http';
}

/** Calls made while a person waits get a short retry budget; the outbox owns retries of posts. */
const COMMAND_CLIENT_RETRIES = { retries: 2, factor: 2, minTimeout: 250, maxTimeout: 1_000 };
const REQUEST_TIMEOUT_MS = 10_000;

/**
 * The Web API client that posts deliveries (the delivery role needs no Bolt app): no retries of its own and
 * rate-limited calls rejected, because the outbox owns retries and waits.
 */
export function createSlackSender(options: Pick<SlackAdapterOptions, 'botToken' | 'apiUrl' | 'log'>): SlackSender {
  const clientOptions = { slackApiUrl: options.apiUrl ?? DEFAULT_SLACK_API_URL, timeout: REQUEST_TIMEOUT_MS, logger: boltLogger(options.log) };
  return new SlackSender(new webApi.WebClient(options.botToken, { ...clientOptions, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true }));
}

export class SlackAdapter {
  readonly mode: 'socket' | 'http';
  /** HTTP mode: serves signed requests (signature check, url_verification, slash commands and their ack) at SLACK_EVENTS_PATH. */
  readonly httpListener?: RequestListener;
  private readonly app: App;
  /** Socket Mode: whose WebSocket tells whether Slack is connected. */
  private readonly socketReceiver?: SocketModeReceiver;
  private initialized = false;

  constructor(private readonly options: SlackAdapterOptions) {
    const log = options.log;
    const slackApiUrl = options.apiUrl ?? DEFAULT_SLACK_API_URL;
    const logger = boltLogger(log);
    const clientOptions = { slackApiUrl, retryConfig: COMMAND_CLIENT_RETRIES, timeout: REQUEST_TIMEOUT_MS, logger };
    this.mode = options.appToken !== undefined ? 'socket' : 'http';
    if (this.mode === 'socket' && options.signingSecret !== undefined) log.info('SLACK_APP_TOKEN and SLACK_SIGNING_SECRET are both set: using Socket Mode');
    if (this.mode === 'socket') {
      // The receiver Bolt would build for socketMode: true, kept so isConnected() can see its WebSocket.
      this.socketReceiver = new SocketModeReceiver({ appToken: options.appToken!, logger, installerOptions: { clientOptions } });
      this.app = new App({ token: options.botToken, receiver: this.socketReceiver, socketMode: true, clientOptions, logger, deferInitialization: true });
    } else {
      // The App hands itself to the receiver (receiver.init) in its constructor, which is all requestListener needs:
      // the receiver's own start() would only open a server of its own.
      const receiver = new HTTPReceiver({ signingSecret: options.signingSecret ?? '', endpoints: SLACK_EVENTS_PATH, logger });
      this.app = new App({ token: options.botToken, receiver, clientOptions, logger, deferInitialization: true });
      this.httpListener = onlyPost(refusingFutureRequests(receiver.requestListener, log));
    }

    const admins = new SlackAdmins(this.app.client, options.admins, options.cache);
    const userGroups = new SlackUserGroups(this.app.client);
    for (const group of options.groups) {
      this.app.command(`/${group.name}`, async ({ command, ack, respond }) => {
        await handleSlashCommand(
          command,
          {
            ack: (answer) => ack(answer),
            respond: async (answer) => void (await respond(answer)),
            upload: async (file) => {
              await this.app.client.filesUploadV2({ channel_id: command.channel_id, file: Buffer.from(file.content, 'utf8'), filename: file.filename, title: file.filename });
            },
          },
          { groups: options.groups, subscriptions: options.subscriptions, workspaceRules: options.workspaceRules, roles: userGroups, canManage: (team, user) => admins.canManage(team, user), log },
        );
      });
    }
    this.app.error(async (error) => log.error('Slack app error', { error: messageOf(error) }));
  }

  /** Checks the bot token (auth.test), then connects (Socket Mode); in HTTP mode `httpListener` serves from then on. */
  async start(): Promise<SlackConnection> {
    const { options } = this;
    const { log } = options;
    try {
      await this.app.init();
    } catch (error) {
      throw startError(error, 'SLACK_BOT_TOKEN', options.apiUrl);
    }
    this.initialized = true;
    if (this.mode === 'socket') {
      try {
        await this.app.start();
      } catch (error) {
        await this.app.stop().catch(() => undefined);
        throw startError(error, 'SLACK_APP_TOKEN', options.apiUrl);
      }
      log.info('Slack connected', { mode: 'socket' });
      return { mode: 'socket' };
    }
    log.info('Slack ready', { mode: 'http', path: SLACK_EVENTS_PATH });
    return { mode: 'http' };
  }

  /** For readiness: Socket Mode's WebSocket is open; HTTP mode has checked its token (requests then come to us). */
  isConnected(): boolean {
    if (this.socketReceiver === undefined) return this.initialized;
    return this.socketReceiver.client.websocket?.readyState === WEBSOCKET_OPEN;
  }

  async stop(): Promise<void> {
    this.initialized = false;
    // In HTTP mode nothing of Bolt's listens; Herald's HTTP server stops serving httpListener.
    if (this.mode === 'socket') await this.app.stop();
  }
}

/** Slack's window for a request's timestamp, either way. */
const REQUEST_WINDOW_SECONDS = 5 * 60;

/**
 * Bolt refuses a request timestamped over five minutes ago but not one timestamped ahead, which a captured
 * request replayed later would need: refuse that too, with the same 401.
 */
function refusingFutureRequests(listener: RequestListener, log: Logger): RequestListener {
  return (request, response) => {
    const timestamp = Number(request.headers['x-slack-request-timestamp']);
    if (Number.isFinite(timestamp) && timestamp > Date.now() / 1000 + REQUEST_WINDOW_SECONDS) {
      log.warn('refused a Slack request timestamped in the future; check this server\'s clock if Slack itself sent it', { path: request.url?.split('?')[0] });
      response.writeHead(401, { 'Content-Type': 'text/plain; charset=utf-8' });
      response.end('request timestamp is in the future\n');
      return;
    }
    listener(request, response);
  };
}

/** WebSocket.OPEN: SlackWebSocket reports the readyState of its undici WebSocket. */
const WEBSOCKET_OPEN = 1;

/** Node's http request listener, as Bolt's receiver offers it. */
type RequestListener = HTTPReceiver['requestListener'];

/**
 * Bolt's receiver serves only POST at its endpoint and throws for anything else (its own server would turn that into
 * a 404); answer other methods with 405 instead.
 */
function onlyPost(listener: RequestListener): RequestListener {
  return (request, response) => {
    if (request.method === 'POST') {
      listener(request, response);
      return;
    }
    response.writeHead(405, { Allow: 'POST', 'Content-Type': 'text/plain; charset=utf-8' });
    response.end('method not allowed\n');
  };
}

function startError(error: unknown, variable: 'SLACK_BOT_TOKEN' | 'SLACK_APP_TOKEN', apiUrl: string | undefined): HeraldError {
  const slackError = (error as { data?: { error?: string } }).data?.error ?? (error as { original?: { data?: { error?: string } } }).original?.data?.error;
  const refused = slackError !== undefined && ['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'not_allowed_token_type', 'invalid_token'].includes(slackError);
  const where = apiUrl === undefined ? 'Slack' : `Slack at ${apiUrl} (SLACK_API_URL)`;
  const advice =
    variable === 'SLACK_BOT_TOKEN'
      ? 'Copy the Bot User OAuth Token (xoxb-…) again from the app\'s "OAuth & Permissions" page into .env.'
      : 'Create an app-level token with the connections:write scope ("Basic Information", App-Level Tokens) and put it (xapp-…) in .env.';
  return new HeraldError('slack-start', `Slack start failed (${variable}) via ${apiUrl ?? DEFAULT_SLACK_API_URL}: ${messageOf(error)}`, {
    cause: error,
    userMessage: refused ? `Slack refused ${variable} (${slackError}). ${advice}` : `Could not reach ${where}: ${messageOf(error)}`,
  });
}

/** Bolt's chatter goes to Herald's log: its info is our debug, so a healthy start stays quiet. */
function boltLogger(log: Logger): BoltLogger {
  const child = log.child({ module: 'bolt' });
  const text = (parts: unknown[]) => parts.map((part) => (typeof part === 'string' || part instanceof Error ? messageOf(part) : JSON.stringify(part))).join(' ');
  let level = LogLevel.INFO;
  return {
    debug: (...parts: unknown[]) => child.debug(text(parts)),
    info: (...parts: unknown[]) => child.debug(text(parts)),
    warn: (...parts: unknown[]) => child.warn(text(parts)),
    error: (...parts: unknown[]) => child.error(text(parts)),
    setLevel: (next: LogLevel) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}
