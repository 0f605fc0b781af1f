/**
 * Validates application command JSON against application-commands.mdx: the naming regex (lowercase
 * for CHAT_INPUT), description 1-100, at most 25 options and choices, option types 1-11, required
 * options first, unique names, subcommand nesting, autocomplete without choices, the 8000-character
 * command size, and the per-type command counts. Returns null or Discord's 400 body.
 */
import { ErrorCollector } from './limits.ts';
import type { ApiErrorBody } from './limits.ts';

type Json = Record<string, unknown>;
type Path = Array<string | number>;

const NAME_PATTERN = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;
const SUB_COMMAND = 1;
const SUB_COMMAND_GROUP = 2;
const CHOICE_TYPES = new Set([3, 4, 10]);
const MAX_COMMANDS: Record<number, number> = { 1: 100, 2: 15, 3: 15, 4: 1 };
const MAX_COMMAND_SIZE = 8000;

function checkName(errors: ErrorCollector, path: Path, name: unknown, chatInput: boolean): number {
  if (typeof name !== 'string' || name.length === 0) {
    errors.add([...path, 'name'], 'BASE_TYPE_REQUIRED', 'This field is required');
    return 0;
  }
  const length = [...name].length;
  if (length > 32) errors.add([...path, 'name'], 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 32 in length.');
  else if (chatInput && !NAME_PATTERN.test(name)) {
    errors.add([...path, 'name'], 'STRING_TYPE_REGEX', 'String value did not match validation regex.');
  } else if (chatInput && name !== name.toLowerCase()) {
    errors.add([...path, 'name'], 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid');
  }
  return length;
}

function checkDescription(errors: ErrorCollector, path: Path, description: unknown): number {
  const length = typeof description === 'string' ? [...description].length : 0;
  if (length < 1 || length > 100) {
    errors.add([...path, 'description'], 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 100 in length.');
  }
  return length;
}

function checkUnique(errors: ErrorCollector, path: Path, items: Json[], code: string, message: string): void {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    const key = `${String(item.type ?? 1)}:${String(item.name)}`;
    if (seen.has(key)) errors.add([...path, i, 'name'], code, message);
    seen.add(key);
  });
}

function checkChoices(errors: ErrorCollector, path: Path, option: Json): number {
  const choices = option.choices;
  if (choices === undefined || choices === null) return 0;
  if (!Array.isArray(choices)) {
    errors.add([...path, 'choices'], 'BASE_TYPE_LIST', 'Must be a list.');
    return 0;
  }
  if (!CHOICE_TYPES.has(option.type as number)) {
    errors.add([...path, 'choices'], 'APPLICATION_COMMAND_OPTION_CHOICES_INVALID', 'Choices are only allowed for STRING, INTEGER and NUMBER options');
  }
  if (choices.length > 25) errors.add([...path, 'choices'], 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
  if (option.autocomplete === true && choices.length > 0) {
    errors.add([...path, 'autocomplete'], 'APPLICATION_COMMAND_AUTOCOMPLETE_INCOMPATIBLE', 'Autocomplete and choices are mutually exclusive');
  }
  let size = 0;
  choices.forEach((choice: Json, i: number) => {
    const name = typeof choice?.name === 'string' ? choice.name : '';
    if ([...name].length < 1 || [...name].length > 100) {
      errors.add([...path, 'choices', i, 'name'], 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 100 in length.');
    }
    const value = choice?.value;
    const stringOption = option.type === 3;
    if (stringOption ? typeof value !== 'string' : typeof value !== 'number') {
      errors.add([...path, 'choices', i, 'value'], stringOption ? 'BASE_TYPE_STRING' : 'NUMBER_TYPE_COERCE', 'Value has the wrong type for this option.');
    } else if (typeof value === 'string' && [...value].length > 100) {
      errors.add([...path, 'choices', i, 'value'], 'BASE_TYPE_MAX_LENGTH', 'Must be 100 or fewer in length.');
    }
    size += [...name].length + String(value ?? '').length;
  });
  return size;
}

/** Checks an options array at one nesting level; `level` 0 = command, 1 = subcommand/group, 2 = inside a group. */
function checkOptions(errors: ErrorCollector, path: Path, options: unknown, level: number, parentType?: number): number {
  if (options === undefined || options === null) return 0;
  if (!Array.isArray(options)) {
    errors.add([...path, 'options'], 'BASE_TYPE_LIST', 'Must be a list.');
    return 0;
  }
  if (options.length > 25) errors.add([...path, 'options'], 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
  checkUnique(errors, [...path, 'options'], options, 'APPLICATION_COMMAND_OPTION_NAME_ALREADY_EXISTS', 'Option names must be unique');
  const nested = options.filter((o: Json) => o?.type === SUB_COMMAND || o?.type === SUB_COMMAND_GROUP).length;
  if (nested > 0 && nested < options.length) {
    errors.add([...path, 'options'], 'APPLICATION_COMMAND_OPTIONS_TYPE_INVALID', 'Sub-command and sub-command group option types are mutually exclusive to all other types');
  }
  let size = 0;
  let sawOptional = false;
  options.forEach((option: Json, i: number) => {
    const at: Path = [...path, 'options', i];
    const type = option?.type;
    if (typeof type !== 'number' || !Number.isInteger(type) || type < 1 || type > 11) {
      errors.add([...at, 'type'], 'BASE_TYPE_CHOICES', 'Value must be one of {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}.');
      return;
    }
    const allowedHere =
      type === SUB_COMMAND_GROUP ? level === 0 : type === SUB_COMMAND ? level === 0 || parentType === SUB_COMMAND_GROUP : parentType !== SUB_COMMAND_GROUP;
    if (!allowedHere) errors.add([...at, 'type'], 'APPLICATION_COMMAND_OPTIONS_TYPE_INVALID', 'Option type is not allowed at this level');
    size += checkName(errors, at, option.name, true) + checkDescription(errors, at, option.description);
    if (option.required === true) {
      if (sawOptional) {
        errors.add([...at, 'required'], 'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID', 'Required options must be placed before non-required options');
      }
    } else if (type !== SUB_COMMAND && type !== SUB_COMMAND_GROUP) {
      sawOptional = true;
    }
    size += checkChoices(errors, at, option);
    if (option.autocomplete === true && !CHOICE_TYPES.has(type)) {
      errors.add([...at, 'autocomplete'], 'APPLICATION_COMMAND_AUTOCOMPLETE_INVALID', 'Autocomplete is only allowed for STRING, INTEGER and NUMBER options');
    }
    if (option.channel_types !== undefined && type !== 7) {
      errors.add([...at, 'channel_types'], 'APPLICATION_COMMAND_OPTION_INVALID', 'channel_types is only allowed for CHANNEL options');
    }
    for (const [key, min, max] of [['min_length', 0, 6000], ['max_length', 1, 6000]] as const) {
      const value = option[key];
      if (value !== undefined && (!Number.isInteger(value) || (value as number) < min || (value as number) > max)) {
        errors.add([...at, key], 'NUMBER_TYPE_MAX', `Must be between ${min} and ${max}.`);
      }
    }
    if (type === SUB_COMMAND || type === SUB_COMMAND_GROUP) size += checkOptions(errors, at, option.options, level + 1, type);
    else if (option.options !== undefined) {
      errors.add([...at, 'options'], 'APPLICATION_COMMAND_OPTION_INVALID', 'Only sub-commands and groups may have options');
    }
  });
  return size;
}

function checkCommand(errors: ErrorCollector, path: Path, command: unknown): void {
  if (typeof command !== 'object' || command === null || Array.isArray(command)) {
    errors.add(path, 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
    return;
  }
  const c = command as Json;
  const type = c.type ?? 1;
  if (![1, 2, 3, 4].includes(type as number)) {
    errors.add([...path, 'type'], 'BASE_TYPE_CHOICES', 'Value must be one of {1, 2, 3, 4}.');
    return;
  }
  const chatInput = type === 1;
  let size = checkName(errors, path, c.name, chatInput);
  if (chatInput) size += checkDescription(errors, path, c.description);
  else if (c.description !== undefined && c.description !== '') {
    errors.add([...path, 'description'], 'APPLICATION_COMMAND_INVALID_DESCRIPTION', 'Description must be empty for USER and MESSAGE commands');
  }
  if (chatInput) size += checkOptions(errors, path, c.options, 0);
  else if (c.options !== undefined) errors.add([...path, 'options'], 'APPLICATION_COMMAND_OPTION_INVALID', 'Only CHAT_INPUT commands may have options');
  const permissions = c.default_member_permissions;
  if (permissions !== undefined && permissions !== null && !(typeof permissions === 'string' && /^\d+$/.test(permissions))) {
    errors.add([...path, 'default_member_permissions'], 'BASE_TYPE_STRING', 'Must be a permission bitfield as a string.');
  }
  if (size > MAX_COMMAND_SIZE) errors.add(path, 'APPLICATION_COMMAND_TOO_LARGE', `Command exceeds maximum size (${MAX_COMMAND_SIZE})`);
}

/** Validates one command (POST, PATCH). */
export function validateCommand(command: unknown): ApiErrorBody | null {
  const errors = new ErrorCollector();
  checkCommand(errors, [], command);
  return errors.result();
}

/** Validates a bulk overwrite (PUT): an array of commands, errors keyed by index. */
export function validateCommandList(commands: unknown): ApiErrorBody | null {
  const errors = new ErrorCollector();
  if (!Array.isArray(commands)) {
    errors.add([], 'BASE_TYPE_LIST', 'Must be a list.');
    return errors.result();
  }
  commands.forEach((command, i) => checkCommand(errors, [i], command));
  checkUnique(errors, [], commands, 'APPLICATION_COMMANDS_DUPLICATE_NAME', 'Application command names must be unique');
  const invalid = errors.result();
  if (invalid) return invalid;
  for (const [type, max] of Object.entries(MAX_COMMANDS)) {
    if (commands.filter((c: Json) => (c.type ?? 1) === Number(type)).length > max) {
      return { code: 30032, message: 'Maximum number of application commands reached' };
    }
  }
  return null;
}
