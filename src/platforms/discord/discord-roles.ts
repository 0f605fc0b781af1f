/** A Discord server's roles over REST (GET /guilds/{id}/roles): what /feed mention may ping, and whether it still exists. */
import { Routes } from 'discord.js';
import type { REST, RESTGetAPIGuildRolesResult } from 'discord.js';
import type { RoleDirectory } from '../../commands/definition.ts';

export class DiscordRoles implements RoleDirectory {
  constructor(private readonly rest: REST) {}

  async list(guildId: string): Promise<Array<{ id: string; name: string }>> {
    const roles = (await this.rest.get(Routes.guildRoles(guildId))) as RESTGetAPIGuildRolesResult;
    return roles.map((role) => ({ id: role.id, name: role.name }));
  }
}
