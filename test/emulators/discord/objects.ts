/**
 * Builds the JSON objects Discord returns (user, role, channel, DM channel, member, guild, message,
 * application) from the emulator's state, with the fields openapi.json marks required so discord.js
 * caches them.
 */
import { EVERYONE_PERMISSIONS, BOT_ROLE_PERMISSIONS } from './state.ts';
import type { ChannelState, DmChannelState, EmulatorState, GuildState } from './state.ts';

export type Json = Record<string, unknown>;

export function userObject(id: string, name: string, bot = false): Json {
  return {
    id,
    username: name,
    global_name: bot ? null : name,
    discriminator: bot ? '0001' : '0',
    avatar: null,
    public_flags: 0,
    flags: 0,
    bot,
    banner: null,
    accent_color: null,
    avatar_decoration_data: null,
    primary_guild: null,
  };
}

export function botUserObject(state: EmulatorState): Json {
  return { ...userObject(state.botUserId, state.botName, true), verified: true, mfa_enabled: false, locale: 'en-US' };
}

export function roleObject(id: string, name: string, permissions: bigint, position: number, managed: boolean): Json {
  return {
    id,
    name,
    permissions: permissions.toString(),
    position,
    color: 0,
    colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
    hoist: false,
    managed,
    mentionable: false,
    icon: null,
    unicode_emoji: null,
    flags: 0,
  };
}

export function roleObjects(state: EmulatorState, guild: GuildState): Json[] {
  const botRole = roleObject(guild.botRoleId, state.botName, BOT_ROLE_PERMISSIONS, 1, true);
  botRole.tags = { bot_id: state.botUserId };
  const extra = guild.roles.map((role, i) => roleObject(role.id, role.name, 0n, i + 2, false));
  return [roleObject(guild.id, '@everyone', EVERYONE_PERMISSIONS, 0, false), botRole, ...extra];
}

export function channelObject(state: EmulatorState, channel: ChannelState): Json {
  const guild = state.guilds.get(channel.guildId);
  const deny = state.accessDenial(channel.access);
  const overwrites =
    deny === 0n || !guild ? [] : [{ id: guild.botRoleId, type: 0, allow: '0', deny: deny.toString() }];
  return {
    id: channel.id,
    type: channel.type,
    guild_id: channel.guildId,
    name: channel.name,
    position: channel.position,
    permission_overwrites: overwrites,
    parent_id: null,
    nsfw: false,
    topic: null,
    last_message_id: null,
    rate_limit_per_user: 0,
    flags: 0,
  };
}

/** A DM channel (type 1); the emulator knows users only by id, so the recipient's name is made up. */
export function dmChannelObject(dm: DmChannelState): Json {
  return { id: dm.id, type: 1, last_message_id: null, flags: 0, recipients: [userObject(dm.recipientId, `user${dm.recipientId}`)] };
}

export function memberObject(user: Json, roles: string[], joinedAt: string, permissions?: bigint): Json {
  const member: Json = {
    user,
    roles,
    nick: null,
    avatar: null,
    banner: null,
    joined_at: joinedAt,
    premium_since: null,
    deaf: false,
    mute: false,
    pending: false,
    flags: 0,
    communication_disabled_until: null,
  };
  if (permissions !== undefined) member.permissions = permissions.toString();
  return member;
}

/** GUILD_CREATE's payload: a full guild plus channels, roles and the bot's own member. */
export function guildCreateObject(state: EmulatorState, guild: GuildState): Json {
  const channels = state.liveChannels(guild.id).map((channel) => channelObject(state, channel));
  const botMember = memberObject(botUserObject(state), [guild.botRoleId], guild.joinedAt);
  return {
    ...guildObject(state, guild),
    joined_at: guild.joinedAt,
    large: false,
    unavailable: false,
    member_count: 2,
    members: [botMember],
    channels,
    threads: [],
    presences: [],
    voice_states: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}

export function guildObject(state: EmulatorState, guild: GuildState): Json {
  return {
    id: guild.id,
    name: guild.name,
    icon: null,
    description: null,
    home_header: null,
    splash: null,
    discovery_splash: null,
    features: [],
    banner: null,
    owner_id: guild.ownerId,
    application_id: null,
    region: 'deprecated',
    afk_channel_id: null,
    afk_timeout: 300,
    system_channel_id: null,
    system_channel_flags: 0,
    widget_enabled: false,
    widget_channel_id: null,
    verification_level: 0,
    roles: roleObjects(state, guild),
    default_message_notifications: 1,
    mfa_level: 0,
    explicit_content_filter: 0,
    max_presences: null,
    max_members: 500_000,
    max_stage_video_channel_users: 50,
    max_video_channel_users: 25,
    vanity_url_code: null,
    premium_tier: 0,
    premium_subscription_count: 0,
    preferred_locale: 'en-US',
    rules_channel_id: null,
    safety_alerts_channel_id: null,
    public_updates_channel_id: null,
    premium_progress_bar_enabled: false,
    nsfw: false,
    nsfw_level: 0,
    emojis: [],
    stickers: [],
    incidents_data: null,
  };
}

/** A Message object for a body the emulator accepted. */
export function messageObject(
  state: EmulatorState,
  fields: { id: string; channelId: string; timestamp: string; body: Json; flags: number; editedAt?: string; interaction?: Json },
): Json {
  const { body } = fields;
  const message: Json = {
    id: fields.id,
    channel_id: fields.channelId,
    type: fields.interaction ? 20 : 0,
    author: userObject(state.botUserId, state.botName, true),
    content: typeof body.content === 'string' ? body.content : '',
    timestamp: fields.timestamp,
    edited_timestamp: fields.editedAt ?? null,
    tts: body.tts === true,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: [],
    embeds: Array.isArray(body.embeds) ? body.embeds.map((embed) => ({ type: 'rich', ...(embed as Json) })) : [],
    components: Array.isArray(body.components) ? body.components : [],
    pinned: false,
    flags: fields.flags,
  };
  if (body.nonce !== undefined) message.nonce = body.nonce;
  if (fields.interaction) {
    message.application_id = state.applicationId;
    message.webhook_id = state.applicationId;
    message.interaction_metadata = fields.interaction;
  }
  return message;
}

export function applicationObject(state: EmulatorState): Json {
  return {
    id: state.applicationId,
    name: state.botName,
    icon: null,
    description: '',
    type: null,
    bot: botUserObject(state),
    bot_public: false,
    bot_require_code_grant: false,
    verify_key: '0'.repeat(64),
    flags: 0,
    redirect_uris: [],
    interactions_endpoint_url: null,
    role_connections_verification_url: null,
    owner: userObject(state.ownerUserId, 'owner'),
    approximate_guild_count: state.memberGuilds().length,
    explicit_content_filter: 0,
    team: null,
    integration_types_config: { '0': {} },
  };
}
