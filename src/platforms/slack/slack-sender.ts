/**
 * Posts rendered items to Slack channels with chat.postMessage and maps Slack's answers to delivery outcomes.
 * The client rejects rate-limited calls instead of sleeping in them: the outbox waits out Retry-After, so the
 * wait survives a restart and other work goes on meanwhile. Also tells a subscription's manager, in a direct
 * message from the app, when their subscription had to be paused. A refused token (invalid_auth, token_revoked,
 * account_inactive) stops sending until `checkCredentials` (auth.test) finds it works.
 */
import { webApi } from '@slack/bolt';
import type { Reply } from '../../commands/reply.ts';
import type { MessageSender, SendOutcome } from '../../delivery/message-sender.ts';
import { messageOf } from '../../errors.ts';
import type { Message } from '../../format/message.ts';
import type { Subscription } from '../../store/records.ts';
import { renderSlackMessage } from './render-message.ts';
import { renderSlackReply } from './render-reply.ts';
import { SlackUserGroups } from './slack-user-groups.ts';

/** Slack errors meaning this channel will not take posts until somebody acts, with what to tell them. */
const LOST_CHANNEL_REASONS: Readonly<Record<string, string>> = {
  // Slack answers this for a private channel the bot is not in, too: it cannot see it.
  channel_not_found: 'the Slack channel no longer exists, or it is private and Herald is not in it (invite it with /invite @Herald)',
  not_in_channel: 'Herald is not in this channel (invite it with /invite @Herald)',
  is_archived: 'the Slack channel is archived',
  restricted_action: 'this workspace does not let Herald post in the channel',
};

/** Slack's answers when it no longer takes the bot token, with what the operator must do. */
const AUTH_FAILURES: Readonly<Record<string, string>> = {
  invalid_auth: 'Slack does not accept the token in SLACK_BOT_TOKEN: copy the Bot User OAuth Token from the app\'s "OAuth & Permissions" page into SLACK_BOT_TOKEN and restart Herald',
  not_authed: 'no bot token reached Slack: set SLACK_BOT_TOKEN and restart Herald',
  token_revoked: 'the bot token was revoked (the app was uninstalled, or its token rotated): reinstall the app to the workspace, put the new Bot User OAuth Token in SLACK_BOT_TOKEN and restart Herald',
  account_inactive: "the app's bot user was deactivated, or the workspace is gone: reinstall the app (a workspace admin may have to re-enable it), put the new Bot User OAuth Token in SLACK_BOT_TOKEN and restart Herald",
};
const AUTH_RECHECK = '; Herald checks the token every few minutes and resumes by itself once it works';

/** Errors no retry can fix: the message itself is wrong. */
const REJECTED = new Set(['msg_too_long', 'invalid_blocks', 'invalid_blocks_format', 'no_text', 'too_many_attachments', 'invalid_arguments']);

/**
 * Every post carries its delivery id as message metadata: Slack has no idempotency key, so after a crash this is
 * how a post that landed is told from one that did not (findSent).
 */
const METADATA_EVENT = 'herald_delivery';
/** The history read covers posts from a little before the interrupted attempt, a few pages at most. */
const HISTORY_MARGIN_MS = 5_000;
const HISTORY_PAGES = 3;

function deliveryMetadata(deliveryId: string) {
  return { event_type: METADATA_EVENT, event_payload: { delivery_id: deliveryId } };
}

/** When Slack says "ratelimited" without a Retry-After. */
const DEFAULT_RATE_LIMIT_WAIT_MS = 30_000;

export class SlackSender implements MessageSender {
  readonly platform = 'slack' as const;

  readonly roles: SlackUserGroups;

  constructor(private readonly client: webApi.WebClient) {
    this.roles = new SlackUserGroups(client);
  }

  async send(channelId: string, message: Message, nonce: string): Promise<SendOutcome> {
    try {
      await this.client.chat.postMessage({ channel: channelId, ...renderSlackMessage(message), metadata: deliveryMetadata(nonce) });
      return { kind: 'sent' };
    } catch (error) {
      return outcomeOf(error);
    }
  }

  async checkCredentials(): Promise<boolean> {
    try {
      await this.client.auth.test();
      return true;
    } catch (error) {
      if ((error as { code?: string }).code === webApi.ErrorCode.PlatformError && AUTH_FAILURES[(error as webApi.WebAPIPlatformError).data.error] !== undefined) return false;
      throw error;
    }
  }

  /** Looks through the channel's messages since shortly before `since` for the one carrying the delivery's id. */
  async findSent(channelId: string, nonce: string, since: Date): Promise<boolean> {
    const oldest = String((since.getTime() - HISTORY_MARGIN_MS) / 1000);
    let cursor: string | undefined;
    for (let page = 0; page < HISTORY_PAGES; page += 1) {
      const answer = await this.client.conversations.history({ channel: channelId, oldest, include_all_metadata: true, limit: 200, ...(cursor ? { cursor } : {}) });
      const messages = (answer.messages ?? []) as Array<{ metadata?: { event_type?: string; event_payload?: { delivery_id?: unknown } } }>;
      if (messages.some((posted) => posted.metadata?.event_type === METADATA_EVENT && posted.metadata.event_payload?.delivery_id === nonce)) return true;
      cursor = answer.response_metadata?.next_cursor || undefined;
      if (!answer.has_more || cursor === undefined) return false;
    }
    return false;
  }

  async tellManager(subscription: Subscription, notice: Reply): Promise<void> {
    // A user id as the channel posts in the app's direct messages with that person.
    const { text } = renderSlackReply(notice);
    await this.client.chat.postMessage({ channel: subscription.createdBy, text, unfurl_links: false, unfurl_media: false });
  }
}

export function outcomeOf(error: unknown): SendOutcome {
  const code = (error as { code?: string }).code;
  if (code === webApi.ErrorCode.RateLimitedError) {
    const seconds = (error as webApi.WebAPIRateLimitedError).retryAfter;
    return { kind: 'retry', afterMs: seconds * 1000, error: `Slack rate limit: retry after ${seconds} s` };
  }
  if (code === webApi.ErrorCode.PlatformError) {
    const slackError = (error as webApi.WebAPIPlatformError).data.error;
    const action = AUTH_FAILURES[slackError];
    if (action !== undefined) return { kind: 'auth-failed', reason: `Slack answered ${slackError}`, action: `${action}${AUTH_RECHECK}` };
    const lost = LOST_CHANNEL_REASONS[slackError];
    if (lost !== undefined) return { kind: 'channel-lost', reason: `${lost} (Slack error ${slackError})` };
    // Slack spells it both ways across methods and documents.
    if (slackError === 'ratelimited' || slackError === 'rate_limited') return { kind: 'retry', afterMs: DEFAULT_RATE_LIMIT_WAIT_MS, error: `Slack rate limit (${slackError})` };
    if (REJECTED.has(slackError)) return { kind: 'rejected', reason: `Slack refused the message: ${slackError}` };
    return { kind: 'retry', error: `Slack answered ${slackError}` };
  }
  if (code === webApi.ErrorCode.HTTPError) return { kind: 'retry', error: `Slack answered HTTP ${(error as webApi.WebAPIHTTPError).statusCode}` };
  return { kind: 'retry', error: messageOf(error) };
}
