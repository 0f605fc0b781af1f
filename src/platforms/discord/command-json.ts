/** Turns Herald's neutral command definitions into Discord's application command JSON (chat input, subcommands). */
import { ApplicationCommandOptionType, ApplicationCommandType, ChannelType } from 'discord.js';
import type { RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import type { CommandGroupDefinition, OptionDefinition } from '../../commands/definition.ts';

export type DiscordCommandJson = RESTPostAPIChatInputApplicationCommandsJSONBody;

const DESCRIPTION_LIMIT = 100;

export function toDiscordCommandJson(group: CommandGroupDefinition): DiscordCommandJson {
  return {
    type: ApplicationCommandType.ChatInput,
    name: group.name,
    description: clip(group.description),
    dm_permission: false,
    options: group.subcommands.map((subcommand) => ({
      type: ApplicationCommandOptionType.Subcommand,
      name: subcommand.name,
      description: clip(subcommand.description),
      options: subcommand.options.map(toOptionJson),
    })),
  };
}

function toOptionJson(option: OptionDefinition) {
  const common = { name: option.name, description: clip(option.description), required: option.required ?? false };
  if (option.type === 'channel') {
    return { ...common, type: ApplicationCommandOptionType.Channel as const, channel_types: [ChannelType.GuildText as const, ChannelType.GuildAnnouncement as const] };
  }
  return {
    ...common,
    type: ApplicationCommandOptionType.String as const,
    ...(option.maxLength === undefined ? {} : { max_length: option.maxLength }),
    ...(option.autocomplete === undefined ? {} : { autocomplete: true }),
  };
}

function clip(text: string): string {
  return text.length <= DESCRIPTION_LIMIT ? text : `${text.slice(0, DESCRIPTION_LIMIT - 1)}…`;
}
