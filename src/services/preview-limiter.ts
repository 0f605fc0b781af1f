/**
 * How many /feed previews run at once: one per person, and a few in all. Any member may preview any URL, so
 * without this one person (or a few) could keep the fetcher and the parse workers busy with a hostile feed
 * while everybody else's commands wait. A refused preview says why and when to try again.
 */
import { HeraldError } from '../errors.ts';

export interface Requester {
  readonly platform: string;
  readonly workspaceId: string;
  readonly userId: string;
}

export const DEFAULT_PREVIEWS_IN_ALL = 4;

export class PreviewLimiter {
  private readonly running = new Set<string>();
  private anonymous = 0;

  constructor(private readonly inAll = DEFAULT_PREVIEWS_IN_ALL) {}

  /** Runs one preview for `requester`, or throws a 'preview-busy' HeraldError when a limit is reached. */
  async run<T>(requester: Requester | undefined, preview: () => Promise<T>): Promise<T> {
    const key = requester === undefined ? undefined : `${requester.platform}\u0000${requester.workspaceId}\u0000${requester.userId}`;
    if (key !== undefined && this.running.has(key)) {
      throw new HeraldError('preview-busy', `A second preview by ${requester?.userId} while the first runs`, {
        userMessage: 'You already have a preview running; try again in a moment.',
      });
    }
    if (this.running.size >= this.inAll) {
      throw new HeraldError('preview-busy', `${this.running.size} previews are running, the most allowed at once`, {
        userMessage: 'Herald is busy with other previews right now; try again in a moment.',
      });
    }
    // Previews without a requester (the CLI, tests) count only towards the limit in all.
    const token = key ?? `anonymous\u0000${(this.anonymous += 1)}`;
    this.running.add(token);
    try {
      return await preview();
    } finally {
      this.running.delete(token);
    }
  }
}
