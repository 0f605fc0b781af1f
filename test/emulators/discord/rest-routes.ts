/**
 * The REST route table: gateway discovery, the bot's user and application, channels and guilds,
 * plus the message, DM, command and interaction routes from their own modules.
 */
import { resolveChannel } from './channel-access.ts';
import { commandRoutes } from './command-routes.ts';
import { dmRoutes } from './dm-routes.ts';
import { interactionRoutes } from './interaction-routes.ts';
import { messageRoutes } from './message-routes.ts';
import { applicationObject, botUserObject, channelObject, dmChannelObject, guildObject, memberObject } from './objects.ts';
import { apiError, errors, ok, route } from './rest-types.ts';
import type { RestResponse, Route, RouteContext } from './rest-types.ts';
import type { GuildState } from './state.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

function coreRoutes(context: RouteContext): Route[] {
  const { state } = context;
  let sessionStarts = 0;

  const memberGuild = (guildId: string): { guild: GuildState } | { refusal: RestResponse } => {
    const guild = state.guilds.get(guildId);
    if (!guild) return { refusal: errors.unknownGuild() };
    if (!guild.member) return { refusal: errors.missingAccess() };
    return { guild };
  };

  return [
    route('GET', '/gateway', () => ok({ url: context.gatewayUrl }), { auth: false }),
    route('GET', '/gateway/bot', () => {
      sessionStarts += 1;
      return ok({
        url: context.gatewayUrl,
        shards: context.shards,
        session_start_limit: { total: 1000, remaining: Math.max(0, 1000 - sessionStarts), reset_after: DAY_MS, max_concurrency: 1 },
      });
    }),
    route('GET', '/users/@me', () => ok(botUserObject(state))),
    route('GET', '/users/@me/guilds', () =>
      ok(state.memberGuilds().map((g) => ({ id: g.id, name: g.name, icon: null, banner: null, owner: false, permissions: '0', features: [] }))),
    ),
    route('GET', '/applications/@me', () => ok(applicationObject(state))),
    route('GET', '/oauth2/applications/@me', () => ok(applicationObject(state))),
    route('GET', '/channels/:id', (_r, [channelId = '']) => {
      const dm = state.dmChannels.get(channelId);
      if (dm) return ok(dmChannelObject(dm));
      const access = resolveChannel(state, channelId, 'view');
      return 'refusal' in access ? access.refusal : ok(channelObject(state, access.channel));
    }),
    route('GET', '/guilds/:id', (_r, [guildId = '']) => {
      const found = memberGuild(guildId);
      return 'refusal' in found ? found.refusal : ok(guildObject(state, found.guild));
    }),
    route('GET', '/guilds/:id/channels', (_r, [guildId = '']) => {
      const found = memberGuild(guildId);
      if ('refusal' in found) return found.refusal;
      const visible = state.liveChannels(guildId).filter((c) => c.access !== 'hidden');
      return ok(visible.map((c) => channelObject(state, c)));
    }),
    route('GET', '/guilds/:id/roles', (_r, [guildId = '']) => {
      const found = memberGuild(guildId);
      return 'refusal' in found ? found.refusal : ok(guildObject(state, found.guild).roles);
    }),
    route('GET', '/guilds/:id/members/:user', (_r, [guildId = '', userId = '']) => {
      const found = memberGuild(guildId);
      if ('refusal' in found) return found.refusal;
      if (userId === state.botUserId || userId === '@me') {
        return ok(memberObject(botUserObject(state), [found.guild.botRoleId], found.guild.joinedAt));
      }
      return apiError(404, 10007, 'Unknown Member');
    }),
  ];
}

export function restRoutes(context: RouteContext): Route[] {
  return [...coreRoutes(context), ...messageRoutes(context), ...dmRoutes(context), ...commandRoutes(context), ...interactionRoutes(context)];
}
