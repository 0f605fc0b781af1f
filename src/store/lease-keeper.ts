/**
 * Keeps this process's leases alive: every third of a lease's length it renews every feed and channel lease the
 * owner holds, so work that takes long (a slow feed, a channel working through its backlog) is not taken over
 * while it is still being done. A process that dies stops renewing, and its leases expire within one lease.
 */
import { messageOf } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { Store } from './store.ts';

/** How long a lease lasts unless renewed: the bound on how long a dead process's work waits for another. */
export const DEFAULT_LEASE_MS = 30_000;

export class LeaseKeeper {
  private timer: NodeJS.Timeout | undefined;
  private renewing: Promise<void> | undefined;

  constructor(
    private readonly store: Store,
    private readonly owner: string,
    private readonly leaseMs: number,
    private readonly clock: () => Date,
    private readonly log: Logger,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.renew(), Math.max(100, Math.floor(this.leaseMs / 3)));
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.renewing;
  }

  private renew(): Promise<void> {
    this.renewing ??= this.store.leases
      .renew(this.owner, this.clock(), this.leaseMs)
      .then(
        () => undefined,
        (error: unknown) => {
          this.log.error('could not renew leases; another process may take this work over', { error: messageOf(error) });
          this.onError(error);
        },
      )
      .finally(() => {
        this.renewing = undefined;
      });
    return this.renewing;
  }
}
