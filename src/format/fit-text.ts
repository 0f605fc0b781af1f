/**
 * Fits text that a platform escapes into that platform's length limit. Takes the raw text, a maximum length in
 * UTF-16 code units and the escaping (or wrapping) to apply; returns the longest transformed text within the
 * maximum. The raw text is cut first (at a word, with an ellipsis, by truncateText) and transformed after, so an
 * escape sequence such as `&amp;` or `\*` is never cut in half.
 */
import { truncateText } from './truncate.ts';

export function fitText(raw: string, max: number, transform: (text: string) => string): string {
  let budget = max;
  while (budget > 0) {
    const fitted = transform(truncateText(raw, budget));
    if (fitted.length <= max) return fitted;
    // Shrink in proportion: escaping can multiply a text's length, so subtracting the overflow could overshoot to nothing.
    budget = Math.min(budget - 1, Math.floor((budget * max) / fitted.length));
  }
  return '';
}
