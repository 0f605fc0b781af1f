/**
 * The test-facing shapes of the Slack emulator: what tests pass in (channels, users, slash commands to
 * run) and what they read back (accepted posts, Web API calls, acknowledgements, response_url posts).
 */
import type { SharedFile } from './file-uploads.ts';
import type { SlackFaultSchedule } from './faults.ts';
import type { BotTokenRefusal } from './token-revocation.ts';

export interface ChannelInput {
  id: string;
  name: string;
  isPrivate?: boolean;
  archived?: boolean;
  /** Default true: the bot was invited. */
  botIsMember?: boolean;
}

export interface ChannelUpdate {
  name?: string;
  archived?: boolean;
  /** A deleted channel answers `channel_not_found`, as on Slack. */
  deleted?: boolean;
  botIsMember?: boolean;
}

export interface UserInput {
  id: string;
  name: string;
  realName?: string;
  isAdmin?: boolean;
  isOwner?: boolean;
  isBot?: boolean;
  deleted?: boolean;
}

/** One Web API request as the emulator saw it, with its answer. */
export interface ApiCall {
  readonly method: string;
  /** The body (and query) parsed: form values are strings, JSON values keep their types. */
  readonly params: Readonly<Record<string, unknown>>;
  readonly token: string | undefined;
  /** 200, or 429 when rate limited. */
  readonly status: number;
  readonly ok: boolean;
  readonly error?: string;
}

/** A chat.postMessage the emulator accepted, with nested values parsed. */
export interface PostedMessage {
  readonly ts: string;
  /** The conversation the message landed in (a D... id for a DM to a user). */
  readonly channel: string;
  /** The `channel` parameter as the bot sent it (a user id for a DM). */
  readonly requestedChannel: string;
  readonly text?: string;
  readonly blocks?: ReadonlyArray<Record<string, unknown>>;
  readonly attachments?: ReadonlyArray<Record<string, unknown>>;
  readonly unfurl_links?: boolean;
  readonly unfurl_media?: boolean;
  readonly mrkdwn?: boolean;
  readonly thread_ts?: string;
  readonly username?: string;
  readonly icon_url?: string;
  readonly icon_emoji?: string;
  /** Message metadata as chat.postMessage took it. */
  readonly metadata?: { readonly event_type: string; readonly event_payload: Readonly<Record<string, unknown>> };
  /** Every parameter as parsed, including the ones above. */
  readonly params: Readonly<Record<string, unknown>>;
}

export type SignatureMode = 'valid' | 'forged' | 'stale' | 'future';

export interface SlashCommandInput {
  /** 'http': a signed form POST to `url`; 'socket': an envelope on one open Socket Mode connection, picked at random. */
  mode: 'http' | 'socket';
  /** The bot's request URL (HTTP mode), e.g. http://127.0.0.1:PORT/slack/events. */
  url?: string;
  /** With the slash, e.g. '/feed'. */
  command: string;
  text?: string;
  /** A channel added with addChannel (or a D... DM id). */
  channelId: string;
  /** Default: the emulator's default user (`defaultUserId`). */
  userId?: string;
  /** HTTP mode: 'forged' signs with a wrong secret, 'stale' with a timestamp 10 minutes old, 'future' 10 minutes ahead. */
  signature?: SignatureMode;
  /** How long to wait for the acknowledgement before rejecting; default 20 s. */
  timeoutMs?: number;
}

/** Whatever the bot answered in the acknowledgement (HTTP response body or the socket ack's payload). */
export interface AckBody {
  readonly text?: string;
  readonly blocks?: ReadonlyArray<Record<string, unknown>>;
  readonly response_type?: string;
  readonly [key: string]: unknown;
}

/** One POST the bot made to a command's response_url. */
export interface ResponseRecord {
  /** 200 when accepted; 4xx (with `error`) when Slack would refuse it. */
  readonly status: number;
  readonly error?: string;
  /** Milliseconds after the command was sent. */
  readonly afterMs: number;
  readonly text?: string;
  readonly blocks?: ReadonlyArray<Record<string, unknown>>;
  readonly response_type?: string;
  readonly replace_original?: boolean;
  readonly delete_original?: boolean;
  /** The body exactly as parsed. */
  readonly payload: Readonly<Record<string, unknown>>;
}

export interface SlashCommandResult {
  readonly id: string;
  readonly mode: 'http' | 'socket';
  /** The fields Slack sent (the form body; the same object in the socket envelope). */
  readonly payload: Readonly<Record<string, string>>;
  /** HTTP status of the bot's answer; 200 for a socket ack. */
  readonly status: number;
  readonly ackMs: number;
  /** Acknowledged after 3000 ms (`ackDeadlineMs`): Slack has already shown the user an error and ignores the ack body. */
  readonly timedOut: boolean;
  /** Raw response body text (HTTP mode). */
  readonly rawAck: string;
  readonly ack: AckBody | undefined;
  /** Live: grows as the bot posts to the response_url. */
  readonly responses: ReadonlyArray<ResponseRecord>;
  waitForResponses(count: number, timeoutMs?: number): Promise<ReadonlyArray<ResponseRecord>>;
  /**
   * What the user sees now, one message per line: the ack (when in time and 2xx), then each accepted
   * response (replace_original replaces the previous message, delete_original removes it). A message
   * with blocks shows their text; otherwise its `text`.
   */
  visibleText(): string;
}

export interface SocketRecord {
  readonly id: number;
  readonly openedAt: number;
  readonly closedAt?: number;
  /** 1000 after a proper close handshake; 1006 when the TCP connection just went away. */
  readonly closeCode?: number;
  readonly closedBy?: 'client' | 'emulator';
  /** Envelopes (slash commands...) the emulator sent on this connection. */
  readonly envelopes: number;
  /** Set when the emulator turned the connection away: an app may hold 10 at once. */
  readonly refused?: 'too_many_websockets';
}

export interface EmulatorOptions {
  botToken?: string;
  appToken?: string;
  signingSecret?: string;
  teamId?: string;
  teamDomain?: string;
  /** The bot token's scopes; a method needing another answers `missing_scope`. Default: chat:write, chat:write.public, commands, users:read, channels:read, groups:read. */
  scopes?: ReadonlyArray<string>;
  /** An acknowledgement slower than this is `timedOut` (Slack has shown the user an error); default 3000 ms as on Slack. */
  ackDeadlineMs?: number;
  /** Server pings on each Socket Mode connection; default 5000 ms (the client gives up after 30 s without one). */
  pingIntervalMs?: number;
  /**
   * Picks which open Socket Mode connection gets each envelope, as Slack picks one at random; returns
   * a number in [0, 1). Default Math.random; pass a sequence to make a test deterministic.
   */
  socketRandom?: () => number;
  /** Slack's rate limits: method tiers per minute and about one chat.postMessage per second per channel; default on. */
  rateTiers?: boolean;
}

export interface SlackEmulator {
  /** http://127.0.0.1:PORT/api/ — Bolt's `clientOptions.slackApiUrl`. */
  readonly apiUrl: string;
  readonly botToken: string;
  readonly appToken: string;
  readonly signingSecret: string;
  readonly teamId: string;
  readonly appId: string;
  readonly botUserId: string;
  readonly botId: string;
  /** A human user present from the start, who runs slash commands unless told otherwise. */
  readonly defaultUserId: string;
  addChannel(channel: ChannelInput): void;
  updateChannel(id: string, update: ChannelUpdate): void;
  addUser(user: UserInput): void;
  /** A user group (subteam) people can mention as @handle; returns its id (S…). */
  addUserGroup(group: { handle: string; name?: string }): string;
  /** Disables a user group, Slack's way of deleting one: usergroups.list leaves it out unless include_disabled. */
  disableUserGroup(id: string): void;
  messages(channelId: string): ReadonlyArray<PostedMessage>;
  waitForMessages(channelId: string, count: number, timeoutMs?: number): Promise<ReadonlyArray<PostedMessage>>;
  /** Files the bot shared in the channel (files.completeUploadExternal), with their bytes. */
  files(channelId: string): ReadonlyArray<SharedFile>;
  waitForFiles(channelId: string, count: number, timeoutMs?: number): Promise<ReadonlyArray<SharedFile>>;
  calls(method?: string): ReadonlyArray<ApiCall>;
  /** Resolves once `method` has been called `count` times (Bolt's start-up auth.test is not awaited by app.start()). */
  waitForCalls(method: string, count: number, timeoutMs?: number): Promise<ReadonlyArray<ApiCall>>;
  /** Slack stops taking the bot token: every call with it answers `ok: false` and this error until restoreBotToken(). */
  revokeBotToken(refusal?: BotTokenRefusal): void;
  restoreBotToken(): void;
  /** The next call of `method` gets HTTP 429 with Retry-After. */
  rateLimitNext(method: string, retryAfterSeconds: number): void;
  /** Faults a test schedules (429s, 5xx, hangs, dropped connections, lost channels), and what fired. */
  readonly faults: SlackFaultSchedule;
  runSlashCommand(input: SlashCommandInput): Promise<SlashCommandResult>;
  /** Open Socket Mode connections that said hello (at most 10: an 11th is refused with too_many_websockets). */
  socketConnections(): number;
  waitForSocketConnection(timeoutMs?: number): Promise<void>;
  waitForSocketConnections(count: number, timeoutMs?: number): Promise<void>;
  socketLog(): ReadonlyArray<SocketRecord>;
  /** Sends `{type:'disconnect', reason}` to every connection, as Slack does before recycling one. */
  disconnectSockets(reason?: string): void;
  close(): Promise<void>;
}
