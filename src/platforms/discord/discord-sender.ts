/**
 * Posts rendered items to Discord channels over REST and maps Discord's answers to delivery outcomes.
 * discord.js's REST client already waits out 429s as told (per route and global); what reaches us is final.
 * A message refused for a part of it (50035 with the field's path) is posted again without that part; an archived
 * thread (50083) is unarchived and posted to again; a 401 (the token was reset) stops sending until
 * `checkCredentials` finds the token works. Also tells a subscription's manager, in a direct message from the bot,
 * when their subscription had to be paused.
 */
import { DiscordAPIError, HTTPError, RESTJSONErrorCodes, Routes } from 'discord.js';
import type { REST, RESTPostAPICurrentUserCreateDMChannelJSONBody, RESTPostAPICurrentUserCreateDMChannelResult } from 'discord.js';
import type { Reply } from '../../commands/reply.ts';
import type { Message } from '../../format/message.ts';
import type { MessageSender, SendOutcome } from '../../delivery/message-sender.ts';
import type { Subscription } from '../../store/records.ts';
import { DiscordRoles } from './discord-roles.ts';
import { partsRefused, withoutParts } from './refused-parts.ts';
import { renderDiscordMessage } from './render.ts';
import { renderDiscordReply } from './render-reply.ts';
import { messageOf } from '../../errors.ts';

/** Discord's codes for a message it will not take as it is (50035 only after posting without the refused parts). */
const CONTENT_CODES: ReadonlySet<number> = new Set([RESTJSONErrorCodes.InvalidFormBodyOrContentType, RESTJSONErrorCodes.CannotSendAnEmptyMessage, RESTJSONErrorCodes.RequestEntityTooLarge]);
const ARCHIVED_THREAD = RESTJSONErrorCodes.InvalidActionOnArchivedThread;

const TOKEN_ACTION =
  "the bot token in DISCORD_TOKEN no longer works (it was reset in Discord's developer portal, or the bot was deleted): " +
  'put the current token in DISCORD_TOKEN and restart Herald; Herald also checks the token every few minutes and resumes by itself once it works';

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

  /** `token`: set again before each check, since discord.js forgets its token after a 401. */
  constructor(
    private readonly rest: REST,
    private readonly token?: string,
  ) {
    this.roles = new DiscordRoles(rest);
  }

  async send(channelId: string, message: Message, nonce: string): Promise<SendOutcome> {
    const first = await this.post(channelId, message, nonce);
    if (first.ok) return { kind: 'sent' };
    let error = first.error;
    let posted = message;
    const without: string[] = [];
    if (codeOf(error) === ARCHIVED_THREAD) {
      const reopened = await this.unarchive(channelId);
      if (reopened !== undefined) return { kind: 'channel-lost', reason: `the Discord thread is archived and Herald could not unarchive it (${reopened})` };
      const again = await this.post(channelId, message, nonce);
      if (again.ok) return { kind: 'sent', without: ['the thread was archived: Herald unarchived it'] };
      error = again.error;
    }
    if (codeOf(error) === RESTJSONErrorCodes.InvalidFormBodyOrContentType) {
      const refused = partsRefused(error instanceof DiscordAPIError ? error.rawError : undefined);
      const lighter = withoutParts(message, refused);
      if (lighter !== undefined) {
        posted = lighter.message;
        without.push(...lighter.dropped);
        const again = await this.post(channelId, posted, nonce);
        if (again.ok) return { kind: 'sent', without };
        error = again.error;
      }
    }
    const outcome = outcomeOf(error);
    return outcome.kind === 'rejected' && without.length > 0 ? { kind: 'rejected', reason: `${outcome.reason} (also without ${without.join(', ')})` } : outcome;
  }

  async checkCredentials(): Promise<boolean> {
    if (this.token !== undefined) this.rest.setToken(this.token);
    try {
      await this.rest.get(Routes.user('@me'));
      return true;
    } catch (error) {
      if (error instanceof DiscordAPIError && error.status === 401) return false;
      throw error;
    }
  }

  private async post(channelId: string, message: Message, nonce: string): Promise<{ ok: true } | { ok: false; error: unknown }> {
    try {
      await this.rest.post(Routes.channelMessages(channelId), { body: renderDiscordMessage(message, { nonce, ...(message.mentionRoleId === undefined ? {} : { mentionRoleId: message.mentionRoleId }) }) });
      return { ok: true };
    } catch (error) {
      return { ok: false, error };
    }
  }

  /** Unarchives the thread; returns why it could not, or undefined when it did. */
  private async unarchive(channelId: string): Promise<string | undefined> {
    try {
      await this.rest.patch(Routes.channel(channelId), { body: { archived: false } });
      return undefined;
    } catch (error) {
      return error instanceof DiscordAPIError ? `Discord error ${error.status} ${String(error.code)}: ${error.message}` : messageOf(error);
    }
  }

  async tellManager(subscription: Subscription, notice: Reply): Promise<void> {
    if (!DISCORD_USER_ID.test(subscription.createdBy)) return;
    const body: RESTPostAPICurrentUserCreateDMChannelJSONBody = { recipient_id: subscription.createdBy };
    const dm = (await this.rest.post(Routes.userChannels(), { body })) as RESTPostAPICurrentUserCreateDMChannelResult;
    await this.rest.post(Routes.channelMessages(dm.id), { body: { content: renderDiscordReply(notice), allowed_mentions: { parse: [] } } });
  }
}

function codeOf(error: unknown): number | undefined {
  if (!(error instanceof DiscordAPIError)) return undefined;
  return typeof error.code === 'number' ? error.code : Number(error.code);
}

export function outcomeOf(error: unknown): SendOutcome {
  if (error instanceof DiscordAPIError) {
    const code = codeOf(error)!;
    if (error.status === 401) return { kind: 'auth-failed', reason: `Discord answered 401 Unauthorized (${error.message})`, action: TOKEN_ACTION };
    if (LOST_CHANNEL_CODES.has(code) || error.status === 404 || error.status === 403) {
      const reason = error.status === 404 ? 'the Discord channel no longer exists' : 'Herald may not post in this Discord channel (missing access or permissions)';
      return { kind: 'channel-lost', reason: `${reason} (Discord error ${code})` };
    }
    if (CONTENT_CODES.has(code) || error.status === 413) {
      return { kind: 'rejected', reason: `Discord refused the message: ${error.status} ${code} ${error.message}` };
    }
    // Anything else (an unknown 4xx, a 5xx) is retried a bounded number of times, then dead-lettered.
    return { kind: 'retry', error: `Discord answered ${error.status} ${code}: ${error.message}` };
  }
  if (error instanceof HTTPError) return { kind: 'retry', error: `Discord answered HTTP ${error.status}` };
  // discord.js drops its token after a 401: a send that starts before sending is stopped meets this instead.
  if (/Expected token to be set/.test(messageOf(error))) return { kind: 'auth-failed', reason: 'Discord refused the bot token earlier (401)', action: TOKEN_ACTION };
  return { kind: 'retry', error: messageOf(error) };
}
