/**
 * The two platforms cannot drift: for every command Herald defines, Discord's registered JSON, Slack's text
 * grammar and help, and the Slack manifest all offer the same subcommands with the same options, and a Slack
 * line written from the usage parses back to the options it names.
 */
import { describe, expect, it } from 'vitest';
import { commandGroups } from '../commands/index.ts';
import { toDiscordCommandJson } from '../src/platforms/discord/command-json.ts';
import { parseSlashCommandText } from '../src/platforms/slack/command-text.ts';
import { buildSlackManifest } from '../src/platforms/slack/manifest.ts';
import { slackUsageLine } from '../src/platforms/slack/usage.ts';

interface DiscordOption {
  name: string;
  required?: boolean;
  options?: DiscordOption[];
}

describe.each(commandGroups.map((group) => ({ name: group.name, group })))('/$name on both platforms', ({ group }) => {
  const discord = toDiscordCommandJson(group) as { name: string; options?: DiscordOption[] };
  const manifest = buildSlackManifest(commandGroups, { mode: 'socket' });
  const slashCommand = manifest.features.slash_commands.find((command) => command.command === `/${group.name}`);

  it('is one command with the same name everywhere', () => {
    expect(discord.name).toBe(group.name);
    expect(slashCommand).toBeDefined();
  });

  it.each(group.subcommands.map((subcommand) => ({ name: subcommand.name, subcommand })))('offers $name with the same options', ({ subcommand }) => {
    const onDiscord = discord.options?.find((option) => option.name === subcommand.name);
    expect(onDiscord?.options?.map((option) => [option.name, option.required === true]) ?? []).toEqual(
      subcommand.options.map((option) => [option.name, option.required === true]),
    );
    const usage = slackUsageLine(group, subcommand);
    expect(usage.startsWith(`/${group.name} ${subcommand.name}`)).toBe(true);
    for (const option of subcommand.options) expect(usage).toContain(option.type === 'channel' ? '#channel' : option.choices?.join('|') ?? option.name);
    expect(slashCommand!.usage_hint).toContain(subcommand.name);
  });

  it.each(group.subcommands.map((subcommand) => ({ name: subcommand.name, subcommand })))('parses a full Slack $name line back into every option', ({ subcommand }) => {
    const words = subcommand.options.map((option) => {
      if (option.type === 'channel') return '<#C0123|general>';
      if (option.type === 'role') return '<!subteam^S0123|@team>';
      if (option.choices !== undefined) return option.choices[0]!;
      return option.freeText ? `${option.keyword === undefined ? '' : `${option.keyword} `}${option.name} words "a phrase"` : `${option.name}-value`;
    });
    const parsed = parseSlashCommandText(group, [subcommand.name, ...words].join(' '));
    expect(parsed.kind).toBe('command');
    if (parsed.kind !== 'command') return;
    expect(parsed.subcommand.name).toBe(subcommand.name);
    expect(Object.keys(parsed.options).sort()).toEqual(subcommand.options.map((option) => option.name).sort());
  });
});
