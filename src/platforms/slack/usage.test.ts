import { describe, expect, it } from 'vitest';
import { feedCommand } from '../../../commands/feed.ts';
import type { CommandGroupDefinition, SubcommandDefinition } from '../../commands/definition.ts';
import { reply, replyToPlainText } from '../../commands/reply.ts';
import { slackUsage, slackUsageLine } from './usage.ts';

const subcommand = (name: string): SubcommandDefinition => feedCommand.subcommands.find((candidate) => candidate.name === name)!;

describe('slackUsageLine', () => {
  it.each([
    ['add', '/feed add <url> [#channel] [filter...]'],
    ['list', '/feed list [#channel]'],
    ['remove', '/feed remove <subscription>'],
    ['preview', '/feed preview <url> [filter...] [template: template...]'],
    ['format', '/feed format <subscription> [template...]'],
    ['pause', '/feed pause <subscription>'],
    ['resume', '/feed resume <subscription>'],
    ['why', '/feed why <link>'],
  ])('%s', (name, line) => {
    expect(slackUsageLine(feedCommand, subcommand(name))).toBe(line);
  });
});

describe('slackUsage', () => {
  it('lists every subcommand with its description, help, and the filter syntax', () => {
    const text = replyToPlainText(slackUsage(feedCommand));
    const lines = text.split('\n');
    expect(lines[0]).toBe('/feed: Follow RSS, Atom and JSON feeds in this channel');
    expect(lines).toContain('/feed add <url> [#channel] [filter...] — Subscribe a channel to a feed; only new items that match the filter are posted');
    for (const name of ['list', 'remove', 'preview', 'pause', 'resume']) {
      expect(lines).toContain(`${slackUsageLine(feedCommand, subcommand(name))} — ${subcommand(name).description}`);
    }
    expect(text).toContain('/feed help [subcommand]');
    expect(text).toContain('[filter...] Which items to post: words, "phrases", AND/OR/NOT');
  });

  it('keeps usage lines in code spans and answers only the person who asked', () => {
    const answer = slackUsage(feedCommand);
    expect(answer.ephemeral).toBe(true);
    expect(answer.lines[1]?.[0]).toEqual({ code: '/feed add <url> [#channel] [filter...]' });
  });

  it('explains one subcommand option by option', () => {
    expect(replyToPlainText(slackUsage(feedCommand, subcommand('add'))).split('\n')).toEqual([
      '/feed add <url> [#channel] [filter...] — Subscribe a channel to a feed; only new items that match the filter are posted',
      '• <url> The feed URL (or a web page that links to its feed)',
      '• [#channel] Where to post (default: this channel) (optional)',
      `• [filter...] ${subcommand('add').options[2]!.description} (optional)`,
    ]);
  });

  it('follows the definition: a new subcommand gets its line, a group without free text no filter line', () => {
    const extra: SubcommandDefinition = {
      name: 'mute',
      description: 'Quiet a channel',
      permission: 'manage',
      options: [{ name: 'minutes', description: 'For how long', type: 'string' }],
      run: async () => reply([]),
    };
    const group: CommandGroupDefinition = { name: 'bell', description: 'Ring', subcommands: [extra] };
    const lines = replyToPlainText(slackUsage(group)).split('\n');
    expect(lines.slice(0, 3)).toEqual(['/bell: Ring', '/bell mute [minutes] — Quiet a channel', "/bell help [subcommand] — This help, or one subcommand's options in detail"]);
    expect(lines.some((line) => line.includes('...'))).toBe(false);

    const bigger = replyToPlainText(slackUsage({ ...feedCommand, subcommands: [...feedCommand.subcommands, extra] }));
    expect(bigger).toContain('/feed mute [minutes] — Quiet a channel');
  });
});
