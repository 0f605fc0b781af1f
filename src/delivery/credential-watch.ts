/**
 * Stops a platform's sending while it refuses Herald's credentials (a reset Discord token, a revoked Slack one),
 * and starts it again once they work: the delivery worker claims no channel of a stopped platform, so every
 * delivery waits, untouched, in the outbox. The first refusal is logged once, as an error saying what the
 * operator must do; the platform is then asked again (`checkCredentials`) with a growing pause between checks,
 * and the recovery is logged too. While stopped, the platform's readiness check fails.
 */
import { messageOf } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { Platform } from '../store/records.ts';
import type { MessageSender } from './message-sender.ts';

export interface CredentialWatchOptions {
  readonly senders: ReadonlyMap<Platform, MessageSender>;
  readonly log: Logger;
  /** Pause before the first check after a refusal (default 2 s); it doubles after each failed check. */
  readonly firstCheckMs?: number;
  /** Longest pause between two checks (default 2 minutes). */
  readonly maxCheckMs?: number;
}

interface Stopped {
  readonly reason: string;
  readonly since: Date;
  delayMs: number;
  timer?: NodeJS.Timeout;
}

export class CredentialWatch {
  private readonly stopped = new Map<Platform, Stopped>();
  private readonly listeners: Array<(platform: Platform) => void> = [];
  private closed = false;

  constructor(private readonly options: CredentialWatchOptions) {}

  isStopped(platform: Platform): boolean {
    return this.stopped.has(platform);
  }

  /** Why the platform is stopped, or undefined while it sends. */
  stoppedReason(platform: Platform): string | undefined {
    return this.stopped.get(platform)?.reason;
  }

  /** Called with the platform whose credentials work again (the worker then looks for due deliveries). */
  onRestored(listener: (platform: Platform) => void): void {
    this.listeners.push(listener);
  }

  /** The platform refused the credentials: stop it (logged the first time only) and check again later. */
  refused(platform: Platform, reason: string, action: string): void {
    if (this.closed || this.stopped.has(platform)) return;
    const entry: Stopped = { reason, since: new Date(), delayMs: this.options.firstCheckMs ?? 2_000 };
    this.stopped.set(platform, entry);
    this.options.log.error(`${platform} refused Herald's credentials: sending on ${platform} is stopped and every delivery is kept until they work again`, {
      platform, reason, action,
    });
    this.schedule(platform, entry);
  }

  close(): void {
    this.closed = true;
    for (const entry of this.stopped.values()) clearTimeout(entry.timer);
  }

  private schedule(platform: Platform, entry: Stopped): void {
    entry.timer = setTimeout(() => void this.check(platform, entry), entry.delayMs);
    entry.timer.unref?.();
  }

  private async check(platform: Platform, entry: Stopped): Promise<void> {
    const sender = this.options.senders.get(platform);
    let works = false;
    try {
      works = (await sender?.checkCredentials?.()) ?? true;
    } catch (error) {
      this.options.log.debug('could not check the credentials; checking again later', { platform, error: messageOf(error) });
    }
    if (this.closed || this.stopped.get(platform) !== entry) return;
    if (!works) {
      entry.delayMs = Math.min(entry.delayMs * 2, this.options.maxCheckMs ?? 120_000);
      this.schedule(platform, entry);
      return;
    }
    this.stopped.delete(platform);
    this.options.log.info(`${platform} takes Herald's credentials again: sending resumes`, { platform, stoppedForSeconds: Math.round((Date.now() - entry.since.getTime()) / 1000) });
    for (const listener of this.listeners) listener(platform);
  }
}
