/**
 * Registers Herald's slash commands with Discord: per guild when a guild id is given (instant, for testing a
 * server), else globally. Compares with what Discord already has and writes only when something changed.
 */
import { REST, Routes } from 'discord.js';
import type { CommandGroupDefinition } from '../../commands/definition.ts';
import type { Logger } from '../../log.ts';
import { toDiscordCommandJson } from './command-json.ts';
import type { DiscordCommandJson } from './command-json.ts';

export interface RegisterOptions {
  readonly rest: REST;
  readonly applicationId: string;
  readonly guildId?: string;
  readonly groups: readonly CommandGroupDefinition[];
  readonly log: Logger;
}

export async function registerDiscordCommands(options: RegisterOptions): Promise<{ changed: boolean; scope: string }> {
  const route = options.guildId === undefined
    ? Routes.applicationCommands(options.applicationId)
    : Routes.applicationGuildCommands(options.applicationId, options.guildId);
  const scope = options.guildId === undefined ? 'global' : `guild ${options.guildId}`;
  const wanted = options.groups.map(toDiscordCommandJson);
  const existing = (await options.rest.get(route)) as DiscordCommandJson[];
  if (sameCommands(existing, wanted)) {
    options.log.info('slash commands already up to date', { scope });
    return { changed: false, scope };
  }
  await options.rest.put(route, { body: wanted });
  options.log.info('slash commands registered', { scope, commands: wanted.map((command) => `/${command.name}`).join(' ') });
  return { changed: true, scope };
}

/** `herald discord:register`: logs in over REST only, finds the application, and registers. */
export async function registerWithToken(options: Omit<RegisterOptions, 'rest' | 'applicationId'> & { token: string; apiUrl?: string }) {
  const rest = new REST(options.apiUrl === undefined ? {} : { api: options.apiUrl }).setToken(options.token);
  const application = (await rest.get(Routes.currentApplication())) as { id: string };
  return registerDiscordCommands({ ...options, rest, applicationId: application.id });
}

/** Compares the fields Herald sets; Discord adds ids, versions and defaults of its own to what it returns. */
function sameCommands(existing: readonly DiscordCommandJson[], wanted: readonly DiscordCommandJson[]): boolean {
  const fingerprint = (commands: readonly DiscordCommandJson[]) =>
    JSON.stringify(
      [...commands]
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((command) => ({
          name: command.name,
          description: command.description,
          options: (command.options ?? []).map((option) => pick(option)),
        })),
    );
  return existing.length === wanted.length && fingerprint(existing) === fingerprint(wanted);
}

function pick(option: unknown): unknown {
  const { name, description, type, required, autocomplete, max_length, channel_types, options } = option as Record<string, unknown>;
  return {
    name, description, type,
    required: required ?? false,
    autocomplete: autocomplete ?? false,
    max_length,
    channel_types,
    options: Array.isArray(options) ? options.map(pick) : undefined,
  };
}
