/**
 * The emulator's world: guilds, channels and their access, direct-message channels and who closed
 * theirs, accepted messages with their nonces, registered commands and snowflakes. Plain data plus
 * small lookups; it knows no HTTP or WebSocket.
 * `changes` emits 'message' (channelId), 'interaction' (id) and 'shard' (a gateway session took or left
 * its connection) so waiters can wake up.
 */
import { EventEmitter } from 'node:events';
import type { ChannelAccess, GuildInput, PostedMessage } from './types.ts';

const DISCORD_EPOCH = 1_420_070_400_000n;

export const PERMISSIONS = {
  ADMINISTRATOR: 1n << 3n,
  MANAGE_GUILD: 1n << 5n,
  ADD_REACTIONS: 1n << 6n,
  VIEW_CHANNEL: 1n << 10n,
  SEND_MESSAGES: 1n << 11n,
  EMBED_LINKS: 1n << 14n,
  ATTACH_FILES: 1n << 15n,
  READ_MESSAGE_HISTORY: 1n << 16n,
  USE_APPLICATION_COMMANDS: 1n << 31n,
} as const;

export const EVERYONE_PERMISSIONS =
  PERMISSIONS.VIEW_CHANNEL | PERMISSIONS.SEND_MESSAGES | PERMISSIONS.EMBED_LINKS | PERMISSIONS.ADD_REACTIONS |
  PERMISSIONS.READ_MESSAGE_HISTORY | PERMISSIONS.USE_APPLICATION_COMMANDS;
export const BOT_ROLE_PERMISSIONS = EVERYONE_PERMISSIONS | PERMISSIONS.ATTACH_FILES;

/** Channel types a bot cannot post plain messages in (category, forum, media). */
export const NON_TEXT_CHANNEL_TYPES = new Set([4, 15, 16]);

export interface ChannelState {
  id: string;
  guildId: string;
  name: string;
  type: number;
  position: number;
  access: ChannelAccess;
}

/** A DM channel between the bot and one user (channel type 1). */
export interface DmChannelState {
  id: string;
  recipientId: string;
}

export interface GuildState {
  id: string;
  name: string;
  botRoleId: string;
  ownerId: string;
  joinedAt: string;
  member: boolean;
  channelIds: string[];
  roles: Array<{ id: string; name: string }>;
}

export interface StoredCommand extends Record<string, unknown> {
  id: string;
  name: string;
  type: number;
}

export class SnowflakeSource {
  #last = 0n;
  next(): string {
    const now = (BigInt(Date.now()) - DISCORD_EPOCH) << 22n;
    this.#last = now > this.#last ? now : this.#last + 1n;
    return this.#last.toString();
  }
}

export class EmulatorState {
  readonly snowflakes = new SnowflakeSource();
  readonly changes = new EventEmitter();
  readonly applicationId: string;
  readonly botUserId: string;
  readonly botName = 'Herald Test Bot';
  readonly ownerUserId: string;
  readonly guilds = new Map<string, GuildState>();
  readonly channels = new Map<string, ChannelState>();
  readonly dmChannels = new Map<string, DmChannelState>();
  /** Users the bot may not message: no server in common, or DMs from server members turned off. */
  readonly closedDms = new Set<string>();
  readonly posted: PostedMessage[] = [];
  readonly globalCommands: StoredCommand[] = [];
  readonly guildCommands = new Map<string, StoredCommand[]>();
  readonly #nonces = new Map<string, { messageId: string; at: number }>();

  constructor() {
    this.changes.setMaxListeners(0);
    this.applicationId = this.snowflakes.next();
    this.botUserId = this.applicationId;
    this.ownerUserId = this.snowflakes.next();
  }

  addGuild(input: GuildInput): GuildState {
    const existing = this.guilds.get(input.id);
    const guild: GuildState = existing ?? {
      id: input.id,
      name: input.name,
      botRoleId: this.snowflakes.next(),
      ownerId: this.ownerUserId,
      joinedAt: new Date().toISOString(),
      member: true,
      channelIds: [],
      roles: [],
    };
    guild.name = input.name;
    for (const role of input.roles ?? []) if (!guild.roles.some((r) => r.id === role.id)) guild.roles.push({ ...role });
    guild.member = true;
    input.channels.forEach((channel, position) => {
      if (!guild.channelIds.includes(channel.id)) guild.channelIds.push(channel.id);
      const previous = this.channels.get(channel.id);
      this.channels.set(channel.id, {
        id: channel.id,
        guildId: guild.id,
        name: channel.name,
        type: channel.type ?? 0,
        position,
        access: previous?.access ?? 'ok',
      });
    });
    this.guilds.set(guild.id, guild);
    return guild;
  }

  /** The bot's DM channel with a user; Discord hands back the same one on every call. */
  openDm(recipientId: string): DmChannelState {
    const existing = [...this.dmChannels.values()].find((dm) => dm.recipientId === recipientId);
    if (existing) return existing;
    const dm: DmChannelState = { id: this.snowflakes.next(), recipientId };
    this.dmChannels.set(dm.id, dm);
    return dm;
  }

  /** Channels of a guild the bot is in that still exist. */
  liveChannels(guildId: string): ChannelState[] {
    const guild = this.guilds.get(guildId);
    if (!guild) return [];
    return guild.channelIds.map((id) => this.channels.get(id)).filter((c): c is ChannelState => c !== undefined && c.access !== 'missing');
  }

  memberGuilds(): GuildState[] {
    return [...this.guilds.values()].filter((guild) => guild.member);
  }

  /** The bot's permissions in a channel, after the access overwrite. */
  botPermissions(channel: ChannelState): bigint {
    return BOT_ROLE_PERMISSIONS & ~this.accessDenial(channel.access);
  }

  accessDenial(access: ChannelAccess): bigint {
    if (access === 'hidden') return PERMISSIONS.VIEW_CHANNEL | PERMISSIONS.SEND_MESSAGES;
    if (access === 'forbidden') return PERMISSIONS.SEND_MESSAGES;
    return 0n;
  }

  recordMessage(message: PostedMessage): void {
    this.posted.push(message);
    this.changes.emit('message', message.channelId);
  }

  /** The message an earlier post with this nonce created, when enforce_nonce asks for uniqueness. */
  findByNonce(channelId: string, authorId: string, nonce: string | number, windowMs: number): PostedMessage | undefined {
    const hit = this.#nonces.get(`${channelId}:${authorId}:${String(nonce)}`);
    if (!hit || Date.now() - hit.at > windowMs) return undefined;
    return this.posted.find((message) => message.id === hit.messageId);
  }

  rememberNonce(channelId: string, authorId: string, nonce: string | number, messageId: string): void {
    this.#nonces.set(`${channelId}:${authorId}:${String(nonce)}`, { messageId, at: Date.now() });
  }

  commandsFor(guildId: string | undefined): StoredCommand[] {
    if (guildId === undefined) return this.globalCommands;
    let list = this.guildCommands.get(guildId);
    if (!list) {
      list = [];
      this.guildCommands.set(guildId, list);
    }
    return list;
  }
}
