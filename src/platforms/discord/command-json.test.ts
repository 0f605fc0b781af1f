import { ApplicationCommandOptionType } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { commandGroups } from '../../../commands/index.ts';
import { toDiscordCommandJson } from './command-json.ts';

describe('toDiscordCommandJson', () => {
  const [feed] = commandGroups.map(toDiscordCommandJson);

  it('offers /feed with the subcommands and options of the definition', () => {
    expect(feed?.name).toBe('feed');
    const subcommands = Object.fromEntries((feed?.options ?? []).map((option) => [option.name, option]));
    expect(Object.keys(subcommands)).toEqual(['add', 'list', 'remove', 'preview', 'pause', 'resume', 'why', 'export', 'filter', 'rules', 'mention', 'status', 'format']);
    const add = subcommands.add as { options: Array<{ name: string; type: number; required: boolean }> };
    expect(add.options.map(({ name, type, required }) => ({ name, type, required }))).toEqual([
      { name: 'url', type: ApplicationCommandOptionType.String, required: true },
      { name: 'channel', type: ApplicationCommandOptionType.Channel, required: false },
      { name: 'filter', type: ApplicationCommandOptionType.String, required: false },
    ]);
    const remove = subcommands.remove as { options: Array<{ autocomplete?: boolean }> };
    expect(remove.options[0]?.autocomplete).toBe(true);
  });

  it('offers /feed rules its actions as choices and /feed mention a ROLE option', () => {
    const subcommands = Object.fromEntries((feed?.options ?? []).map((option) => [option.name, option])) as unknown as Record<string, { options: Array<Record<string, unknown>> }>;
    expect(subcommands.rules!.options[0]).toMatchObject({ name: 'action', type: ApplicationCommandOptionType.String, choices: [{ name: 'show', value: 'show' }, { name: 'set', value: 'set' }, { name: 'clear', value: 'clear' }] });
    expect(subcommands.mention!.options.map(({ name, type }) => [name, type])).toEqual([
      ['subscription', ApplicationCommandOptionType.String], ['role', ApplicationCommandOptionType.Role], ['when', ApplicationCommandOptionType.String],
    ]);
  });

  it('stays within Discord limits for names and descriptions', () => {
    const walk = (options: ReadonlyArray<{ name: string; description: string; options?: unknown }>): void => {
      for (const option of options) {
        expect(option.name).toMatch(/^[-_\p{Ll}\p{N}]{1,32}$/u);
        expect(option.description.length).toBeGreaterThan(0);
        expect(option.description.length).toBeLessThanOrEqual(100);
        if (Array.isArray(option.options)) walk(option.options);
      }
    };
    walk([feed!]);
  });
});
