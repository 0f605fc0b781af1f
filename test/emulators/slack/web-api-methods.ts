/**
 * The Web API methods the emulator knows, each with the token type and scope it needs and a handler
 * that takes the parsed params and returns Slack's JSON answer (`ok: true` with the method's fields,
 * or `ok: false` with the documented error code). chat.postMessage records what it accepts, with its message
 * metadata; conversations.history lists a channel's messages newest first, metadata only when asked for.
 */
import { checkMessageContent } from './message-content.ts';
import type { ChannelState, EmulatorState, UserState } from './state.ts';
import type { PostedMessage } from './types.ts';
import { booleanParam } from './web-api-request.ts';
import type { FileUploads } from './file-uploads.ts';

export type TokenKind = 'bot' | 'app';
export type ApiAnswer = { ok: true; [key: string]: unknown } | { ok: false; error: string; [key: string]: unknown };

export interface MethodContext {
  state: EmulatorState;
  /** A fresh single-use Socket Mode URL. */
  openSocketUrl(): string;
  readonly uploads: FileUploads;
}

export interface MethodSpec {
  token: TokenKind;
  /** The bot needs one of these scopes; absent: none needed. */
  scopes?: readonly string[];
  handle(params: Readonly<Record<string, unknown>>, context: MethodContext): ApiAnswer;
}

function fail(error: string, extra: Record<string, unknown> = {}): ApiAnswer {
  return { ok: false, error, ...extra };
}

function userObject(state: EmulatorState, user: UserState): Record<string, unknown> {
  const { teamId } = state.identity;
  return {
    id: user.id,
    team_id: teamId,
    name: user.name,
    deleted: user.deleted,
    real_name: user.realName,
    tz: 'Europe/London',
    tz_label: 'Greenwich Mean Time',
    tz_offset: 0,
    is_admin: user.isAdmin,
    is_owner: user.isOwner,
    is_primary_owner: user.isOwner,
    is_restricted: false,
    is_ultra_restricted: false,
    is_bot: user.isBot,
    is_app_user: false,
    updated: Math.floor(Date.now() / 1000),
    profile: {
      real_name: user.realName,
      real_name_normalized: user.realName,
      display_name: user.name,
      display_name_normalized: user.name,
      team: teamId,
      ...(user.isBot ? { bot_id: state.botId, api_app_id: state.appId } : {}),
    },
  };
}

function channelObject(channel: ChannelState): Record<string, unknown> {
  return {
    id: channel.id,
    name: channel.name,
    is_channel: !channel.isPrivate,
    is_group: false,
    is_im: false,
    is_private: channel.isPrivate,
    is_archived: channel.archived,
    is_member: channel.botIsMember,
    created: channel.created,
  };
}

type Destination = { channel: string } | { error: string };

/** Where a post lands, with Slack's visibility rules: a private channel the bot is not in does not exist for it. */
function destination(state: EmulatorState, requested: string): Destination {
  if (/^[UW]/.test(requested)) {
    const user = state.users.get(requested);
    return user && !user.deleted ? { channel: state.dmChannelId(user.id) } : { error: 'channel_not_found' };
  }
  if (requested.startsWith('D')) {
    return state.dmUser(requested) ? { channel: requested } : { error: 'channel_not_found' };
  }
  const channel = state.findChannel(requested);
  if (!channel || (channel.isPrivate && !channel.botIsMember)) return { error: 'channel_not_found' };
  if (channel.archived) return { error: 'is_archived' };
  if (!channel.botIsMember && !state.identity.scopes.has('chat:write.public')) return { error: 'not_in_channel' };
  return { channel: channel.id };
}

function postMessage(params: Readonly<Record<string, unknown>>, { state }: MethodContext): ApiAnswer {
  const requested = typeof params.channel === 'string' ? params.channel.trim() : '';
  if (requested === '') return fail('channel_not_found');
  const target = destination(state, requested);
  if ('error' in target) return fail(target.error);
  const check = checkMessageContent(params);
  if (!check.ok) {
    const messages = (check.errors ?? []).map((e) => `[ERROR] ${e}`);
    return fail(check.error, check.errors ? { errors: check.errors, response_metadata: { messages } } : {});
  }
  const { content } = check;
  const ts = state.ts.next();
  const optional = (key: string) => (typeof params[key] === 'string' ? { [key]: params[key] as string } : {});
  const flag = (key: string) => (booleanParam(params[key]) === undefined ? {} : { [key]: booleanParam(params[key]) });
  const metadata = metadataOf(params.metadata);
  if (metadata === 'invalid') return fail('invalid_metadata_format');
  const message: PostedMessage = {
    ts,
    channel: target.channel,
    ...(metadata === undefined ? {} : { metadata }),
    requestedChannel: requested,
    ...content,
    ...flag('unfurl_links'),
    ...flag('unfurl_media'),
    ...flag('mrkdwn'),
    ...optional('thread_ts'),
    ...optional('username'),
    ...optional('icon_url'),
    ...optional('icon_emoji'),
    params: { ...params, ...content },
  };
  state.recordMessage(message);
  return {
    ok: true,
    channel: target.channel,
    ts,
    message: {
      type: 'message',
      user: state.botUserId,
      bot_id: state.botId,
      app_id: state.appId,
      team: state.identity.teamId,
      ts,
      text: content.text ?? "This content can't be displayed.",
      ...(content.blocks ? { blocks: content.blocks } : {}),
      ...(content.attachments ? { attachments: content.attachments } : {}),
      ...optional('thread_ts'),
      bot_profile: { id: state.botId, app_id: state.appId, name: state.botName, team_id: state.identity.teamId, deleted: false },
    },
  };
}

/** usergroups.list: the team's user groups as objs_subteam, disabled ones only with include_disabled. */
function listUserGroups(params: Readonly<Record<string, unknown>>, { state }: MethodContext): ApiAnswer {
  const includeDisabled = booleanParam(params.include_disabled) ?? false;
  const groups = [...state.userGroups.values()].filter((group) => includeDisabled || group.dateDelete === 0);
  return {
    ok: true,
    usergroups: groups.map((group) => ({
      id: group.id,
      team_id: state.identity.teamId,
      is_usergroup: true,
      is_external: false,
      name: group.name,
      handle: group.handle,
      description: '',
      auto_type: null,
      created_by: state.defaultUserId,
      updated_by: state.defaultUserId,
      deleted_by: null,
      date_create: group.dateCreate,
      date_update: group.dateCreate,
      date_delete: group.dateDelete,
      prefs: { channels: [], groups: [] },
      user_count: 0,
    })),
  };
}

export const METHODS: Readonly<Record<string, MethodSpec>> = {
  'auth.test': {
    token: 'bot',
    handle: (_params, { state }) => ({
      ok: true,
      url: `https://${state.identity.teamDomain}.slack.com/`,
      team: state.teamName,
      user: state.botName,
      team_id: state.identity.teamId,
      user_id: state.botUserId,
      bot_id: state.botId,
      is_enterprise_install: false,
    }),
  },
  'apps.connections.open': {
    token: 'app',
    handle: (_params, context) => ({ ok: true, url: context.openSocketUrl() }),
  },
  'users.info': {
    token: 'bot',
    scopes: ['users:read'],
    handle: (params, { state }) => {
      const user = state.users.get(String(params.user ?? ''));
      return user ? { ok: true, user: userObject(state, user) } : fail('user_not_found');
    },
  },
  'conversations.info': {
    token: 'bot',
    scopes: ['channels:read', 'groups:read'],
    handle: (params, { state }) => {
      const channel = state.channels.get(String(params.channel ?? ''));
      if (!channel || channel.deleted || (channel.isPrivate && !channel.botIsMember)) return fail('channel_not_found');
      return { ok: true, channel: channelObject(channel) };
    },
  },
  'chat.postMessage': { token: 'bot', scopes: ['chat:write'], handle: postMessage },
  'files.getUploadURLExternal': { token: 'bot', scopes: ['files:write'], handle: (params, context) => context.uploads.getUploadUrl(params) },
  'files.completeUploadExternal': { token: 'bot', scopes: ['files:write'], handle: (params, context) => context.uploads.complete(params, context) },
  'usergroups.list': { token: 'bot', scopes: ['usergroups:read'], handle: listUserGroups },
  'conversations.history': { token: 'bot', scopes: ['channels:history', 'groups:history'], handle: history },
};

/** `metadata`: a JSON string (form bodies) or an object (JSON bodies) with event_type and event_payload. */
function metadataOf(value: unknown): PostedMessage['metadata'] | 'invalid' | undefined {
  if (value === undefined || value === '') return undefined;
  let parsed: unknown = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      return 'invalid';
    }
  }
  const candidate = parsed as { event_type?: unknown; event_payload?: unknown };
  if (typeof candidate !== 'object' || candidate === null || typeof candidate.event_type !== 'string' || typeof candidate.event_payload !== 'object' || candidate.event_payload === null) {
    return 'invalid';
  }
  return { event_type: candidate.event_type, event_payload: candidate.event_payload as Record<string, unknown> };
}

const HISTORY_DEFAULT_LIMIT = 100;
const HISTORY_MAX_LIMIT = 999;

/** A channel's messages newest first, after `oldest` (a ts), at most `limit`; metadata with include_all_metadata. */
function history(params: Readonly<Record<string, unknown>>, { state }: MethodContext): ApiAnswer {
  const channel = state.channels.get(String(params.channel ?? ''));
  if (!channel || channel.deleted || (channel.isPrivate && !channel.botIsMember)) return fail('channel_not_found');
  if (!channel.botIsMember && channel.isPrivate) return fail('not_in_channel');
  const oldest = Number(params.oldest ?? 0);
  const limit = Math.min(HISTORY_MAX_LIMIT, Math.max(1, Number(params.limit ?? HISTORY_DEFAULT_LIMIT) || HISTORY_DEFAULT_LIMIT));
  const withMetadata = booleanParam(params.include_all_metadata) === true;
  const messages = state.messagesIn(channel.id).filter((message) => Number(message.ts) > oldest).reverse();
  return {
    ok: true,
    messages: messages.slice(0, limit).map((message) => ({
      type: 'message',
      ts: message.ts,
      text: message.text ?? '',
      bot_id: state.botId,
      app_id: state.appId,
      ...(withMetadata && message.metadata ? { metadata: message.metadata } : {}),
    })),
    has_more: messages.length > limit,
  };
}
