/** What a platform adapter offers the delivery worker, and what a send can come to. */
import type { RoleDirectory } from '../commands/definition.ts';
import type { Reply } from '../commands/reply.ts';
import type { Message } from '../format/message.ts';
import type { Platform, Subscription } from '../store/records.ts';

export type SendOutcome =
  /** `without`: parts the platform refused, left out of the post that it then accepted (for the log). */
  | { readonly kind: 'sent'; readonly without?: readonly string[] }
  /** A passing failure (network, 5xx, a rate limit the client did not absorb): try again later. */
  | { readonly kind: 'retry'; readonly afterMs?: number; readonly error: string }
  /** The channel is gone or closed to the bot: the subscription is paused until someone fixes it. */
  | { readonly kind: 'channel-lost'; readonly reason: string }
  /** The platform will never accept this message as it is. */
  | { readonly kind: 'rejected'; readonly reason: string }
  /**
   * The platform refused Herald's credentials (a reset or revoked token): no fault of the message, and nothing on
   * this platform can be sent until they work again. `action` says what the operator must do.
   */
  | { readonly kind: 'auth-failed'; readonly reason: string; readonly action: string };

export interface MessageSender {
  readonly platform: Platform;
  /** `nonce` is stable per delivery, so a retried send can be recognised as a repeat by platforms that support it. */
  send(channelId: string, message: Message, nonce: string): Promise<SendOutcome>;
  /**
   * For platforms with no idempotency key (Slack): whether a post carrying `nonce` reached the channel since
   * `since`. The worker asks before posting again a delivery whose earlier post never recorded its outcome.
   */
  findSent?(channelId: string, nonce: string, since: Date): Promise<boolean>;
  /**
   * Whether the platform takes Herald's credentials now (Discord GET /users/@me, Slack auth.test): false when it
   * still refuses them; throws when it cannot tell (unreachable). Asked while sending is stopped on auth-failed.
   */
  checkCredentials?(): Promise<boolean>;
  /** Tells the person who manages a subscription something they must act on, privately; best effort (throws on failure). */
  tellManager?(subscription: Subscription, notice: Reply): Promise<void>;
  /** The workspace's roles or user groups, to post without the ping when the one a message mentions is gone. */
  readonly roles?: RoleDirectory;
}
