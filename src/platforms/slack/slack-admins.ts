/**
 * Decides who may change subscriptions in a Slack workspace: its admins and owners (users.info, which needs the
 * users:read scope) and the members the config file lists under slack.admins. Answers are kept in the cache
 * (shared by a cluster's processes) for a minute, so a burst of commands costs one lookup. A failed lookup is a
 * HeraldError the person can act on.
 */
import type { webApi } from '@slack/bolt';
import { HeraldError, messageOf } from '../../errors.ts';
import type { Cache } from '../../store/cache.ts';

const CACHE_MS = 60_000;

export class SlackAdmins {
  constructor(
    private readonly client: webApi.WebClient,
    private readonly configured: readonly string[],
    private readonly cache: Cache,
  ) {}

  async canManage(teamId: string, userId: string): Promise<boolean> {
    if (this.configured.includes(userId)) return true;
    const key = `slack-admin:${teamId}:${userId}`;
    const cached = await this.cache.get<boolean>(key);
    if (cached !== undefined) return cached;
    const canManage = await this.lookUp(userId);
    await this.cache.set(key, canManage, CACHE_MS);
    return canManage;
  }

  private async lookUp(userId: string): Promise<boolean> {
    try {
      const { user } = await this.client.users.info({ user: userId });
      return user !== undefined && !user.deleted && (user.is_admin === true || user.is_owner === true || user.is_primary_owner === true);
    } catch (error) {
      const slackError = (error as { data?: { error?: string } }).data?.error;
      throw new HeraldError('slack-users-info', `users.info for ${userId} failed: ${messageOf(error)}`, {
        cause: error,
        userMessage:
          slackError === 'missing_scope'
            ? 'Herald cannot check who is a workspace admin: its Slack app lacks the users:read scope. Ask whoever installed it to reinstall it from the manifest (herald slack:manifest).'
            : 'Herald could not check your role in this workspace just now. Please try again in a moment.',
      });
    }
  }
}
