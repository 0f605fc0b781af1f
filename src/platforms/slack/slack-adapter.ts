/**
 * The Slack adapter: a Bolt app in Socket Mode (SLACK_APP_TOKEN: no public URL needed) or HTTP mode
 * (SLACK_SIGNING_SECRET: Slack POSTs to /slack/events on HERALD_HTTP_PORT, and Bolt refuses a bad or stale
 * signature with 401), the Web API at SLACK_API_URL. It answers the slash commands and offers a MessageSender
 * for the delivery worker. Only this folder imports @slack/bolt.
 */
import { App, LogLevel, webApi } from '@slack/bolt';
import type { Logger as BoltLogger } from '@slack/bolt';
import type { CommandGroupDefinition } from '../../commands/definition.ts';
import { HeraldError, messageOf } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import type { SubscriptionService } from '../../services/subscription-service.ts';
import { handleSlashCommand } from './handle-slash-command.ts';
import { SLACK_EVENTS_PATH } from './manifest.ts';
import { SlackAdmins } from './slack-admins.ts';
import { SlackSender } from './slack-sender.ts';

export const DEFAULT_SLACK_API_URL = 'https://slack.com/api/';
export const DEFAULT_HTTP_PORT = 3000;

export interface SlackAdapterOptions {
  readonly botToken: string;
  /** Socket Mode when set. */
  readonly appToken?: string;
  /** HTTP mode when set (and no app token). */
  readonly signingSecret?: string;
  readonly apiUrl?: string;
  readonly httpPort?: number;
  /** Members who may manage subscriptions besides the workspace's admins and owners (config: slack.admins). */
  readonly admins: readonly string[];
  readonly groups: readonly CommandGroupDefinition[];
  readonly subscriptions: SubscriptionService;
  readonly log: Logger;
}

export type SlackConnection = { readonly mode: 'socket' } | { readonly mode: 'http'; readonly port: number };

/** Calls made while a person waits get a short retry budget; the outbox owns retries of posts. */
const COMMAND_CLIENT_RETRIES = { retries: 2, factor: 2, minTimeout: 250, maxTimeout: 1_000 };
const REQUEST_TIMEOUT_MS = 10_000;

export class SlackAdapter {
  readonly sender: SlackSender;
  readonly mode: 'socket' | 'http';
  private readonly app: App;

  constructor(private readonly options: SlackAdapterOptions) {
    const log = options.log;
    const slackApiUrl = options.apiUrl ?? DEFAULT_SLACK_API_URL;
    const logger = boltLogger(log);
    const clientOptions = { slackApiUrl, retryConfig: COMMAND_CLIENT_RETRIES, timeout: REQUEST_TIMEOUT_MS, logger };
    this.mode = options.appToken !== undefined ? 'socket' : 'http';
    if (this.mode === 'socket' && options.signingSecret !== undefined) log.info('SLACK_APP_TOKEN and SLACK_SIGNING_SECRET are both set: using Socket Mode');
    this.app =
      this.mode === 'socket'
        ? new App({ token: options.botToken, appToken: options.appToken, socketMode: true, clientOptions, logger, deferInitialization: true })
        : new App({ token: options.botToken, signingSecret: options.signingSecret, endpoints: SLACK_EVENTS_PATH, clientOptions, logger, deferInitialization: true });
    this.sender = new SlackSender(new webApi.WebClient(options.botToken, { ...clientOptions, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true }));

    const admins = new SlackAdmins(this.app.client, options.admins);
    for (const group of options.groups) {
      this.app.command(`/${group.name}`, async ({ command, ack, respond }) => {
        await handleSlashCommand(
          command,
          { ack: (answer) => ack(answer), respond: async (answer) => void (await respond(answer)) },
          { groups: options.groups, subscriptions: options.subscriptions, canManage: (team, user) => admins.canManage(team, user), log },
        );
      });
    }
    this.app.error(async (error) => log.error('Slack app error', { error: messageOf(error) }));
  }

  /** Checks the bot token (auth.test), then connects (Socket Mode) or listens (HTTP mode). */
  async start(): Promise<SlackConnection> {
    const { options } = this;
    const { log } = options;
    try {
      await this.app.init();
    } catch (error) {
      throw startError(error, 'SLACK_BOT_TOKEN', options.apiUrl);
    }
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
    const wanted = options.httpPort ?? DEFAULT_HTTP_PORT;
    const server = (await this.app.start(wanted).catch((error: unknown) => {
      throw new HeraldError('slack-listen', `could not listen on port ${wanted}: ${messageOf(error)}`, {
        cause: error,
        userMessage: `Herald could not listen for Slack on port ${wanted} (HERALD_HTTP_PORT): ${messageOf(error)}`,
      });
    })) as { address(): { port: number } };
    const { port } = server.address();
    log.info('Slack listening', { mode: 'http', port, path: SLACK_EVENTS_PATH });
    return { mode: 'http', port };
  }

  async stop(): Promise<void> {
    await this.app.stop();
  }
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
