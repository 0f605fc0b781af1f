/**
 * The test-facing shapes of the Discord emulator: what tests pass in (guilds, commands to run) and
 * what they read back (accepted posts, interaction answers, the request log).
 */
import type { FaultSchedule } from './faults.ts';

export type ChannelAccess = 'ok' | 'missing' | 'forbidden' | 'hidden';

export interface GuildInput {
  id: string;
  name: string;
  channels: ReadonlyArray<{ id: string; name: string; type?: number }>;
  /** Extra roles (beside @everyone and the bot's role), e.g. to pass as a ROLE option. */
  roles?: ReadonlyArray<{ id: string; name: string }>;
}

export type OptionInput =
  | string
  | number
  | boolean
  | { channelId: string }
  | { userId: string; name?: string }
  | { roleId: string }
  /**
   * A role id the guild does not have, as a member whose client still listed it sends it: `staleName` resolves it
   * under that name (the client's copy of a role deleted since); without it the id arrives unresolved.
   */
  | { missingRoleId: string; staleName?: string };

export interface CommandInput {
  guildId: string;
  channelId: string;
  user?: { id: string; name?: string };
  /** The member's permissions as a bitfield (bigint or decimal string); defaults to the @everyone role's. */
  permissions?: bigint | string;
  name: string;
  subcommandGroup?: string;
  subcommand?: string;
  options?: Record<string, OptionInput>;
  locale?: string;
  /** How long to wait for the bot's final answer (after a deferral: its edit); default 10 s. */
  timeoutMs?: number;
}

export interface AutocompleteInput extends CommandInput {
  /** The name of the option the user is typing in; its value comes from `options` (default ''). */
  focused: string;
}

/** A message the emulator accepted on POST /channels/{id}/messages (a guild channel or a DM channel). */
export interface PostedMessage {
  readonly id: string;
  readonly channelId: string;
  readonly authorId: string;
  readonly timestamp: string;
  readonly content: string;
  readonly embeds: ReadonlyArray<Record<string, unknown>>;
  readonly allowed_mentions?: Record<string, unknown>;
  readonly nonce?: string | number;
  readonly enforce_nonce?: boolean;
  readonly flags: number;
  readonly components: ReadonlyArray<unknown>;
  /** The request body exactly as the bot sent it. */
  readonly payload: Record<string, unknown>;
}

/** What the invoking user finally sees in answer to a slash command. */
export interface InteractionReply {
  readonly interactionId: string;
  /** The first callback's type: 4 (reply) or 5 (deferred, then edited). */
  readonly type: number;
  readonly ephemeral: boolean;
  readonly flags: number;
  readonly content: string;
  readonly embeds: ReadonlyArray<Record<string, unknown>>;
  readonly allowed_mentions?: Record<string, unknown>;
  readonly components: ReadonlyArray<unknown>;
  /** Files the bot uploaded with the response; `shown` when the message lists it as an attachment. */
  readonly attachments: ReadonlyArray<{ filename: string; contentType: string; size: number; text: string; shown: boolean }>;
}

export interface AutocompleteChoice {
  name: string;
  value: string | number;
}

/** Everything the bot did with one interaction, in order. */
export interface InteractionLog {
  readonly id: string;
  readonly kind: 'command' | 'autocomplete';
  readonly acknowledged: boolean;
  readonly callback?: { type: number; data?: Record<string, unknown> };
  /** The original response as it stands now (after edits); absent until acknowledged with a message. */
  readonly original?: Readonly<Record<string, unknown>>;
  readonly followUps: ReadonlyArray<Readonly<Record<string, unknown>>>;
  /** Callbacks the emulator refused (e.g. an over-long reply), with the error it returned. */
  readonly refused: ReadonlyArray<{ status: number; body: unknown }>;
}

export interface RequestRecord {
  readonly method: string;
  /** The route below /api/v10, decoded, as discord.js's `Routes` spells it (e.g. /channels/1/messages). */
  readonly path: string;
  readonly status: number;
}

/** An identified gateway session on an open connection. */
export interface ConnectedShard {
  readonly shardId: number;
  readonly shardCount: number;
  readonly sessionId: string;
}

/**
 * A moment a second open connection came to hold a [shardId, shardCount] another open one held.
 * Discord allows it and sends both sessions the shard's events, so a bot handles each event twice.
 */
export interface ShardConflict {
  readonly shardId: number;
  readonly shardCount: number;
  /** Date.now() of the IDENTIFY or RESUME that made the second holder. */
  readonly at: number;
}

/** Bot-authenticated requests that count toward the global limit (interaction endpoints do not). */
export interface RequestRate {
  /** Every such request that arrived, including those answered 429. */
  readonly total: number;
  /**
   * The most of them arriving within any 1-second sliding window. A client pacing itself with fixed
   * 1-second windows, as discord.js does, can show up to about twice its limit here without a refusal.
   */
  readonly maxInAnySecond: number;
  /** How many the global limit refused (not counting 429s injected with rateLimitNext). */
  readonly globalLimited: number;
}

export interface EmulatorOptions {
  token?: string;
  /** Per-route bucket applied to every REST route; default 5 requests per 1000 ms. */
  routeLimit?: { limit: number; windowMs: number };
  /** Bot-authenticated requests per second across routes and connections (interaction routes excluded); default 50. */
  globalLimitPerSecond?: number;
  /** Deadline for the first interaction callback; default 3000 ms as on Discord. */
  interactionDeadlineMs?: number;
  /** heartbeat_interval sent in HELLO; default 41250 ms. */
  heartbeatIntervalMs?: number;
  /** Privileged intents the application has enabled (GUILD_MEMBERS 1<<1, GUILD_PRESENCES 1<<8, MESSAGE_CONTENT 1<<15); default none. */
  privilegedIntents?: number;
  /** Recommended shard count from GET /gateway/bot; default 1. */
  shards?: number;
  /** 401/403/429 answers per 10 minutes before Cloudflare bans the client; default 10,000 as on Discord. */
  invalidRequestLimit?: number;
}

export interface DiscordEmulator {
  readonly apiBase: string;
  readonly token: string;
  readonly applicationId: string;
  readonly botUserId: string;
  /**
   * The bot joins a guild (GUILD_CREATE is dispatched), or, for a guild it is in, the channels not in it yet are made
   * (CHANNEL_CREATE for each); channels already there keep their state.
   */
  addGuild(guild: GuildInput): void;
  /** The bot is removed from a guild: GUILD_DELETE is dispatched and its channels answer 403/50001. */
  removeGuild(guildId: string): void;
  /** A member deletes one of the guild's extra roles: GET /guilds/{id}/roles no longer lists it; GUILD_ROLE_DELETE is dispatched. */
  deleteRole(guildId: string, roleId: string): void;
  /** 'missing': deleted (404/10003); 'forbidden': visible, no SEND_MESSAGES (403/50013); 'hidden': no VIEW_CHANNEL (403/50001). */
  setChannelAccess(channelId: string, access: ChannelAccess): void;
  runCommand(input: CommandInput): Promise<InteractionReply>;
  autocomplete(input: AutocompleteInput): Promise<AutocompleteChoice[]>;
  interaction(id: string): InteractionLog | undefined;
  messages(channelId?: string): ReadonlyArray<PostedMessage>;
  waitForMessages(channelId: string, count: number, timeoutMs?: number): Promise<ReadonlyArray<PostedMessage>>;
  /** What the bot posted in its DM channel with this user (opened with POST /users/@me/channels). */
  directMessages(userId: string): ReadonlyArray<PostedMessage>;
  waitForDirectMessages(userId: string, count: number, timeoutMs?: number): Promise<ReadonlyArray<PostedMessage>>;
  /** The user shares no server with the bot or turned DMs off: posts to their DM channel get 403/50007. */
  closeDirectMessages(userId: string): void;
  /** The next request whose `METHOD /path` contains the string (or matches the RegExp) gets a 429. */
  rateLimitNext(routeMatcher: string | RegExp, retryAfterSeconds: number, options?: { global?: boolean }): void;
  /** The bot token is reset: every request with it gets 401 until restoreToken() (the gateway stays connected). */
  resetToken(): void;
  restoreToken(): void;
  /** Archives a thread channel (type 11 or 12): posts to it get 400/50083; a locked one the bot cannot unarchive (403/50013). */
  archiveThread(channelId: string, options?: { locked?: boolean }): void;
  /** A thread's archived and locked flags, once archiveThread was called for it. */
  threadState(channelId: string): { readonly archived: boolean; readonly locked: boolean } | undefined;
  /** Drops every gateway connection with the close code (default 4000, resumable); sessions stay resumable unless 1000/1001. */
  dropConnections(code?: number): void;
  readonly registeredCommands: { global: unknown[]; guild: Record<string, unknown[]> };
  readonly connectedClients: number;
  connectedShards(): ReadonlyArray<ConnectedShard>;
  /** Every time two open connections came to hold one shard; tests of a cluster expect none. */
  shardConflicts(): ReadonlyArray<ShardConflict>;
  /** Resolves with connectedShards() once `count` distinct [shardId, shardCount] pairs are connected; default 5 s. */
  waitForShards(count: number, timeoutMs?: number): Promise<ReadonlyArray<ConnectedShard>>;
  requestRate(): RequestRate;
  /** Faults a test schedules (429s, 5xx, hangs, dropped connections, lost channels), and what fired. */
  readonly faults: FaultSchedule;
  /** Requests refused by a Cloudflare ban (past the invalid request limit). */
  bannedRequests(): number;
  readonly requests: ReadonlyArray<RequestRecord>;
  close(): Promise<void>;
}
