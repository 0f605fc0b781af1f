/**
 * The text model rules and items share: folding (case, accents, typographic apostrophes, runs of
 * whitespace) and splitting folded text into words. A word is a run of letters, digits and marks;
 * each Chinese or Japanese character is a word of its own, since those scripts put no spaces
 * between words.
 */
import { foldText } from '../text/fold.ts';

const APOSTROPHES = /[\u2018\u2019\u02bc\u2032]/g;
const HYPHENS = /[\u2010\u2011]/g;
const WHITESPACE = /\s+/g;
const SPACE = /\s/u;
const WORD_CHAR = /^[\p{L}\p{N}\p{M}]$/u;
const SPLIT_CHAR = /^[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}]$/u;
const WORDS = /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}]|(?:(?![\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}])[\p{L}\p{N}\p{M}])+/gu;

/** Folds case and accents, makes apostrophes and hyphens plain, and collapses whitespace to single spaces. */
export function foldForMatching(text: string): string {
  return foldText(text).replace(APOSTROPHES, "'").replace(HYPHENS, '-').replace(WHITESPACE, ' ').trim();
}

export function splitWords(folded: string): string[] {
  return folded.match(WORDS) ?? [];
}

/** The words of folded text, each with where it starts. */
export function wordSpans(folded: string): Array<{ readonly word: string; readonly start: number }> {
  return [...folded.matchAll(WORDS)].map((match) => ({ word: match[0], start: match.index }));
}

/** `ch` is one code point. */
export function isWordChar(ch: string): boolean {
  return WORD_CHAR.test(ch);
}

/** A character that is a word by itself (Han, Hiragana, Katakana): it needs no boundary around it. */
export function isStandaloneWordChar(ch: string): boolean {
  return SPLIT_CHAR.test(ch);
}

/** Whether folded text is only words and spaces, so it can be matched word by word. */
export function hasOnlyWords(folded: string): boolean {
  for (const ch of folded) {
    if (!isWordChar(ch) && !SPACE.test(ch)) return false;
  }
  return true;
}
