/**
 * Decides whether the bot may see or post in a channel, the way Discord answers: 404/10003 for a
 * channel that does not exist (or was deleted), 403/50001 when the bot cannot see it or left its
 * guild, 403/50013 when it can see but not send, 400/50008 for a channel without a message stream.
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
