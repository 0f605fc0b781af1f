/**
 * Threads that can be archived, as Discord has them: a thread channel (type 11 public, 12 private) that is
 * archived answers Create Message with 400/50083; Modify Channel (`PATCH /channels/:id` with `archived: false`)
 * unarchives it, unless it is also locked, which only members with MANAGE_THREADS may undo (the bot gets
 * 403/50013). Kept apart from the message routes so fault injection elsewhere merges cleanly.
 */
import { channelObject } from './objects.ts';
import { resolveChannel } from './channel-access.ts';
import { apiError, errors, INTENTS, isRecord, ok, route } from './rest-types.ts';
import type { RestResponse, Route, RouteContext } from './rest-types.ts';

export const THREAD_TYPES: ReadonlySet<number> = new Set([10, 11, 12]);

export interface ThreadState {
  archived: boolean;
  locked: boolean;
}

/** The emulator's archived and locked flags, per thread channel id. */
export class Threads {
  readonly #states = new Map<string, ThreadState>();

  set(channelId: string, state: ThreadState): void {
    this.#states.set(channelId, { ...state });
  }

  get(channelId: string): ThreadState | undefined {
    return this.#states.get(channelId);
  }

  /** 400/50083 for a post to an archived thread, else undefined. */
  refusePost(channelId: string): RestResponse | undefined {
    return this.#states.get(channelId)?.archived ? apiError(400, 50083, 'Thread is archived') : undefined;
  }
}

export function threadRoutes(context: RouteContext, threads: Threads): Route[] {
  const { state } = context;
  return [
    route('PATCH', '/channels/:id', (request, [channelId = '']) => {
      const access = resolveChannel(state, channelId, 'send');
      if ('refusal' in access) return access.refusal;
      if (!isRecord(request.body)) return apiError(400, 50035, 'Invalid Form Body');
      const thread = threads.get(channelId);
      if (THREAD_TYPES.has(access.channel.type) && thread !== undefined && typeof request.body.archived === 'boolean') {
        if (thread.locked && request.body.archived === false) return errors.missingPermissions();
        thread.archived = request.body.archived;
        context.gateway.dispatchToGuild(access.channel.guildId, 'THREAD_UPDATE', channelObject(state, access.channel), INTENTS.GUILDS);
      }
      return ok({ ...channelObject(state, access.channel), ...(thread ? { thread_metadata: { archived: thread.archived, locked: thread.locked } } : {}) });
    }),
  ];
}
