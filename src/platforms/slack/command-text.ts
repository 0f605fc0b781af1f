/**
 * Parses the text Slack sends after a slash command into a subcommand and option values, with a grammar generated
 * from the command group's definition: the first word names the subcommand, then its options follow in definition
 * order. A channel option is taken only when the next word is a channel reference, a string option is one word,
 * a free-text option (a filter) is the rest of the line. `help`, `help <subcommand>` and empty text ask for help.
 *
 * Relies on the command being registered with `should_escape: true`: channels and links then arrive as Slack's
 * references (`<#C123|name>`, `<https://…|label>`, `<@U123>`) and a typed & < > as `&amp;` `&lt;` `&gt;`.
 * Returns a command, a request for help, or a usage error whose message a person can act on; `backquoted` parts
 * of a message are commands or typed text, for errorReply to show as code. A usage error names the subcommand when
 * it is known, so the caller can show that subcommand's usage with it.
 */
import type { ChannelRef, CommandGroupDefinition, OptionDefinition, OptionValues, RoleRef, SubcommandDefinition } from '../../commands/definition.ts';
import { countEdits } from '../../text/edit-distance.ts';
import { HELP_SYNTAX, optionPlaceholder } from './usage.ts';

export type ParsedCommandText =
  | { readonly kind: 'command'; readonly subcommand: SubcommandDefinition; readonly options: OptionValues }
  | { readonly kind: 'help'; readonly subcommand?: SubcommandDefinition }
  | { readonly kind: 'usage-error'; readonly message: string; readonly subcommand?: SubcommandDefinition };

/** A stretch of Slack's text: plain text (entities decoded), whitespace, or one <…> reference. */
type Piece =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'space'; readonly text: string }
  | { readonly kind: 'link'; readonly url: string; readonly label?: string }
  | { readonly kind: 'channel'; readonly id: string; readonly name?: string }
  | { readonly kind: 'mention'; readonly shown: string; readonly userGroupId?: string };

/** Pieces between whitespace; `from` is where the word starts in the piece list, to take the rest of the line. */
interface Word {
  readonly pieces: readonly Piece[];
  readonly from: number;
}

// A `<` the person typed arrives as &lt;, so every raw `<` opens a reference.
const PIECES = /<([^<>]*)>|\s+|[^<\s]+|</gu;
const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>' };
/** A channel typed as text instead of picked from the list: Slack sent it without an id. */
const PLAIN_CHANNEL = /^#[^\s#<>]+$/u;

export function parseSlashCommandText(group: CommandGroupDefinition, text: string): ParsedCommandText {
  const pieces = splitPieces(text);
  const [first, ...rest] = groupWords(pieces);
  if (first === undefined) return { kind: 'help' };
  const typedName = shownText(first.pieces);
  const subcommand = findSubcommand(group, typedName);
  if (subcommand !== undefined) return parseOptions(group, subcommand, pieces, rest);
  if (typedName.toLowerCase() === 'help') return parseHelp(group, rest);
  return { kind: 'usage-error', message: unknownSubcommand(group, typedName, `/${group.name}`) };
}

function parseHelp(group: CommandGroupDefinition, words: readonly Word[]): ParsedCommandText {
  const [word, ...extra] = words;
  if (word === undefined) return { kind: 'help' };
  const example = `/${group.name} help ${group.subcommands[0]?.name ?? ''}`.trimEnd();
  if (extra.length > 0) return { kind: 'usage-error', message: `\`/${group.name} ${HELP_SYNTAX}\` takes one subcommand name, like \`${example}\`.` };
  const typedName = shownText(word.pieces);
  const subcommand = findSubcommand(group, typedName);
  if (subcommand === undefined) return { kind: 'usage-error', message: unknownSubcommand(group, typedName, `/${group.name} help`) };
  return { kind: 'help', subcommand };
}

function parseOptions(group: CommandGroupDefinition, subcommand: SubcommandDefinition, pieces: readonly Piece[], words: readonly Word[]): ParsedCommandText {
  const freeTextAt = subcommand.options.findIndex((option) => option.freeText);
  if (freeTextAt !== -1 && subcommand.options.slice(freeTextAt + 1).some((option) => !option.freeText || option.keyword === undefined)) {
    throw new Error(`/${group.name} ${subcommand.name}: free-text option ${subcommand.options[freeTextAt]!.name} must be the last option but those with a keyword`);
  }
  const keywords = subcommand.options.flatMap((option) => (option.keyword === undefined ? [] : [option.keyword.toLowerCase()]));
  /** Where the free text starting at word `from` ends: at the next keyword, or the end of the line. */
  const freeTextEnd = (from: number): number => {
    const at = words.findIndex((word, index) => index > from && keywords.includes(shownText(word.pieces).toLowerCase()));
    return at === -1 ? words.length : at;
  };
  const refuse = (message: string): ParsedCommandText => ({ kind: 'usage-error', message, subcommand });
  const values: Record<string, string | ChannelRef | RoleRef> = {};
  let next = 0;
  for (const option of subcommand.options) {
    const word = words[next];
    if (option.type === 'role') {
      // A later option's keyword (`when`) is not a role: this one was left out.
      if (word === undefined || keywords.includes(shownText(word.pieces).toLowerCase())) {
        if (option.required) return refuse(missingOption(option));
        continue;
      }
      values[option.name] = roleOf(word);
      next += 1;
      continue;
    }
    if (option.type === 'channel') {
      const channel = word === undefined ? undefined : channelOf(word);
      if (channel !== undefined) {
        values[option.name] = channel;
        next += 1;
      } else if (word !== undefined && PLAIN_CHANNEL.test(shownText(word.pieces))) {
        return refuse(`Pick the channel from Slack's # list as you type it, so it becomes a link; ${quoted(shownText(word.pieces))} typed out does not tell me which channel it is.`);
      } else if (option.required) {
        return refuse(missingOption(option));
      }
      continue;
    }
    const keyword = option.keyword?.toLowerCase();
    const typed = word === undefined ? undefined : shownText(word.pieces).toLowerCase();
    // An option with a keyword is there only when its keyword is; one without ends where a keyword starts.
    if (typed === undefined || (keyword === undefined ? keywords.includes(typed) : typed !== keyword)) {
      if (option.required) return refuse(missingOption(option));
      continue;
    }
    const valueAt = keyword === undefined ? next : next + 1;
    const valueWord = words[valueAt];
    if (valueWord === undefined) return refuse(`${quoted(option.keyword ?? '')} needs ${optionPlaceholder(option)} after it: ${option.description}.`);
    const end = option.freeText ? freeTextEnd(valueAt) : valueAt + 1;
    const rest = pieces.slice(valueWord.from, words[end]?.from ?? pieces.length);
    if (!option.freeText && channelOf(valueWord) !== undefined) return refuse(`${optionPlaceholder(option)} goes here, not a channel (${shownText(valueWord.pieces)}).`);
    if (option.freeText && rest.some((piece) => piece.kind === 'channel')) return refuse(misplacedChannel(group, subcommand));
    const value = option.freeText ? straightenQuotes(shownText(rest)).trim() : wordValue(valueWord);
    if (option.choices !== undefined && !option.choices.includes(value.toLowerCase())) {
      return refuse(`${quoted(value)} is not one of ${option.choices.map((choice) => `\`${choice}\``).join(', ')}.`);
    }
    if (option.maxLength !== undefined && value.length > option.maxLength) {
      return refuse(`The ${option.name} is too long: ${value.length} characters, at most ${option.maxLength}.`);
    }
    values[option.name] = value;
    next = end;
  }
  const extra = words[next];
  if (extra !== undefined) return refuse(`Too much text after \`/${group.name} ${subcommand.name}\`: ${quoted(shownText(pieces.slice(extra.from)).trim())} is left over.`);
  return { kind: 'command', subcommand, options: values };
}

function findSubcommand(group: CommandGroupDefinition, typedName: string): SubcommandDefinition | undefined {
  const name = typedName.toLowerCase();
  return group.subcommands.find((subcommand) => subcommand.name === name);
}

function missingOption(option: OptionDefinition): string {
  return `Missing ${optionPlaceholder(option)}: ${option.description}.`;
}

function misplacedChannel(group: CommandGroupDefinition, subcommand: SubcommandDefinition): string {
  const channel = subcommand.options.find((option) => option.type === 'channel');
  return channel === undefined
    ? `\`/${group.name} ${subcommand.name}\` does not take a channel.`
    : `The channel goes right where ${optionPlaceholder(channel)} is, before the rest.`;
}

function unknownSubcommand(group: CommandGroupDefinition, typedName: string, prefix: string): string {
  const names = group.subcommands.map((subcommand) => subcommand.name);
  const guess = closestName(typedName.toLowerCase(), prefix.endsWith(' help') ? names : [...names, 'help']);
  const known = `\`/${group.name}\` knows ${names.join(', ')} and help.`;
  return `Unknown subcommand ${quoted(typedName)}. ${guess === undefined ? known : `Did you mean \`${prefix} ${guess}\`? ${known}`}`;
}

/** A name the person probably meant: the only one they typed the start of, or one a typo or two away. */
function closestName(typed: string, names: readonly string[]): string | undefined {
  const started = names.filter((name) => typed.length >= 2 && name.startsWith(typed));
  if (started.length === 1) return started[0];
  let best: { name: string; edits: number } | undefined;
  for (const name of names) {
    const edits = countEdits(typed, name);
    if (edits <= Math.min(2, Math.floor(name.length / 2)) && (best === undefined || edits < best.edits)) best = { name, edits };
  }
  return best?.name;
}

function splitPieces(text: string): Piece[] {
  return Array.from(text.matchAll(PIECES), (match): Piece => {
    if (match[1] !== undefined) return readReference(match[1]);
    if (/^\s/u.test(match[0])) return { kind: 'space', text: match[0] };
    return { kind: 'text', text: decodeEntities(match[0]) };
  });
}

/** `#C123|name` a channel, `@U123|name` a user, `!here` or `!subteam^S1|@team` a special mention, else a link. */
function readReference(inner: string): Piece {
  const bar = inner.indexOf('|');
  const target = bar === -1 ? inner : inner.slice(0, bar);
  const label = bar === -1 || bar === inner.length - 1 ? undefined : decodeEntities(inner.slice(bar + 1));
  if (target.startsWith('#')) return { kind: 'channel', id: target.slice(1), ...(label === undefined ? {} : { name: label }) };
  if (target.startsWith('@')) return { kind: 'mention', shown: `@${label ?? target.slice(1)}` };
  if (target.startsWith('!subteam^')) return { kind: 'mention', shown: label ?? `@${target.slice(9)}`, userGroupId: target.slice(9) };
  if (target.startsWith('!')) return { kind: 'mention', shown: label ?? `@${target.slice(1).split('^')[0]}` };
  return { kind: 'link', url: decodeEntities(target), ...(label === undefined ? {} : { label }) };
}

function groupWords(pieces: readonly Piece[]): Word[] {
  const words: Word[] = [];
  let current: { pieces: Piece[]; from: number } | undefined;
  pieces.forEach((piece, index) => {
    if (piece.kind === 'space') {
      current = undefined;
    } else if (current === undefined) {
      current = { pieces: [piece], from: index };
      words.push(current);
    } else {
      current.pieces.push(piece);
    }
  });
  return words;
}

/** A user group picked from Slack's list arrives with its id; a typed @handle (or `none`) has only its name. */
function roleOf(word: Word): RoleRef {
  const [piece, ...others] = word.pieces;
  if (piece?.kind === 'mention' && piece.userGroupId !== undefined && others.length === 0) {
    return { kind: 'role', id: piece.userGroupId, name: piece.shown.replace(/^@/u, '') };
  }
  return { kind: 'role', name: shownText(word.pieces).replace(/^@/u, '') };
}

function channelOf(word: Word): ChannelRef | undefined {
  const [piece, ...others] = word.pieces;
  if (piece?.kind !== 'channel' || others.length > 0) return undefined;
  return piece.name === undefined ? { id: piece.id } : { id: piece.id, name: piece.name };
}

/** A link on its own is its URL (not the label Slack shows for it); anything else is what the person typed. */
function wordValue(word: Word): string {
  const [piece, ...others] = word.pieces;
  return piece?.kind === 'link' && others.length === 0 ? piece.url : shownText(word.pieces);
}

/** The text as the person typed it: links Slack made of typed words turned back into those words. */
function shownText(pieces: readonly Piece[]): string {
  return pieces
    .map((piece) => {
      if (piece.kind === 'text' || piece.kind === 'space') return piece.text;
      if (piece.kind === 'link') return piece.label ?? piece.url;
      if (piece.kind === 'channel') return `#${piece.name ?? piece.id}`;
      return piece.shown;
    })
    .join('');
}

/** Text the person typed, as a code span in a message (errorReply makes `backquoted` parts code). */
function quoted(text: string): string {
  return `\`${text.replace(/[`\n]/gu, ' ')}\``;
}

function decodeEntities(text: string): string {
  return text.replace(/&(amp|lt|gt);/gu, (_, name: string) => ENTITIES[name] ?? '');
}

/**
 * Slack's clients, and phones, turn typed quotes into typographic ones; the rule language's phrases use `"`.
 * Single quotes change only in pairs around words (‘rust belt’), so an apostrophe (don’t) stays.
 */
function straightenQuotes(text: string): string {
  return text.replace(/[“”„‟″]/gu, '"').replace(/(^|[\s(:-])‘([^‘]*?)’(?=$|[\s)])/gu, '$1"$2"');
}
