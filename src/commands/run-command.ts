/**
 * The one place commands are run, whatever the platform: finds the subcommand, checks permission, calls the
 * handler, and turns any failure into an ephemeral answer for the person (a HeraldError's own userMessage) and a
 * log line with the detail for the operator. Never throws.
 */
import { HeraldError, userMessageOf } from '../errors.ts';
import { requiredPermission } from './definition.ts';
import type { CommandContext, CommandGroupDefinition, OptionValues } from './definition.ts';
import { errorReply, reply } from './reply.ts';
import type { Reply } from './reply.ts';

export interface CommandRequest {
  readonly group: string;
  readonly subcommand: string;
  readonly options: OptionValues;
  /** Decided by the adapter from the platform's own roles (Discord: Manage Server; Slack: admins). */
  readonly canManage: boolean;
}

/** Who may change things, in each platform's own terms. */
const MANAGERS: Readonly<Record<CommandContext['platform'], string>> = {
  discord: 'people who can manage this server',
  slack: "workspace admins and owners (and the members listed under slack.admins in Herald's config)",
  console: 'the operator',
};

export async function runCommand(groups: readonly CommandGroupDefinition[], request: CommandRequest, context: CommandContext): Promise<Reply> {
  const group = groups.find((candidate) => candidate.name === request.group);
  const subcommand = group?.subcommands.find((candidate) => candidate.name === request.subcommand);
  const log = context.log.child({ command: `/${request.group} ${request.subcommand}`, user: context.userId, workspace: context.workspaceId });
  if (group === undefined || subcommand === undefined) {
    log.warn('unknown command');
    const known = group?.subcommands.map((candidate) => candidate.name).join(', ');
    return reply([[`Unknown command /${request.group} ${request.subcommand}.${known ? ` Try one of: ${known}.` : ''}`]]);
  }
  if (requiredPermission(subcommand, request.options) === 'manage' && !request.canManage) {
    log.info('refused: missing manage permission');
    return reply([[`Only ${MANAGERS[context.platform]} may use /${group.name} ${subcommand.name}. Ask an admin, or try /${group.name} list or /${group.name} preview.`]]);
  }
  for (const option of subcommand.options) {
    const value = request.options[option.name];
    if (option.required && (value === undefined || (typeof value === 'string' && value.trim() === ''))) {
      return reply([[`/${group.name} ${subcommand.name} needs ${option.name}: ${option.description}.`]]);
    }
  }
  try {
    return await subcommand.run({ ...context, log }, request.options);
  } catch (error) {
    if (error instanceof HeraldError) log.info('command refused', { code: error.code, error: error.message });
    else log.error('command failed', { error });
    return errorReply(userMessageOf(error));
  }
}
