/**
 * Folds text for case- and accent-insensitive comparison: takes any string, returns it lower-cased,
 * compatibility-decomposed (NFKD, so "ﬁ" is "fi" and full-width letters are plain) and stripped of
 * accents ("Café" is "cafe"). Letters that carry their accent inside the letter itself (ø, ł, ß, ...)
 * are mapped to their plain spelling, because NFKD leaves them whole.
 */

const PLAIN_SPELLING: Readonly<Record<string, string>> = {
  'ß': 'ss',
  'æ': 'ae',
  'œ': 'oe',
  'ø': 'o',
  'đ': 'd',
  'ð': 'd',
  'ł': 'l',
  'þ': 'th',
  'ı': 'i',
  'ħ': 'h',
  'ς': 'σ',
};

// Combining diacritical marks (the accents of Latin, Greek and Cyrillic letters once decomposed). Marks
// of other scripts are letters' parts, not accents: Devanagari's virama, the Japanese voicing mark.
const ACCENTS = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+/g;
const WHOLE_ACCENTED_LETTERS = /[ßæœøđðłþıħς]/g;

/** Returns `text` lower-cased without accents; equal texts up to case and accents fold to the same string. */
export function foldText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(ACCENTS, '')
    // Recompose what is left ("て" and its voicing mark are "で" again); compatibility forms stay plain.
    .normalize('NFC')
    .toLowerCase()
    .replace(WHOLE_ACCENTED_LETTERS, (letter) => PLAIN_SPELLING[letter] ?? letter);
}
