/**
 * Splits a rule's source into tokens: words (bare runs of anything but space, parentheses and
 * quotes), quoted phrases, `/regular expressions/flags`, field prefixes (`title:`), the operators
 * AND, OR, NOT (uppercase only) and `-`, and parentheses. Every token carries its position in the
 * source. Throws RuleSyntaxError for faults visible at this level (an unclosed quote, `title:` with
 * nothing after it, an unknown field).
 *
 * A token glued to a field prefix or a `-` (`title:AND`, `-OR`) is always a word, never an operator.
 */
import { FIELD_NAMES, isFieldName, suggestField, type FieldName } from './fields.ts';
import { RuleSyntaxError } from './rule-syntax-error.ts';

export type Token =
  | { readonly kind: 'word'; readonly text: string; readonly position: number }
  | { readonly kind: 'phrase'; readonly text: string; readonly position: number }
  | { readonly kind: 'regex'; readonly pattern: string; readonly flags: string; readonly position: number }
  | { readonly kind: 'field'; readonly field: FieldName; readonly position: number }
  | { readonly kind: 'and' | 'or' | 'not' | 'minus' | 'lparen' | 'rparen'; readonly position: number };

/** Straight quotes, and the curly ones phones type instead. */
const QUOTES = '"“”„';
const SPACE = /\s/u;
const FIELD_PREFIX = /^(\p{L}+):/u;
const OPERATORS: Readonly<Record<string, 'and' | 'or' | 'not'>> = { AND: 'and', OR: 'or', NOT: 'not' };

export function lexRule(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  // What the previous token was when nothing separates it from the next one.
  let glue: 'field' | 'minus' | null = null;
  while (i < source.length) {
    const ch = source[i]!;
    if (SPACE.test(ch)) {
      i++;
      glue = null;
      continue;
    }
    const glued = glue;
    glue = null;
    if (ch === '(' || ch === ')') {
      tokens.push({ kind: ch === '(' ? 'lparen' : 'rparen', position: i });
      i++;
    } else if (QUOTES.includes(ch)) {
      i = readPhrase(source, i, tokens);
    } else if (ch === '/') {
      i = readRegex(source, i, tokens);
    } else if (ch === '-') {
      if (glued === 'field') {
        const rest = source.slice(i + 1, findRunEnd(source, i + 1)) || '…';
        throw new RuleSyntaxError('Misplaced -', i, `put - before the field to exclude, like -${fieldBefore(tokens)}:${rest}`, source);
      }
      if (i + 1 >= source.length || SPACE.test(source[i + 1]!) || source[i + 1] === ')') {
        throw new RuleSyntaxError('Nothing after -', i, 'put - right before the term to exclude, like -sponsored', source);
      }
      tokens.push({ kind: 'minus', position: i });
      glue = 'minus';
      i++;
    } else {
      const end = findRunEnd(source, i);
      const run = source.slice(i, end);
      const field = readFieldPrefix(source, i, run);
      if (field !== undefined) {
        tokens.push({ kind: 'field', field, position: i });
        glue = 'field';
        i += run.indexOf(':') + 1;
        continue;
      }
      const operator = glued === null ? OPERATORS[run] : undefined;
      tokens.push(operator === undefined ? { kind: 'word', text: run, position: i } : { kind: operator, position: i });
      i = end;
    }
  }
  return tokens;
}

function findRunEnd(source: string, start: number): number {
  let end = start;
  while (end < source.length) {
    const ch = source[end]!;
    if (SPACE.test(ch) || ch === '(' || ch === ')' || QUOTES.includes(ch)) break;
    end++;
  }
  return end;
}

function readPhrase(source: string, start: number, tokens: Token[]): number {
  let close = start + 1;
  while (close < source.length && !QUOTES.includes(source[close]!)) close++;
  if (close >= source.length) throw new RuleSyntaxError('Unclosed quote', start, 'add the closing "', source);
  const text = source.slice(start + 1, close);
  if (text.trim() === '') throw new RuleSyntaxError('Empty phrase', start, 'put words between the quotes or remove them', source);
  tokens.push({ kind: 'phrase', text, position: start });
  return close + 1;
}

/** `/pattern/flags`: a `/` inside a character class or after a backslash does not close it. */
function readRegex(source: string, start: number, tokens: Token[]): number {
  let i = start + 1;
  let inClass = false;
  while (i < source.length) {
    const ch = source[i]!;
    if (ch === '\\') i++;
    else if (ch === '[') inClass = true;
    else if (ch === ']') inClass = false;
    else if (ch === '/' && !inClass) break;
    i++;
  }
  if (i >= source.length) {
    throw new RuleSyntaxError('Unclosed regular expression', start, 'add the closing /, or put the text in quotes to search for it', source);
  }
  let end = i + 1;
  while (end < source.length && /[A-Za-z]/.test(source[end]!)) end++;
  tokens.push({ kind: 'regex', pattern: source.slice(start + 1, i), flags: source.slice(i + 1, end), position: start });
  return end;
}

/**
 * The field a run starts with (`title:rust`, `title:` before a quote or a parenthesis). `name:` is
 * taken as a field whenever `name` is letters, except before `//` or `:` so URLs (`https://...`)
 * and `std::vector` stay words; an unknown name is an error rather than a silent literal.
 */
function readFieldPrefix(source: string, start: number, run: string): FieldName | undefined {
  const match = FIELD_PREFIX.exec(run);
  if (match === null) return undefined;
  const prefix = match[0];
  const after = source[start + prefix.length];
  if (after === ':' || source.startsWith('//', start + prefix.length)) return undefined;
  const name = match[1]!.toLowerCase();
  if (!isFieldName(name)) {
    const guess = suggestField(name);
    const hint = guess === undefined
      ? `fields are ${FIELD_NAMES.map((field) => `${field}:`).join(' ')}; to search for the text itself, put it in quotes: "${run}"`
      : `did you mean ${guess}:?`;
    throw new RuleSyntaxError(`Unknown field ${match[1]!}:`, start, hint, source);
  }
  if (after === undefined || SPACE.test(after) || after === ')') {
    throw new RuleSyntaxError(`Nothing after ${name}:`, start, `write the term right after the colon, like ${name}:rust or ${name}:"two words"`, source);
  }
  return name;
}

function fieldBefore(tokens: readonly Token[]): string {
  const last = tokens[tokens.length - 1];
  return last?.kind === 'field' ? last.field : 'title';
}
