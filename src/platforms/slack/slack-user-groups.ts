/**
 * A Slack workspace's user groups (usergroups.list, scope usergroups:read): what /feed mention may ping, and
 * whether it still exists. A group is named by its handle, as people type it after @; disabled groups (Slack's
 * way of deleting one) are left out, as usergroups.list does unless asked.
 */
import type { webApi } from '@slack/bolt';
import type { RoleDirectory } from '../../commands/definition.ts';

export class SlackUserGroups implements RoleDirectory {
  constructor(private readonly client: webApi.WebClient) {}

  async list(_teamId: string): Promise<Array<{ id: string; name: string }>> {
    const answer = await this.client.usergroups.list({ include_disabled: false });
    return (answer.usergroups ?? [])
      .filter((group) => group.id !== undefined && group.handle !== undefined && !group.date_delete)
      .map((group) => ({ id: group.id!, name: group.handle! }));
  }
}
