/** Turns Herald's neutral command definitions into Discord's application command JSON (chat input, subcommands). */
import { ApplicationCommandOptionType, ApplicationCommandType, ChannelType } from 'discord.js';
import type { RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import type { CommandGroupDefinition, OptionDefinition } from '../../commands/definition.ts';
import { truncateText } from '../../format/truncate.ts';

export type DiscordCommandJson = RESTPostAPIChatInputApplicationCommandsJSONBody;

const DESCRIPTION_LIMIT = 100;

export function toDiscordCommandJson(group: CommandGroupDefinition): DiscordCommandJson {
  return {
    type: ApplicationCommandType.ChatInput,
    name: group.name,
    description: truncateText(group.description, DESCRIPTION_LIMIT),
    dm_permission: false,
    options: group.subcommands.map((subcommand) => ({
      type: ApplicationCommandOptionType.Subcommand,
      name: subcommand.name,
      description: truncateText(subcommand.description, DESCRIPTION_LIMIT),
      options: subcommand.options.map(toOptionJson),
    })),
  };
}

function toOptionJson(option: OptionDefinition) {
  const common = { name: option.name, description: truncateText(option.description, DESCRIPTION_LIMIT), required: option.required ?? false };
  if (option.type === 'channel') {
    return { ...common, type: ApplicationCommandOptionType.Channel as const, channel_types: [ChannelType.GuildText as const, ChannelType.GuildAnnouncement as const] };
  }
  if (option.type === 'role') return { ...common, type: ApplicationCommandOptionType.Role as const };
  const string = { ...common, type: ApplicationCommandOptionType.String as const, ...(option.maxLength === undefined ? {} : { max_length: option.maxLength }) };
  if (option.choices !== undefined) return { ...string, choices: option.choices.map((choice) => ({ name: choice, value: choice })) };
  return { ...string, ...(option.autocomplete === undefined ? {} : { autocomplete: true as const }) };
}
