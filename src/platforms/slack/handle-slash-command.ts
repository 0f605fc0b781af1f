/**
 * Receives a Slack slash command: parses its one line of text with the grammar generated from the command
 * definition, runs it through the one runCommand, and answers. Slack wants an acknowledgement within 3 seconds:
 * a slow subcommand (fetching a feed) is acknowledged at once with a progress line and answered through
 * response_url when done; anything else is answered in the acknowledgement itself unless it runs late, in which
 * case it is deferred the same way. Every answer is ephemeral and escaped, so it pings nobody.
 */
import { requiredPermission } from '../../commands/definition.ts';
import type { CommandContext, CommandGroupDefinition, RoleDirectory } from '../../commands/definition.ts';
import { errorReply, reply } from '../../commands/reply.ts';
import type { Reply, ReplyAttachment } from '../../commands/reply.ts';
import { runCommand } from '../../commands/run-command.ts';
import { messageOf, userMessageOf } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import type { SubscriptionService } from '../../services/subscription-service.ts';
import type { WorkspaceRules } from '../../services/workspace-rules.ts';
import { parseSlashCommandText } from './command-text.ts';
import type { ParsedCommandText } from './command-text.ts';
import { renderSlackReply } from './render-reply.ts';
import type { SlackReplyPayload } from './render-reply.ts';
import { slackUsage } from './usage.ts';

/** The fields of Slack's slash-command payload Herald reads. */
export interface SlashCommandInput {
  readonly command: string;
  readonly text: string;
  readonly team_id: string;
  readonly user_id: string;
  readonly channel_id: string;
  readonly channel_name?: string;
}

export interface SlashCommandAnswer {
  /** Acknowledges the command; what it carries is shown to the person at once. Call exactly once. */
  ack(answer: SlackReplyPayload): Promise<void>;
  /** Answers later through the command's response_url. */
  respond(answer: SlackReplyPayload): Promise<void>;
  /** Shares a file in the command's channel (files.getUploadURLExternal, the upload, files.completeUploadExternal). */
  upload?(file: ReplyAttachment): Promise<void>;
}

export interface SlashCommandDependencies {
  readonly groups: readonly CommandGroupDefinition[];
  readonly subscriptions: SubscriptionService;
  readonly workspaceRules: WorkspaceRules;
  /** The workspace's user groups, for /feed mention. */
  readonly roles: RoleDirectory;
  readonly canManage: (teamId: string, userId: string) => Promise<boolean>;
  readonly log: Logger;
  /** How long a quick subcommand may run before it is deferred; well inside Slack's 3 seconds. */
  readonly ackDeadlineMs?: number;
}

const DEFAULT_ACK_DEADLINE_MS = 2_000;

export async function handleSlashCommand(input: SlashCommandInput, answer: SlashCommandAnswer, deps: SlashCommandDependencies): Promise<void> {
  const group = deps.groups.find((candidate) => `/${candidate.name}` === input.command);
  if (group === undefined) {
    deps.log.warn('unknown Slack command', { command: input.command });
    await answer.ack(renderSlackReply(reply([[`Herald does not handle ${input.command}. Its command is /${deps.groups[0]?.name ?? 'feed'}.`]])));
    return;
  }
  const parsed = parseSlashCommandText(group, input.text);
  if (parsed.kind !== 'command') {
    if (parsed.kind === 'usage-error') deps.log.info('Slack command not understood', { command: input.command, text: input.text, problem: parsed.message, user: input.user_id });
    await answer.ack(renderSlackReply(helpReply(group, parsed)));
    return;
  }

  const work = run(input, group, parsed, deps).then((result) => withFileShared(result, answer, deps.log));
  if (parsed.subcommand.slow) {
    await answer.ack(renderSlackReply(progressReply(parsed)));
    await answerLater(work, answer, deps.log);
    return;
  }
  const early = await Promise.race([work, delay(deps.ackDeadlineMs ?? DEFAULT_ACK_DEADLINE_MS)]);
  if (early !== undefined) {
    await answer.ack(renderSlackReply(early));
    return;
  }
  await answer.ack(renderSlackReply(reply([['⏳ Working on it…']])));
  await answerLater(work, answer, deps.log);
}

/** Never rejects: whatever goes wrong becomes an answer for the person and a log line. */
async function run(input: SlashCommandInput, group: CommandGroupDefinition, parsed: Extract<ParsedCommandText, { kind: 'command' }>, deps: SlashCommandDependencies): Promise<Reply> {
  const context: CommandContext = {
    platform: 'slack',
    workspaceId: input.team_id,
    userId: input.user_id,
    channel: { id: input.channel_id, name: input.channel_name },
    services: { subscriptions: deps.subscriptions, workspaceRules: deps.workspaceRules, roles: deps.roles },
    log: deps.log,
  };
  try {
    const canManage = requiredPermission(parsed.subcommand, parsed.options) === 'manage' ? await deps.canManage(input.team_id, input.user_id) : false;
    return await runCommand(deps.groups, { group: group.name, subcommand: parsed.subcommand.name, options: parsed.options, canManage }, context);
  } catch (error) {
    deps.log.warn('could not run a Slack command', { command: `/${group.name} ${parsed.subcommand.name}`, user: input.user_id, error: messageOf(error) });
    return errorReply(userMessageOf(error));
  }
}

/**
 * A reply with a file: the file is shared in the channel and the answer says so; when Slack refuses it (the bot
 * is not in the channel, no files:write scope), the answer says why and carries the file's text as a snippet.
 */
async function withFileShared(result: Reply, answer: SlashCommandAnswer, log: Logger): Promise<Reply> {
  const file = result.attachment;
  if (file === undefined) return result;
  const { attachment: _sent, ...text } = result;
  try {
    if (answer.upload === undefined) throw new Error('file uploads are not available here');
    await answer.upload(file);
    return { ...text, lines: [...text.lines, [`The file ${file.filename} is shared in this channel.`]] };
  } catch (error) {
    const reason = (error as { data?: { error?: string } }).data?.error ?? messageOf(error);
    log.warn('could not share a file in Slack; answering with its text instead', { file: file.filename, error: reason });
    const hint = reason === 'not_in_channel' ? ' (invite Herald to this channel to get it as a file)' : reason === 'missing_scope' ? ' (the app needs the files:write scope: reinstall it from the current manifest)' : '';
    return { ...text, lines: [...text.lines, [`Could not attach ${file.filename}: ${reason}${hint}. Here it is as text:`], [{ preformatted: file.content }]] };
  }
}

async function answerLater(work: Promise<Reply>, answer: SlashCommandAnswer, log: Logger): Promise<void> {
  const result = await work;
  await answer.respond(renderSlackReply(result)).catch((error: unknown) => log.error('could not answer a Slack command through response_url', { error: messageOf(error) }));
}

function helpReply(group: CommandGroupDefinition, parsed: Exclude<ParsedCommandText, { kind: 'command' }>): Reply {
  if (parsed.kind === 'help') return slackUsage(group, parsed.subcommand);
  return reply([...errorReply(parsed.message).lines, [''], ...slackUsage(group, parsed.subcommand).lines]);
}

function progressReply(parsed: Extract<ParsedCommandText, { kind: 'command' }>): Reply {
  const url = parsed.options.url;
  return reply([typeof url === 'string' ? ['⏳ Fetching ', { code: url }, '…'] : ['⏳ Working on it…']]);
}

function delay(ms: number): Promise<undefined> {
  return new Promise((resolve) => setTimeout(() => resolve(undefined), ms).unref());
}
