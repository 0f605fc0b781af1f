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
 * `<name>` required, `[name]` optional, `[#name]` a channel, `[@name]` a user group, `[a|b]` one of its choices,
 * `[name...]` free text taking the rest of the line, or up to the keyword of a later option, which is typed after
 * its keyword: `[template: template...]`, `[when rule...]`.
 */
export function optionPlaceholder(option: OptionDefinition): string {
  const base = option.type === 'channel' ? `#${option.name}` : option.type === 'role' ? `@${option.name}` : option.choices !== undefined ? option.choices.join('|') : option.name;
  const free = option.freeText ? `${base}...` : base;
  // `when` is both the keyword and the option's name: what follows it is a rule.
  const name = option.keyword === undefined ? free : `${option.keyword} ${option.keyword === option.name ? 'rule...' : free}`;
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
