/**
 * The emulator's workspace: the team, the bot's identity and tokens, users, channels and their
 * membership, accepted messages, the Web API call log and message timestamps. Plain data plus small
 * lookups; it knows no HTTP or WebSocket. `changes` emits 'message', 'call', 'response' and 'socket'.
 */
import { EventEmitter } from 'node:events';
import type { ApiCall, ChannelInput, PostedMessage, UserInput } from './types.ts';

export interface ChannelState {
  id: string;
  name: string;
  isPrivate: boolean;
  archived: boolean;
  deleted: boolean;
  botIsMember: boolean;
  created: number;
}

export interface UserState {
  id: string;
  name: string;
  realName: string;
  isAdmin: boolean;
  isOwner: boolean;
  isBot: boolean;
  deleted: boolean;
}

/** A user group (subteam); `dateDelete` is 0 while enabled, else when it was disabled (seconds). */
export interface UserGroupState {
  id: string;
  handle: string;
  name: string;
  dateCreate: number;
  dateDelete: number;
}

export interface Identity {
  botToken: string;
  appToken: string;
  signingSecret: string;
  teamId: string;
  teamDomain: string;
  scopes: ReadonlySet<string>;
}

/** Slack message timestamps: seconds and a six-digit counter, strictly increasing. */
export class TsSource {
  #lastMicros = 0n;
  next(): string {
    const now = BigInt(Date.now()) * 1000n;
    this.#lastMicros = now > this.#lastMicros ? now : this.#lastMicros + 1n;
    const seconds = this.#lastMicros / 1_000_000n;
    const micros = this.#lastMicros % 1_000_000n;
    return `${seconds}.${micros.toString().padStart(6, '0')}`;
  }
}

export class EmulatorState {
  readonly changes = new EventEmitter();
  readonly ts = new TsSource();
  readonly identity: Identity;
  readonly appId = 'A0EMULATOR1';
  readonly botId = 'B0EMULATOR1';
  readonly botUserId = 'U0HERALDBOT';
  readonly botName = 'herald';
  readonly defaultUserId = 'U0TESTUSER1';
  readonly channels = new Map<string, ChannelState>();
  readonly users = new Map<string, UserState>();
  readonly userGroups = new Map<string, UserGroupState>();
  readonly posted: PostedMessage[] = [];
  readonly calls: ApiCall[] = [];

  constructor(identity: Identity) {
    this.changes.setMaxListeners(0);
    this.identity = identity;
    this.addUser({ id: this.botUserId, name: this.botName, realName: 'Herald', isBot: true });
    this.addUser({ id: this.defaultUserId, name: 'tester', realName: 'Test User' });
  }

  get teamName(): string {
    return `${this.identity.teamDomain} workspace`;
  }

  addChannel(input: ChannelInput): ChannelState {
    const channel: ChannelState = {
      id: input.id,
      name: input.name,
      isPrivate: input.isPrivate ?? false,
      archived: input.archived ?? false,
      deleted: false,
      botIsMember: input.botIsMember ?? true,
      created: Math.floor(Date.now() / 1000),
    };
    this.channels.set(channel.id, channel);
    return channel;
  }

  addUser(input: UserInput): UserState {
    const user: UserState = {
      id: input.id,
      name: input.name,
      realName: input.realName ?? input.name,
      isAdmin: input.isAdmin ?? input.isOwner ?? false,
      isOwner: input.isOwner ?? false,
      isBot: input.isBot ?? false,
      deleted: input.deleted ?? false,
    };
    this.users.set(user.id, user);
    return user;
  }

  addUserGroup(input: { handle: string; name?: string }): UserGroupState {
    const id = `S0${String(this.userGroups.size + 1).padStart(8, '0')}`;
    const group: UserGroupState = { id, handle: input.handle, name: input.name ?? input.handle, dateCreate: Math.floor(Date.now() / 1000), dateDelete: 0 };
    this.userGroups.set(id, group);
    return group;
  }

  /** A channel by id, or by name as `#name`/`name` the way chat.postMessage also accepts; deleted ones are gone. */
  findChannel(idOrName: string): ChannelState | undefined {
    const byId = this.channels.get(idOrName);
    if (byId) return byId.deleted ? undefined : byId;
    const name = idOrName.replace(/^#/, '');
    return [...this.channels.values()].find((c) => !c.deleted && c.name === name);
  }

  /** The DM conversation id Slack gives the bot's conversation with a user. */
  dmChannelId(userId: string): string {
    return `D${userId.slice(1)}`;
  }

  /** The (not deleted) user whose DM with the bot has this id. */
  dmUser(dmChannelId: string): UserState | undefined {
    return [...this.users.values()].find((u) => !u.deleted && this.dmChannelId(u.id) === dmChannelId);
  }

  recordMessage(message: PostedMessage): void {
    this.posted.push(message);
    this.changes.emit('message', message.channel);
  }

  recordCall(call: ApiCall): void {
    this.calls.push(call);
    this.changes.emit('call', call.method);
  }

  messagesIn(channelId: string): PostedMessage[] {
    return this.posted.filter((m) => m.channel === channelId || m.requestedChannel === channelId);
  }
}
