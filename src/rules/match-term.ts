/**
 * Finds a term in an item: returns the first text unit, in the order of the term's fields, that
 * contains it, or undefined.
 */
import type { TermMatcher, TermNode } from './ast.ts';
import { fieldsOfTerm } from './fields.ts';
import type { ItemText, TextUnit } from './item-text.ts';
import { regexFound } from './regex-term.ts';
import { isStandaloneWordChar, isWordChar } from './words.ts';

export function findTerm(term: TermNode, text: ItemText): TextUnit | undefined {
  for (const field of fieldsOfTerm(term.field)) {
    for (const unit of text.unitsOf(field)) {
      if (unitContains(unit, term.matcher)) return unit;
    }
  }
  return undefined;
}

function unitContains(unit: TextUnit, matcher: TermMatcher): boolean {
  switch (matcher.kind) {
    case 'word':
      return unit.wordSet.has(matcher.word);
    case 'prefix':
      return unit.words.some((word) => word.startsWith(matcher.prefix));
    case 'phrase':
      return containsSequence(unit, matcher.words);
    case 'literal':
      return containsLiteral(unit.folded, matcher.text, matcher.wordStart, matcher.wordEnd);
    case 'regex':
      return regexFound(matcher, unit);
  }
}

function containsSequence(unit: TextUnit, sequence: readonly string[]): boolean {
  const first = sequence[0];
  if (first === undefined || !sequence.every((word) => unit.wordSet.has(word))) return first === undefined;
  const words = unit.words;
  const last = words.length - sequence.length;
  for (let start = words.indexOf(first); start !== -1 && start <= last; start = words.indexOf(first, start + 1)) {
    let offset = 1;
    while (offset < sequence.length && words[start + offset] === sequence[offset]) offset++;
    if (offset === sequence.length) return true;
  }
  return false;
}

function containsLiteral(text: string, literal: string, wordStart: boolean, wordEnd: boolean): boolean {
  for (let at = text.indexOf(literal); at !== -1; at = text.indexOf(literal, at + 1)) {
    const end = at + literal.length;
    if (wordStart && continuesWord(codePointBefore(text, at))) continue;
    if (wordEnd && continuesWord(codePointAt(text, end))) continue;
    return true;
  }
  return false;
}

function continuesWord(ch: string): boolean {
  return ch !== '' && isWordChar(ch) && !isStandaloneWordChar(ch);
}

function codePointBefore(text: string, index: number): string {
  if (index === 0) return '';
  const low = text.charCodeAt(index - 1);
  const isLowSurrogate = low >= 0xdc00 && low <= 0xdfff;
  return text.slice(isLowSurrogate && index >= 2 ? index - 2 : index - 1, index);
}

function codePointAt(text: string, index: number): string {
  const point = text.codePointAt(index);
  return point === undefined ? '' : String.fromCodePoint(point);
}
