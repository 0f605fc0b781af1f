/**
 * Slack's usage text for a command group, generated from its definition: the one-line syntax of each subcommand
 * (`/feed add <url> [#channel] [filter...]`, also the manifest's usage hint and the usage errors), and the help
 * reply for `/feed help` or `/feed help add`. Returns Replies of spans, so the renderer escapes every part.
 */
import type { CommandGroupDefinition, OptionDefinition, SubcommandDefinition } from '../../commands/definition.ts';
import { reply } from '../../commands/reply.ts';
import type { Line, Reply } from '../../commands/reply.ts';

/** `help` is not a subcommand of any definition: Slack's one text box needs it, Discord shows options itself. */
export const HELP_SYNTAX = 'help [subcommand]';

/**
 * `<name>` required, `[name]` optional, `[#name]` a channel, `[name...]` free text taking the rest of the line (up to
 * a keyword: `[template: template...]`).
 */
export function optionPlaceholder(option: OptionDefinition): string {
  const name = option.type === 'channel' ? `#${option.name}` : option.freeText ? `${option.keyword === undefined ? '' : `${option.keyword} `}${option.name}...` : option.name;
  return option.required ? `<${name}>` : `[${name}]`;
}

/** `add <url> [#channel] [filter...]`: the subcommand and its options, without the command. */
export function slackSubcommandSyntax(subcommand: SubcommandDefinition): string {
  return [subcommand.name, ...subcommand.options.map(optionPlaceholder)].join(' ');
}

/** `/feed add <url> [#channel] [filter...]` */
export function slackUsageLine(group: CommandGroupDefinition, subcommand: SubcommandDefinition): string {
  return `/${group.name} ${slackSubcommandSyntax(subcommand)}`;
}

export function slackUsage(group: CommandGroupDefinition, subcommand?: SubcommandDefinition): Reply {
  return subcommand === undefined ? groupUsage(group) : subcommandUsage(group, subcommand);
}

function groupUsage(group: CommandGroupDefinition): Reply {
  const lines: Line[] = [
    [{ bold: `/${group.name}` }, `: ${group.description}`],
    ...group.subcommands.map((subcommand): Line => [{ code: slackUsageLine(group, subcommand) }, ` — ${subcommand.description}`]),
    [{ code: `/${group.name} ${HELP_SYNTAX}` }, " — This help, or one subcommand's options in detail"],
  ];
  const filter = group.subcommands.flatMap((subcommand) => subcommand.options).find((option) => option.freeText);
  if (filter !== undefined) lines.push([{ code: optionPlaceholder(filter) }, ` ${filter.description}`]);
  lines.push(["<…> is needed, […] is optional; pick channels from Slack's # list so they become links."]);
  return reply(lines);
}

function subcommandUsage(group: CommandGroupDefinition, subcommand: SubcommandDefinition): Reply {
  return reply([
    [{ code: slackUsageLine(group, subcommand) }, ` — ${subcommand.description}`],
    ...subcommand.options.map((option): Line => ['• ', { code: optionPlaceholder(option) }, ` ${option.description}${option.required ? '' : ' (optional)'}`]),
  ]);
}
