/**
 * Receives Discord interactions: slash commands become one neutral CommandRequest run by runCommand, and the
 * Reply is rendered back; slow subcommands are deferred first so Discord's 3-second window is always met.
 * Autocomplete offers this server's subscriptions. Every answer is ephemeral and pings nobody.
 */
import { MessageFlags, PermissionFlagsBits } from 'discord.js';
import type { AutocompleteInteraction, ChatInputCommandInteraction, Interaction } from 'discord.js';
import type { CommandContext, CommandGroupDefinition, OptionValues, RoleDirectory } from '../../commands/definition.ts';
import { runCommand } from '../../commands/run-command.ts';
import type { Logger } from '../../log.ts';
import { truncateText } from '../../format/truncate.ts';
import type { SubscriptionService } from '../../services/subscription-service.ts';
import type { WorkspaceRules } from '../../services/workspace-rules.ts';
import { renderDiscordReply } from './render-reply.ts';

export interface InteractionDependencies {
  readonly groups: readonly CommandGroupDefinition[];
  readonly subscriptions: SubscriptionService;
  readonly workspaceRules: WorkspaceRules;
  /** The server's roles, for /feed mention. */
  readonly roles: RoleDirectory;
  readonly log: Logger;
}

const NO_PINGS = { parse: [] as [] };
const AUTOCOMPLETE_LIMIT = 25;
const CHOICE_NAME_LIMIT = 100;

export async function handleInteraction(interaction: Interaction, deps: InteractionDependencies): Promise<void> {
  try {
    if (interaction.isChatInputCommand()) await handleCommand(interaction, deps);
    else if (interaction.isAutocomplete()) await handleAutocomplete(interaction, deps);
  } catch (error) {
    deps.log.error('could not answer a Discord interaction', { error, interaction: interaction.id });
  }
}

async function handleCommand(interaction: ChatInputCommandInteraction, deps: InteractionDependencies): Promise<void> {
  if (!interaction.inGuild()) {
    await interaction.reply({ content: 'Herald works in servers, not in direct messages.', flags: MessageFlags.Ephemeral });
    return;
  }
  const group = deps.groups.find((candidate) => candidate.name === interaction.commandName);
  const subcommandName = interaction.options.getSubcommand(false) ?? '';
  const subcommand = group?.subcommands.find((candidate) => candidate.name === subcommandName);
  if (subcommand?.slow) await interaction.deferReply({ flags: MessageFlags.Ephemeral });

  const options: Record<string, OptionValues[string]> = {};
  for (const option of subcommand?.options ?? []) {
    if (option.type === 'channel') {
      const channel = interaction.options.getChannel(option.name, false);
      if (channel) options[option.name] = { id: channel.id, name: channel.name ?? undefined };
    } else if (option.type === 'role') {
      // By the id given, resolved or not: an id Discord did not resolve is a role that is not there (refused as
      // such), never "no role", which would stop the pings.
      const given = interaction.options.get(option.name, false);
      if (given?.value !== undefined) options[option.name] = { kind: 'role', id: String(given.value), name: given.role?.name ?? String(given.value) };
    } else {
      const value = interaction.options.getString(option.name, false);
      if (value !== null) options[option.name] = value;
    }
  }
  const context: CommandContext = {
    platform: 'discord',
    workspaceId: interaction.guildId,
    userId: interaction.user.id,
    channel: { id: interaction.channelId, name: interaction.channel && 'name' in interaction.channel ? (interaction.channel.name ?? undefined) : undefined },
    services: { subscriptions: deps.subscriptions, workspaceRules: deps.workspaceRules, roles: deps.roles },
    log: deps.log,
  };
  const canManage = interaction.memberPermissions.has(PermissionFlagsBits.ManageGuild);
  const answer = await runCommand(deps.groups, { group: interaction.commandName, subcommand: subcommandName, options, canManage }, context);
  const content = renderDiscordReply(answer);
  // discord.js sends a file as multipart/form-data: payload_json and files[0].
  const files = answer.attachment === undefined ? [] : [{ attachment: Buffer.from(answer.attachment.content, 'utf8'), name: answer.attachment.filename, contentType: answer.attachment.contentType }];
  if (interaction.deferred) await interaction.editReply({ content, allowedMentions: NO_PINGS, files });
  else await interaction.reply({ content, allowedMentions: NO_PINGS, files, flags: answer.ephemeral ? MessageFlags.Ephemeral : undefined });
}

async function handleAutocomplete(interaction: AutocompleteInteraction, deps: InteractionDependencies): Promise<void> {
  if (interaction.guildId === null) return interaction.respond([]);
  const typed = interaction.options.getFocused().toLowerCase();
  const subscriptions = await deps.subscriptions.list({ platform: 'discord', workspaceId: interaction.guildId });
  const channelName = (id: string) => {
    const channel = interaction.guild?.channels.cache.get(id);
    return channel ? `#${channel.name}` : `#${id}`;
  };
  const choices = subscriptions
    .map((subscription) => ({
      name: truncateText(`${subscription.id} · ${channelName(subscription.channelId)} · ${subscription.feedTitle}${subscription.paused ? ' (paused)' : ''}`, CHOICE_NAME_LIMIT),
      value: subscription.id,
    }))
    .filter((choice) => typed === '' || choice.name.toLowerCase().includes(typed))
    .slice(0, AUTOCOMPLETE_LIMIT);
  await interaction.respond(choices);
}
