import { describe, expect, it } from 'vitest';
import { validateCommandList } from './command-validation.ts';

const option = (fields: Record<string, unknown>) => ({ type: 3, name: 'url', description: 'Feed URL', ...fields });
const bigChoices = Array.from({ length: 25 }, (_, i) => ({ name: 'n'.repeat(100), value: `${i}`.padEnd(100, 'v') }));
const command = (fields: Record<string, unknown> = {}) => ({ name: 'feed', description: 'Manage feeds', ...fields });

describe('validateCommandList', () => {
  const accepted: Array<[string, unknown[]]> = [
    ['a plain command', [command()]],
    ['names with dashes, digits, Japanese and Devanagari', [command({ name: 'rss-2' }), command({ name: 'フィード' }), command({ name: 'फ़ीड' })]],
    ['a user command with a mixed-case name and no description', [command({ name: 'Show Feeds', type: 2, description: '' })]],
    ['the same name for a slash and a user command', [command(), command({ type: 2, description: '' })]],
    ['subcommands in a group', [command({ options: [{ type: 2, name: 'rule', description: 'Rules', options: [{ type: 1, name: 'set', description: 'Set' }] }] })]],
    ['required options before optional ones', [command({ options: [option({ required: true }), option({ name: 'channel', type: 7 })] })]],
    ['an autocomplete option', [command({ options: [option({ autocomplete: true })] })]],
  ];
  it.each(accepted)('accepts %s', (_name, commands) => {
    expect(validateCommandList(commands)).toBeNull();
  });

  const refused: Array<[string, unknown[], object]> = [
    ['an uppercase slash command name', [command({ name: 'Feed' })], { 0: { name: {} } }],
    ['a name with a combining mark outside Devanagari and Thai', [command({ name: 'ফিড' })], { 0: { name: { _errors: [{ code: 'STRING_TYPE_REGEX' }] } } }],
    ['a name with a space', [command({ name: 'my feed' })], { 0: { name: { _errors: [{ code: 'STRING_TYPE_REGEX' }] } } }],
    ['a name over 32 characters', [command({ name: 'x'.repeat(33) })], { 0: { name: {} } }],
    ['an empty description', [command({ description: '' })], { 0: { description: {} } }],
    ['a description over 100 characters', [command({ description: 'x'.repeat(101) })], { 0: { description: {} } }],
    ['two commands with one name', [command(), command()], { 1: { name: { _errors: [{ code: 'APPLICATION_COMMANDS_DUPLICATE_NAME' }] } } }],
    ['an option type of 12', [command({ options: [option({ type: 12 })] })], { 0: { options: { 0: { type: {} } } } }],
    ['26 options', [command({ options: Array.from({ length: 26 }, (_, i) => option({ name: `o${i}` })) })], { 0: { options: { _errors: [{}] } } }],
    ['a required option after an optional one', [command({ options: [option({}), option({ name: 'b', required: true })] })], { 0: { options: { 1: { required: {} } } } }],
    ['choices together with autocomplete', [command({ options: [option({ autocomplete: true, choices: [{ name: 'a', value: 'a' }] })] })], { 0: { options: { 0: { autocomplete: {} } } } }],
    ['choices on a boolean', [command({ options: [option({ type: 5, choices: [{ name: 'a', value: 1 }] })] })], { 0: { options: { 0: { choices: {} } } } }],
    ['subcommands mixed with options', [command({ options: [{ type: 1, name: 'add', description: 'Add' }, option({})] })], { 0: { options: { _errors: [{}] } } }],
    ['a group nested in a subcommand', [command({ options: [{ type: 1, name: 'add', description: 'Add', options: [{ type: 2, name: 'g', description: 'G' }] }] })], { 0: { options: { 0: { options: { 0: { type: {} } } } } } }],
    ['duplicate option names', [command({ options: [option({}), option({})] })], { 0: { options: { 1: { name: {} } } } }],
    ['a command over 8000 characters', [command({ options: ['a', 'b'].map((name) => option({ name, choices: bigChoices })) })], { 0: { _errors: [{ code: 'APPLICATION_COMMAND_TOO_LARGE' }] } }],
  ];
  it.each(refused)('refuses %s with 50035', (_name, commands, errors) => {
    const result = validateCommandList(commands);
    expect(result).toMatchObject({ code: 50035 });
    expect(result?.errors).toMatchObject(errors);
  });

  it('refuses a 101st slash command with 30032', () => {
    const many = Array.from({ length: 101 }, (_, i) => command({ name: `c${i}` }));
    expect(validateCommandList(many)).toEqual({ code: 30032, message: 'Maximum number of application commands reached' });
  });
});
