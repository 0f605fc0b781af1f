/**
 * Channel message routes, in guild channels and the bot's DM channels: Create Message (validated like
 * Discord, nonce + enforce_nonce honoured, recorded, MESSAGE_CREATE dispatched for guild channels) and
 * reading messages back. Returns Message objects.
 */
import { resolveMessageChannel } from './channel-access.ts';
import { validateMessage } from './limits.ts';
import { messageObject } from './objects.ts';
import { apiError, errors, INTENTS, isRecord, ok, route } from './rest-types.ts';
import type { Route, RouteContext } from './rest-types.ts';
import type { PostedMessage } from './types.ts';

/** Flags a Create Message request may set: SUPPRESS_EMBEDS, SUPPRESS_NOTIFICATIONS, IS_VOICE_MESSAGE, IS_COMPONENTS_V2. */
const SETTABLE_FLAGS = (1 << 2) | (1 << 12) | (1 << 13) | (1 << 15);

export function postedMessageObject(context: RouteContext, message: PostedMessage): Record<string, unknown> {
  return messageObject(context.state, {
    id: message.id,
    channelId: message.channelId,
    timestamp: message.timestamp,
    body: message.payload,
    flags: message.flags,
  });
}

export function messageRoutes(context: RouteContext): Route[] {
  const { state } = context;
  return [
    route('POST', '/channels/:id/messages', (request, [channelId = '']) => {
      const access = resolveMessageChannel(state, channelId, 'send');
      if ('refusal' in access) return access.refusal;
      const archived = context.threads?.refusePost(channelId);
      if (archived) return archived;
      const body = request.body;
      if (!isRecord(body)) return apiError(400, 50035, 'Invalid Form Body');
      const invalid = validateMessage(body);
      if (invalid) return { status: 400, body: invalid };

      const nonce = typeof body.nonce === 'string' || typeof body.nonce === 'number' ? body.nonce : undefined;
      if (nonce !== undefined && body.enforce_nonce === true) {
        const earlier = state.findByNonce(channelId, state.botUserId, nonce, context.nonceWindowMs);
        if (earlier) return ok(postedMessageObject(context, earlier));
      }
      const message: PostedMessage = {
        id: state.snowflakes.next(),
        channelId,
        authorId: state.botUserId,
        timestamp: new Date().toISOString(),
        content: typeof body.content === 'string' ? body.content : '',
        embeds: Array.isArray(body.embeds) ? (body.embeds as Array<Record<string, unknown>>) : [],
        ...(isRecord(body.allowed_mentions) ? { allowed_mentions: body.allowed_mentions } : {}),
        ...(nonce !== undefined ? { nonce } : {}),
        ...(typeof body.enforce_nonce === 'boolean' ? { enforce_nonce: body.enforce_nonce } : {}),
        flags: (typeof body.flags === 'number' ? body.flags : 0) & SETTABLE_FLAGS,
        components: Array.isArray(body.components) ? body.components : [],
        payload: body,
      };
      if (nonce !== undefined) state.rememberNonce(channelId, state.botUserId, nonce, message.id);
      state.recordMessage(message);
      const object = postedMessageObject(context, message);
      // DM events go to sessions with DIRECT_MESSAGES, which Herald does not ask for; the emulator sends none.
      if (access.guildId !== undefined) {
        context.gateway.dispatchToGuild(access.guildId, 'MESSAGE_CREATE', { ...object, guild_id: access.guildId }, INTENTS.GUILD_MESSAGES);
      }
      return ok(object);
    }),

    route('GET', '/channels/:id/messages/:message', (_request, [channelId = '', messageId]) => {
      const access = resolveMessageChannel(state, channelId, 'view');
      if ('refusal' in access) return access.refusal;
      const message = state.posted.find((m) => m.id === messageId && m.channelId === channelId);
      return message ? ok(postedMessageObject(context, message)) : errors.unknownMessage();
    }),

    route('GET', '/channels/:id/messages', (request, [channelId = '']) => {
      const access = resolveMessageChannel(state, channelId, 'view');
      if ('refusal' in access) return access.refusal;
      const limit = Math.min(100, Math.max(1, Number(request.query.get('limit') ?? 50) || 50));
      const newestFirst = state.posted.filter((m) => m.channelId === channelId).reverse().slice(0, limit);
      return ok(newestFirst.map((m) => postedMessageObject(context, m)));
    }),
  ];
}
