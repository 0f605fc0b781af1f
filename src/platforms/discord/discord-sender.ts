/**
 * Posts rendered items to Discord channels over REST and maps Discord's answers to delivery outcomes.
 * discord.js's REST client already waits out 429s as told (per route and global); what reaches us is final.
 * Also tells a subscription's manager, in a direct message from the bot, when their subscription had to be paused.
 */
import { DiscordAPIError, HTTPError, RESTJSONErrorCodes, Routes } from 'discord.js';
import type { REST, RESTPostAPICurrentUserCreateDMChannelJSONBody, RESTPostAPICurrentUserCreateDMChannelResult } from 'discord.js';
import type { Reply } from '../../commands/reply.ts';
import type { Message } from '../../format/message.ts';
import type { MessageSender, SendOutcome } from '../../delivery/message-sender.ts';
import type { Subscription } from '../../store/records.ts';
import { DiscordRoles } from './discord-roles.ts';
import { renderDiscordMessage } from './render.ts';
import { renderDiscordReply } from './render-reply.ts';
import { messageOf } from '../../errors.ts';

const LOST_CHANNEL_CODES: ReadonlySet<number> = new Set([
  RESTJSONErrorCodes.UnknownChannel,
  RESTJSONErrorCodes.MissingAccess,
  RESTJSONErrorCodes.MissingPermissions,
  RESTJSONErrorCodes.CannotSendMessagesInNonTextChannel,
]);

/** Subscriptions made from the config file record who made them in words, not as a Discord user. */
const DISCORD_USER_ID = /^\d{17,20}$/;

export class DiscordSender implements MessageSender {
  readonly platform = 'discord' as const;

  readonly roles: DiscordRoles;

  constructor(private readonly rest: REST) {
    this.roles = new DiscordRoles(rest);
  }

  async send(channelId: string, message: Message, nonce: string): Promise<SendOutcome> {
    try {
      await this.rest.post(Routes.channelMessages(channelId), { body: renderDiscordMessage(message, { nonce, ...(message.mentionRoleId === undefined ? {} : { mentionRoleId: message.mentionRoleId }) }) });
      return { kind: 'sent' };
    } catch (error) {
      return outcomeOf(error);
    }
  }

  async tellManager(subscription: Subscription, notice: Reply): Promise<void> {
    if (!DISCORD_USER_ID.test(subscription.createdBy)) return;
    const body: RESTPostAPICurrentUserCreateDMChannelJSONBody = { recipient_id: subscription.createdBy };
    const dm = (await this.rest.post(Routes.userChannels(), { body })) as RESTPostAPICurrentUserCreateDMChannelResult;
    await this.rest.post(Routes.channelMessages(dm.id), { body: { content: renderDiscordReply(notice), allowed_mentions: { parse: [] } } });
  }
}

export function outcomeOf(error: unknown): SendOutcome {
  if (error instanceof DiscordAPIError) {
    const code = typeof error.code === 'number' ? error.code : Number(error.code);
    if (LOST_CHANNEL_CODES.has(code) || error.status === 404 || error.status === 403) {
      const reason = error.status === 404 ? 'the Discord channel no longer exists' : 'Herald may not post in this Discord channel (missing access or permissions)';
      return { kind: 'channel-lost', reason: `${reason} (Discord error ${code})` };
    }
    if (error.status >= 400 && error.status < 500 && error.status !== 429) {
      return { kind: 'rejected', reason: `Discord refused the message: ${error.status} ${code} ${error.message}` };
    }
    return { kind: 'retry', error: `Discord answered ${error.status} ${code}: ${error.message}` };
  }
  if (error instanceof HTTPError) return { kind: 'retry', error: `Discord answered HTTP ${error.status}` };
  return { kind: 'retry', error: messageOf(error) };
}
