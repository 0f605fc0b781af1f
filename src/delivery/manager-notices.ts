/**
 * Tells the person who set a subscription up, privately on their own platform, when Herald had to pause it: its
 * channel is lost, its feed is gone, or its feed has failed for too long; or when the role its posts pinged is gone. Listens for the core's
 * subscriptionPaused events, so every reason for a pause reaches them the same way; a notice that cannot be
 * delivered costs a log line, nothing else. Pauses people ask for with /feed pause are not announced.
 */
import type { ActivityListener, MentionLostEvent, PausedEvent } from '../activity.ts';
import { reply } from '../commands/reply.ts';
import type { Reply } from '../commands/reply.ts';
import { messageOf } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { Platform, Subscription } from '../store/records.ts';
import { DEFAULT_MAX_PARKED_PER_SUBSCRIPTION } from '../store/store.ts';
import type { MessageSender } from './message-sender.ts';

export class ManagerNotices implements ActivityListener {
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly senders: ReadonlyMap<Platform, MessageSender>,
    private readonly log: Logger,
    /** How many of its new items a paused subscription keeps (HERALD_MAX_PARKED_PER_SUBSCRIPTION). */
    private readonly maxParked = DEFAULT_MAX_PARKED_PER_SUBSCRIPTION,
  ) {}

  subscriptionPaused(event: PausedEvent): void {
    this.send(event.subscription, pausedNotice(event, this.maxParked), 'the pause');
  }

  mentionLost(event: MentionLostEvent): void {
    this.send(event.subscription, mentionLostNotice(event), 'the lost mention');
  }

  private send(subscription: Subscription, notice: Reply, about: string): void {
    const sending = this.tell(subscription, notice, about).finally(() => this.pending.delete(sending));
    this.pending.add(sending);
  }

  /** Resolves once every notice under way has been sent or has failed (before the adapters stop). */
  async settled(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  private async tell(subscription: Subscription, notice: Reply, about: string): Promise<void> {
    const sender = this.senders.get(subscription.platform);
    if (sender?.tellManager === undefined) return;
    const log = this.log.child({ subscription: subscription.id, manager: subscription.createdBy });
    try {
      await sender.tellManager(subscription, notice);
      log.info(`told the subscription manager about ${about}`);
    } catch (error) {
      log.warn(`could not tell the subscription manager about ${about}`, { error: messageOf(error) });
    }
  }
}

/** What a paused subscription keeps, in the words of the pause answer and of the manager's notice. */
export function keptWhilePaused(limit: number): string {
  return `New items that match are kept meanwhile, the latest ${limit} (older ones past that are dropped, and counted):`;
}

/**
 * What the person who set a subscription up reads when Herald had to pause it. Every paused subscription keeps its
 * new items (`itemsKept` says whether some were already waiting when it was paused).
 */
export function pausedNotice({ subscription, reason }: PausedEvent, maxParked = DEFAULT_MAX_PARKED_PER_SUBSCRIPTION): Reply {
  const resume = { code: `/feed resume ${subscription.id}` };
  return reply([
    ['⏸ Herald paused ', { code: subscription.id }, ' (', { link: subscription.feedUrl, label: subscription.feedTitle }, ') in ', { channel: subscription.channelId }, `: ${reason}.`],
    [keptWhilePaused(maxParked), ' once this is fixed, ', resume, ' posts them, oldest first, and carries on.'],
  ]);
}

/** What the person who set a subscription up reads when the role its posts pinged was deleted. */
export function mentionLostNotice({ subscription, roleName }: MentionLostEvent): Reply {
  const kind = subscription.platform === 'slack' ? 'user group' : 'role';
  return reply([
    ['🔕 ', { code: subscription.id }, ' (', { link: subscription.feedUrl, label: subscription.feedTitle }, ') in ', { channel: subscription.channelId }, ` was set to ping @${roleName}, but that ${kind} no longer exists.`],
    ['Its posts go on without the ping. To ping again, ', { code: `/feed mention ${subscription.id} <${kind}>` }, '.'],
  ]);
}
