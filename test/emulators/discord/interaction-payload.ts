/**
 * Builds the INTERACTION_CREATE payload a user's slash command (type 2) or autocomplete (type 4)
 * produces, from a test's input and the command the bot registered: options typed from the
 * registered definition, `resolved` for channels/users/roles, the member with its permissions, the
 * channel and the bot's app_permissions. Throws on input Discord's client would never send.
 */
import { EVERYONE_PERMISSIONS } from './state.ts';
import type { EmulatorState, StoredCommand } from './state.ts';
import { channelObject, memberObject, roleObject, roleObjects, userObject } from './objects.ts';
import type { AutocompleteInput, CommandInput, OptionInput } from './types.ts';

type Json = Record<string, unknown>;
type OptionDef = Json & { name: string; type: number };

const DEFAULT_USER = { id: '100000000000000001', name: 'tester' };
const STRING = 3, INTEGER = 4, BOOLEAN = 5, USER = 6, CHANNEL = 7, ROLE = 8, MENTIONABLE = 9, NUMBER = 10;

function findCommand(state: EmulatorState, guildId: string, name: string): StoredCommand {
  const matches = (c: StoredCommand) => c.name === name && c.type === 1;
  const command = state.commandsFor(guildId).find(matches) ?? state.globalCommands.find(matches);
  if (!command) {
    throw new Error(`/${name} is not registered globally or in guild ${guildId}; Discord only sends commands the bot registered`);
  }
  return command;
}

function childOptions(parent: Json): OptionDef[] {
  return Array.isArray(parent.options) ? (parent.options as OptionDef[]) : [];
}

/** Walks group/subcommand and returns the definitions of the leaf's options plus the wrapping. */
function selectLeaf(command: StoredCommand, input: CommandInput): { defs: OptionDef[]; wrap: (options: Json[]) => Json[] } {
  const top = childOptions(command);
  const pick = (defs: OptionDef[], name: string | undefined, type: number, what: string): OptionDef => {
    const def = defs.find((d) => d.name === name && d.type === type);
    if (!def) throw new Error(`/${command.name} has no ${what} "${name}" (it has: ${defs.map((d) => d.name).join(', ') || 'none'})`);
    return def;
  };
  if (input.subcommandGroup !== undefined) {
    const group = pick(top, input.subcommandGroup, 2, 'subcommand group');
    const sub = pick(childOptions(group), input.subcommand, 1, 'subcommand');
    return { defs: childOptions(sub), wrap: (options) => [{ name: group.name, type: 2, options: [{ name: sub.name, type: 1, options }] }] };
  }
  if (input.subcommand !== undefined) {
    const sub = pick(top, input.subcommand, 1, 'subcommand');
    return { defs: childOptions(sub), wrap: (options) => [{ name: sub.name, type: 1, options }] };
  }
  if (top.some((d) => d.type === 1 || d.type === 2)) throw new Error(`/${command.name} needs a subcommand`);
  return { defs: top, wrap: (options) => options };
}

function checkChoice(def: OptionDef, value: unknown): void {
  const choices = def.choices as Array<{ value: unknown }> | undefined;
  if (choices && choices.length > 0 && !choices.some((c) => c.value === value)) {
    throw new Error(`option ${def.name} only accepts its choices (${choices.map((c) => JSON.stringify(c.value)).join(', ')})`);
  }
}

export function buildInteraction(
  state: EmulatorState,
  input: CommandInput | AutocompleteInput,
  ids: { id: string; token: string },
): Json {
  const guild = state.guilds.get(input.guildId);
  if (!guild?.member) throw new Error(`the bot is not in guild ${input.guildId}`);
  const channel = state.channels.get(input.channelId);
  if (!channel || channel.guildId !== guild.id || channel.access === 'missing') {
    throw new Error(`channel ${input.channelId} does not exist in guild ${guild.id}`);
  }
  const focused = 'focused' in input ? input.focused : undefined;
  const command = findCommand(state, guild.id, input.name);
  const { defs, wrap } = selectLeaf(command, input);
  const given: Record<string, OptionInput> = { ...input.options };
  if (focused !== undefined && given[focused] === undefined) given[focused] = '';

  const user = input.user ?? DEFAULT_USER;
  const permissions = input.permissions === undefined ? EVERYONE_PERMISSIONS : BigInt(input.permissions);
  const resolved: Record<string, Record<string, Json>> = {};
  const resolve = (kind: string, id: string, value: Json) => {
    resolved[kind] = { ...resolved[kind], [id]: value };
  };
  const roles = roleObjects(state, guild);

  const options = Object.entries(given).map(([name, value]): Json => {
    const def = defs.find((d) => d.name === name);
    if (!def) throw new Error(`/${command.name} has no option "${name}" here (it has: ${defs.map((d) => d.name).join(', ') || 'none'})`);
    const isFocused = name === focused;
    if (isFocused && def.autocomplete !== true) throw new Error(`option ${name} does not have autocomplete enabled`);
    const typed = (v: unknown): Json => ({ name, type: def.type, value: v, ...(isFocused ? { focused: true } : {}) });
    const object = typeof value === 'object' ? (value as Json) : undefined;
    switch (def.type) {
      case STRING:
        if (typeof value !== 'string') throw new Error(`option ${name} is a STRING`);
        if (!isFocused) checkChoice(def, value);
        return typed(value);
      case INTEGER:
      case NUMBER:
        if (typeof value !== 'number' || (def.type === INTEGER && !Number.isInteger(value))) {
          throw new Error(`option ${name} is ${def.type === INTEGER ? 'an INTEGER' : 'a NUMBER'}`);
        }
        if (!isFocused) checkChoice(def, value);
        return typed(value);
      case BOOLEAN:
        if (typeof value !== 'boolean') throw new Error(`option ${name} is a BOOLEAN`);
        return typed(value);
      case CHANNEL: {
        const target = state.channels.get(String(object?.channelId));
        if (!target || target.guildId !== guild.id || target.access === 'missing') {
          throw new Error(`option ${name} needs { channelId } of a channel in guild ${guild.id}`);
        }
        const types = def.channel_types as number[] | undefined;
        if (types && !types.includes(target.type)) throw new Error(`option ${name} only accepts channel types ${types.join(', ')}`);
        resolve('channels', target.id, { ...channelObject(state, target), permissions: permissions.toString() });
        return typed(target.id);
      }
      case USER:
      case MENTIONABLE:
      case ROLE: {
        if (object && 'userId' in object && def.type !== ROLE) {
          const id = String(object.userId);
          const member = memberObject(userObject(id, String(object.name ?? 'member')), [], new Date().toISOString(), EVERYONE_PERMISSIONS);
          resolve('users', id, member.user as Json);
          delete member.user;
          resolve('members', id, member);
          return typed(id);
        }
        if (object && 'missingRoleId' in object && def.type === ROLE) {
          const id = String(object.missingRoleId);
          if (roles.some((r) => r.id === id)) throw new Error(`option ${name}: role ${id} is in the guild; pass { roleId }`);
          if (object.staleName !== undefined) resolve('roles', id, roleObject(id, String(object.staleName), 0n, 1, false));
          return typed(id);
        }
        const role = def.type === USER ? undefined : roles.find((r) => r.id === object?.roleId);
        if (!role) throw new Error(`option ${name} needs ${def.type === ROLE ? '{ roleId } of a role in the guild' : '{ userId }'}`);
        resolve('roles', String(role.id), role);
        return typed(role.id);
      }
      default:
        throw new Error(`option ${name} has type ${def.type}, which the emulator cannot send`);
    }
  });

  if (focused === undefined) {
    const missing = defs.filter((d) => d.required === true && given[d.name] === undefined).map((d) => d.name);
    if (missing.length > 0) throw new Error(`/${command.name} requires ${missing.join(', ')}`);
  }

  const appPermissions = state.botPermissions(channel);
  return {
    id: ids.id,
    application_id: state.applicationId,
    type: focused === undefined ? 2 : 4,
    data: {
      id: command.id,
      name: command.name,
      type: 1,
      options: wrap(options),
      ...(Object.keys(resolved).length > 0 ? { resolved } : {}),
      ...(command.guild_id ? { guild_id: command.guild_id } : {}),
    },
    guild: { id: guild.id, locale: 'en-US', features: [] },
    guild_id: guild.id,
    channel: { ...channelObject(state, channel), permissions: permissions.toString() },
    channel_id: channel.id,
    member: memberObject(userObject(user.id, user.name ?? DEFAULT_USER.name), [], guild.joinedAt, permissions),
    token: ids.token,
    version: 1,
    app_permissions: appPermissions.toString(),
    locale: input.locale ?? 'en-US',
    guild_locale: 'en-US',
    entitlements: [],
    authorizing_integration_owners: { '0': guild.id },
    context: 0,
    attachment_size_limit: 10 * 1024 * 1024,
  };
}
