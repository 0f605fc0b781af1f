/**
 * Cuts plain text to a platform's length limit. Takes text and a maximum length in UTF-16 code units
 * (the unit Discord and Slack count in) and returns text of at most that length: unchanged when it fits,
 * otherwise cut at a word boundary near the limit, never inside a character or grapheme, ending in '…'.
 */

const ELLIPSIS = '…';
/** A word boundary further back than this costs too much text; cut mid-word instead. */
const MAX_WORD_LOOKBACK = 100;
/** Nor give up more than this share of the budget for a word boundary (matters for short limits). */
const MAX_LOOKBACK_SHARE = 0.4;

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max < 1) return '';
  const budget = max - ELLIPSIS.length;
  const hardCut = alignToGrapheme(text, budget);
  const cut = findWordCut(text, hardCut) ?? hardCut;
  return text.slice(0, cut).replace(/[\s,;:]+$/u, '') + ELLIPSIS;
}

/** The largest index <= `index` that does not split a grapheme (and so never a surrogate pair). */
function alignToGrapheme(text: string, index: number): number {
  if (index <= 0) return 0;
  const segment = graphemes.segment(text).containing(index);
  let cut = segment !== undefined && segment.index < index ? segment.index : index;
  // Belt and braces: a lone high surrogate must never end the text.
  if (cut > 0 && isHighSurrogate(text.charCodeAt(cut - 1))) cut -= 1;
  return cut;
}

/** The end of the last whole word before `limit`, when one ends reasonably close to it. */
function findWordCut(text: string, limit: number): number | undefined {
  if (/\s/u.test(text.charAt(limit))) return trimmedEnd(text, limit);
  const floor = Math.max(0, limit - Math.min(MAX_WORD_LOOKBACK, Math.floor(limit * MAX_LOOKBACK_SHARE)));
  for (let i = limit - 1; i > floor; i -= 1) {
    if (/\s/u.test(text.charAt(i))) return trimmedEnd(text, i);
  }
  return undefined;
}

function trimmedEnd(text: string, index: number): number | undefined {
  const end = text.slice(0, index).trimEnd().length;
  return end > 0 ? end : undefined;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
