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
/**
 * Most feed text is ASCII, where folding is lower-casing and a word is a run of ASCII letters and digits: the
 * Unicode paths give the same result there, several times slower (a rule index folds every item it routes).
 */
const ASCII = /^[\x00-\x7f]*$/;
const ASCII_WORDS = /[A-Za-z0-9]+/g;

/** Folds case and accents, makes apostrophes and hyphens plain, and collapses whitespace to single spaces. */
export function foldForMatching(text: string): string {
  if (ASCII.test(text)) return text.toLowerCase().replace(WHITESPACE, ' ').trim();
  return foldText(text).replace(APOSTROPHES, "'").replace(HYPHENS, '-').replace(WHITESPACE, ' ').trim();
}

export function splitWords(folded: string): string[] {
  return folded.match(ASCII.test(folded) ? ASCII_WORDS : WORDS) ?? [];
}

/**
 * Runs of ASCII letters and digits and of anything beyond ASCII but the common punctuation and symbols (no-break
 * space, « » · © ® × ÷, U+2000-U+206F: dashes, curly quotes, ellipses, spaces; arrows ← to ↙, technical symbols,
 * box drawing, shapes, symbols and dingbats up to U+2775), in lower-cased text. ASCII punctuation and spaces, and
 * those, end a word before and after folding alike (none folds to a letter, digit or mark, or joins a neighbour),
 * so each run folds and splits on its own, and the usual English text (don’t, “quoted”, a — b, a → b) is ASCII
 * runs only. isRunCode says the same of one code unit.
 */
export const ROUGH_WORDS =
  /[a-z0-9\u0080-\u009f\u00a1-\u00a8\u00aa\u00ac\u00ad\u00af-\u00b6\u00b8-\u00ba\u00bc-\u00d6\u00d8-\u00f6\u00f8-\u1fff\u2070-\u218f\u219a-\u22ff\u2400-\u24ff\u2776-\uffff]+/g;

/**
 * `splitWords(foldForMatching(text))` of a text given lower-cased (`text.toLowerCase()`), without folding the
 * whole text: most of a feed's words are ASCII and are words as they are once lower-cased; only the runs holding
 * other characters are folded and split.
 */
export function wordsOfLowerCase(lower: string): string[] {
  const runs = lower.match(ROUGH_WORDS);
  if (runs === null) return [];
  const words: string[] = [];
  for (const run of runs) {
    if (isAsciiRun(run)) words.push(run);
    else for (const word of wordsOfRun(run)) words.push(word);
  }
  return words;
}

/** The words of a lower-cased run holding characters beyond ASCII (see wordsOfLowerCase). */
export function wordsOfRun(run: string): string[] {
  return splitWords(foldForMatching(run));
}

/** Whether a UTF-16 code unit of lower-cased text belongs to a run wordsOfLowerCase splits into words (ROUGH_WORDS). */
export function isRunCode(code: number): boolean {
  if (code < 0x80) return (code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39);
  return !isWordSeparatorCode(code);
}

/** The punctuation and symbols beyond ASCII that end a run like ASCII punctuation (see ROUGH_WORDS). */
function isWordSeparatorCode(code: number): boolean {
  if (code < 0x2000) return code === 0xa0 || code === 0xa9 || code === 0xab || code === 0xae || code === 0xb7 || code === 0xbb || code === 0xd7 || code === 0xf7;
  return code <= 0x206f || (code >= 0x2190 && code <= 0x2199) || (code >= 0x2300 && code <= 0x23ff) || (code >= 0x2500 && code <= 0x2775);
}

function isAsciiRun(run: string): boolean {
  for (let at = 0; at < run.length; at++) if (run.charCodeAt(at) > 0x7f) return false;
  return true;
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
