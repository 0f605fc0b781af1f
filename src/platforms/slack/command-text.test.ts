import { describe, expect, it } from 'vitest';
import { feedCommand } from '../../../commands/feed.ts';
import type { CommandGroupDefinition, SubcommandDefinition } from '../../commands/definition.ts';
import { reply } from '../../commands/reply.ts';
import { parseSlashCommandText } from './command-text.ts';
import type { ParsedCommandText } from './command-text.ts';

/** The parse as plain data: the subcommand by name. */
function parse(text: string, group: CommandGroupDefinition = feedCommand) {
  const result: ParsedCommandText = parseSlashCommandText(group, text);
  if (result.kind === 'command') return { command: result.subcommand.name, options: result.options };
  if (result.kind === 'help') return { help: result.subcommand?.name ?? 'all' };
  return { error: result.message, subcommand: result.subcommand?.name };
}

function errorOf(text: string): string {
  const result = parse(text);
  if (!('error' in result) || result.error === undefined) throw new Error(`expected a usage error for ${JSON.stringify(text)}, got ${JSON.stringify(result)}`);
  return result.error;
}

describe('parseSlashCommandText', () => {
  it.each([
    [
      'add <https://example.org/atom.xml> category:rust -title:"rust belt"',
      { command: 'add', options: { url: 'https://example.org/atom.xml', filter: 'category:rust -title:"rust belt"' } },
    ],
    [
      'add <https://example.org/atom.xml|example.org/atom.xml> <#C0123|releases> kafka OR “event streaming”',
      { command: 'add', options: { url: 'https://example.org/atom.xml', channel: { id: 'C0123', name: 'releases' }, filter: 'kafka OR "event streaming"' } },
    ],
    ['add https://x.test/feed <#C0123>', { command: 'add', options: { url: 'https://x.test/feed', channel: { id: 'C0123' } } }],
    ['add <https://x.test/feed>', { command: 'add', options: { url: 'https://x.test/feed' } }],
    ['list <#C0123>', { command: 'list', options: { channel: { id: 'C0123' } } }],
    ['list <#C0123|>', { command: 'list', options: { channel: { id: 'C0123' } } }],
    ['list', { command: 'list', options: {} }],
    ['remove abc123', { command: 'remove', options: { subscription: 'abc123' } }],
    ['pause abc123', { command: 'pause', options: { subscription: 'abc123' } }],
    ['resume abc123', { command: 'resume', options: { subscription: 'abc123' } }],
    ['preview <https://x.test/feed> title:kafka', { command: 'preview', options: { url: 'https://x.test/feed', filter: 'title:kafka' } }],
    [
      'preview <https://x.test/feed> kafka -sponsored template: *{title}* &lt;b&gt; {summary:200}',
      { command: 'preview', options: { url: 'https://x.test/feed', filter: 'kafka -sponsored', template: '*{title}* <b> {summary:200}' } },
    ],
    ['preview <https://x.test/feed> Template: {title}', { command: 'preview', options: { url: 'https://x.test/feed', template: '{title}' } }],
    ['format abc123 **{title}** by {author}', { command: 'format', options: { subscription: 'abc123', template: '**{title}** by {author}' } }],
    ['format abc123', { command: 'format', options: { subscription: 'abc123' } }],
    ['preview <https://x.test/feed>', { command: 'preview', options: { url: 'https://x.test/feed' } }],
    ['why <https://x.test/posts/1|x.test/posts/1>', { command: 'why', options: { link: 'https://x.test/posts/1' } }],
    ['ADD <https://x.test/feed>', { command: 'add', options: { url: 'https://x.test/feed' } }],
    ['  list \n\n  <#C9|news>  ', { command: 'list', options: { channel: { id: 'C9', name: 'news' } } }],
    ['add\n<https://x.test/feed>   \n <#C1|a>\t kafka', { command: 'add', options: { url: 'https://x.test/feed', channel: { id: 'C1', name: 'a' }, filter: 'kafka' } }],
  ])('%j', (text, expected) => {
    expect(parse(text)).toEqual(expected);
  });

  it('asks for help on empty text, `help`, and `help <subcommand>` in any case', () => {
    expect(parse('')).toEqual({ help: 'all' });
    expect(parse('   \n ')).toEqual({ help: 'all' });
    expect(parse('help')).toEqual({ help: 'all' });
    expect(parse('HELP Add')).toEqual({ help: 'add' });
    expect(errorOf('help frobnicate')).toContain('Unknown subcommand `frobnicate`');
    expect(errorOf('help ad')).toContain('Did you mean `/feed help add`?');
    expect(errorOf('help add list')).toContain('takes one subcommand name');
  });

  describe('filters (free text)', () => {
    it('decodes the entities Slack escapes typed & < > into', () => {
      expect(parse('preview <https://x.test/feed> title:&lt;T&gt; AND "R&amp;D"').options?.filter).toBe('title:<T> AND "R&D"');
      expect(parse('preview <https://x.test/feed> &amp;lt;').options?.filter).toBe('&lt;');
    });

    it('puts back the words Slack turned into links', () => {
      expect(parse('preview <https://x.test/feed> link:<http://example.com|example.com> OR <http://node.js>').options?.filter).toBe('link:example.com OR http://node.js');
      expect(parse('preview <https://x.test/feed> <mailto:a@b.test|a@b.test>').options?.filter).toBe('a@b.test');
      expect(parse('preview <https://x.test/feed> <http://a.test?x=1&amp;y=2>').options?.filter).toBe('http://a.test?x=1&y=2');
    });

    it('straightens typographic quotes, leaving apostrophes', () => {
      expect(parse('preview <https://x.test/feed> „event streaming“ OR ″kafka streams″').options?.filter).toBe('"event streaming" OR "kafka streams"');
      expect(parse('preview <https://x.test/feed> ‘rust belt’ OR -title:‘don’t’ OR don’t').options?.filter).toBe('"rust belt" OR -title:"don’t" OR don’t');
    });

    it('keeps the spacing inside the filter and trims its ends', () => {
      expect(parse('preview <https://x.test/feed>   kafka   OR\nrust  \n').options?.filter).toBe('kafka   OR\nrust');
    });

    it('shows mentions as they read', () => {
      expect(parse('preview <https://x.test/feed> <@U1|ann> OR <!subteam^S1|@ops> OR <!here>').options?.filter).toBe('@ann OR @ops OR @here');
    });
  });

  describe('usage errors', () => {
    it('names the missing option and shows the usage', () => {
      const result = parseSlashCommandText(feedCommand, 'remove');
      expect(result.kind).toBe('usage-error');
      expect(result.kind === 'usage-error' && result.subcommand?.name).toBe('remove');
      expect(errorOf('remove')).toBe('Missing <subscription>: The subscription (its id from /feed list).');
      expect(errorOf('pause')).toContain('Missing <subscription>');
      expect(parse('resume')).toEqual({ error: 'Missing <subscription>: The subscription (its id from /feed list).', subcommand: 'resume' });
      expect(errorOf('add')).toContain('Missing <url>');
      expect(errorOf('add <#C1|news> <https://x.test/feed>')).toContain('<url> goes here, not a channel (#news)');
    });

    it('asks for the text after a keyword', () => {
      expect(errorOf('preview <https://x.test/feed> kafka template:')).toBe('`template:` needs [template: template...] after it: ' + feedCommand.subcommands.find((s) => s.name === 'preview')!.options[2]!.description + '.');
    });

    it('refuses words after the last option', () => {
      expect(errorOf('remove a b')).toBe('Too much text after `/feed remove`: `b` is left over.');
      expect(errorOf('list <#C1|a> <#C2|b>')).toContain('`#b` is left over');
      expect(errorOf('list everything')).toContain('`everything` is left over');
    });

    it('asks for a channel picked from the list when one is typed as plain text', () => {
      expect(errorOf('list #general')).toContain("Pick the channel from Slack's # list");
      expect(errorOf('add <https://x.test/feed> #releases kafka')).toContain('`#releases`');
    });

    it('refuses a channel inside the filter, saying where it goes', () => {
      expect(errorOf('add <https://x.test/feed> kafka <#C1|news>')).toContain('The channel goes right where [#channel] is');
      expect(errorOf('preview <https://x.test/feed> kafka <#C1|news>')).toContain('`/feed preview` does not take a channel');
    });

    it('suggests the subcommand meant', () => {
      expect(errorOf('ad <https://x.test/feed>')).toBe('Unknown subcommand `ad`. Did you mean `/feed add`? `/feed` knows add, list, remove, preview, pause, resume, why, export, filter, rules, mention, status, format and help.');
      expect(errorOf('rem abc')).toContain('Did you mean `/feed remove`?');
      expect(errorOf('hlep')).toContain('Did you mean `/feed help`?');
      expect(errorOf('frobnicate')).toBe('Unknown subcommand `frobnicate`. `/feed` knows add, list, remove, preview, pause, resume, why, export, filter, rules, mention, status, format and help.');
      expect(parse('<#C1|x>')).toEqual({ error: expect.stringContaining('Unknown subcommand `#x`'), subcommand: undefined });
    });

    it('refuses values over the option limit, naming the option and the limit', () => {
      const url = `https://x.test/${'a'.repeat(2000)}`;
      expect(errorOf(`add <${url}>`)).toContain(`The url is too long: ${url.length} characters, at most 2000.`);
      expect(errorOf(`preview <https://x.test/feed> ${'kafka '.repeat(200)}`)).toContain('The filter is too long: 1199 characters, at most 1000.');
      expect(parse(`preview <https://x.test/feed> ${'k'.repeat(1000)}`).options?.filter).toHaveLength(1000);
    });

    it('keeps backquotes the person typed from breaking the message', () => {
      expect(errorOf('a`b')).toContain('Unknown subcommand `a b`.');
    });
  });

  describe('follows the definition', () => {
    const noop = async () => reply([]);
    const sub = (name: string, options: SubcommandDefinition['options']): SubcommandDefinition => ({ name, description: name, permission: 'member', options, run: noop });
    const group: CommandGroupDefinition = {
      name: 'alert',
      description: 'test',
      subcommands: [
        sub('send', [
          { name: 'to', description: 'who', type: 'channel', required: true },
          { name: 'level', description: 'how loud', type: 'string' },
          { name: 'message', description: 'what', type: 'string', required: true, freeText: true },
        ]),
        sub('broken', [
          { name: 'text', description: 'x', type: 'string', freeText: true },
          { name: 'after', description: 'y', type: 'string' },
        ]),
      ],
    };

    it('takes options in definition order, with required channels and free text', () => {
      expect(parse('send <#C1|ops> high the disk is full', group)).toEqual({ command: 'send', options: { to: { id: 'C1', name: 'ops' }, level: 'high', message: 'the disk is full' } });
      expect(parse('send high disk', group)).toEqual({ error: 'Missing <#to>: who.', subcommand: 'send' });
      expect(parse('send <#C1> high', group)).toEqual({ error: 'Missing <message...>: what.', subcommand: 'send' });
      expect(parse('add', group)).toEqual({ error: 'Unknown subcommand `add`. `/alert` knows send, broken and help.', subcommand: undefined });
    });

    it('refuses a definition whose free text is not last', () => {
      expect(() => parseSlashCommandText(group, 'broken x')).toThrow('free-text option text must be the last option');
    });
  });
});

describe('parseSlashCommandText for /feed rules and /feed mention', () => {
  const parse = (text: string) => parseSlashCommandText(feedCommand, text);

  it('reads `rules set <rule>` as the action and the rest of the line, and `rules` alone as show', () => {
    expect(parse('rules set -sponsored -category:jobs')).toMatchObject({ kind: 'command', options: { action: 'set', rule: '-sponsored -category:jobs' } });
    expect(parse('rules')).toMatchObject({ kind: 'command', options: {} });
    expect(parse('rules frobnicate')).toMatchObject({ kind: 'usage-error', message: '`frobnicate` is not one of `show`, `set`, `clear`.' });
  });

  it('reads a picked user group with its id, a typed handle without, and the rule after `when`', () => {
    expect(parse('mention abc123 <!subteam^S0123|@releases> when title:release -beta')).toMatchObject({
      kind: 'command', options: { subscription: 'abc123', role: { kind: 'role', id: 'S0123', name: 'releases' }, when: 'title:release -beta' },
    });
    expect(parse('mention abc123 @oncall')).toMatchObject({ kind: 'command', options: { role: { kind: 'role', name: 'oncall' } } });
    const cleared = parse('mention abc123');
    expect(cleared).toMatchObject({ kind: 'command', options: { subscription: 'abc123' } });
    expect(cleared.kind === 'command' && 'role' in cleared.options).toBe(false);
    expect(parse('mention abc123 when kafka')).toMatchObject({ kind: 'command', options: { when: 'kafka' } });
  });
});
