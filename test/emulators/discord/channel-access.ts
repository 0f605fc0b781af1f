/**
 * Decides whether the bot may see or post in a channel, the way Discord answers: 404/10003 for a
 * channel that does not exist (or was deleted), 403/50001 when the bot cannot see it or left its
 * guild, 403/50013 when it can see but not send, 400/50008 for a channel without a message stream,
 * and for a DM channel 403/50007 when its user takes no messages from the bot.
 */
import { NON_TEXT_CHANNEL_TYPES } from './state.ts';
import type { ChannelState, EmulatorState } from './state.ts';
import { errors } from './rest-types.ts';
import type { RestResponse } from './rest-types.ts';

export function resolveChannel(
  state: EmulatorState,
  channelId: string,
  need: 'view' | 'send',
): { channel: ChannelState } | { refusal: RestResponse } {
  const channel = state.channels.get(channelId);
  if (!channel || channel.access === 'missing') return { refusal: errors.unknownChannel() };
  if (!state.guilds.get(channel.guildId)?.member || channel.access === 'hidden') return { refusal: errors.missingAccess() };
  if (need === 'send') {
    if (NON_TEXT_CHANNEL_TYPES.has(channel.type)) return { refusal: errors.nonTextChannel() };
    if (channel.access === 'forbidden') return { refusal: errors.missingPermissions() };
  }
  return { channel };
}

/** For the message routes: a guild channel (with its guild) or one of the bot's DM channels (no guild). */
export function resolveMessageChannel(
  state: EmulatorState,
  channelId: string,
  need: 'view' | 'send',
): { guildId: string | undefined } | { refusal: RestResponse } {
  const dm = state.dmChannels.get(channelId);
  if (dm) return need === 'send' && state.closedDms.has(dm.recipientId) ? { refusal: errors.cannotMessageUser() } : { guildId: undefined };
  const access = resolveChannel(state, channelId, need);
  return 'refusal' in access ? access : { guildId: access.channel.guildId };
}
