/**
 * Turns a word or phrase token into a TermNode: folds its text once and picks how it is matched.
 * - Letters and digits only: a whole word (`kafka`), or consecutive words when the text holds
 *   several (`"event streaming"`, `東京`); `kube*` is a word prefix.
 * - With punctuation (`c++`, `.net`, `node.js`, `"c++ programming"`): that exact text. So
 *   punctuation the user types must be in the item, punctuation left out is ignored:
 *   `node` matches "Node.js", `node.js` does not match "node js".
 * - Commas and other sentence punctuation after a bare word are dropped (`rust,` is `rust`,
 *   `c++.` is `c++`); a leading dot is kept (`.net`). A `*` is a wildcard only at the end of a bare
 *   word; inside quotes it is text.
 * Throws RuleSyntaxError for a misplaced `*` or a term with nothing to match.
 */
import type { TermMatcher, TermNode } from './ast.ts';
import type { FieldName } from './fields.ts';
import { RuleSyntaxError } from './rule-syntax-error.ts';
import { foldForMatching, hasOnlyWords, isStandaloneWordChar, isWordChar, splitWords } from './words.ts';

const TRAILING_PUNCTUATION = /[,;!?.]+$/;

export interface TermToken {
  readonly text: string;
  readonly quoted: boolean;
  readonly position: number;
}

export function buildTerm(token: TermToken, field: FieldName | null, source: string): TermNode {
  if (token.quoted) return buildPhrase(token, field, source);
  const stem = trimPunctuation(token.text);
  const star = stem.indexOf('*');
  const wildcard = star !== -1;
  if (wildcard && star !== stem.length - 1) {
    const at = token.position + token.text.indexOf('*');
    throw new RuleSyntaxError('Wildcard inside a word', at, '* works only at the end of a word, like kube*; to search for a *, put the text in quotes', source);
  }
  const text = wildcard ? stem.slice(0, -1) : stem;
  if (wildcard && text === '') {
    throw new RuleSyntaxError('Wildcard without a prefix', token.position, 'put at least one letter before *, like kube*', source);
  }
  const folded = foldForMatching(text);
  if (folded === '') {
    throw new RuleSyntaxError('Nothing to search for', token.position, 'use letters, digits or symbols in the term', source);
  }
  return { kind: 'term', field, text, quoted: false, wildcard, matcher: chooseMatcher(folded, wildcard), position: token.position };
}

function buildPhrase(token: TermToken, field: FieldName | null, source: string): TermNode {
  const folded = foldForMatching(token.text);
  if (folded === '') {
    throw new RuleSyntaxError('Empty phrase', token.position, 'put words between the quotes or remove them', source);
  }
  const text = token.text.replace(/\s+/g, ' ').trim();
  return { kind: 'term', field, text, quoted: true, wildcard: false, matcher: chooseMatcher(folded, false), position: token.position };
}

function trimPunctuation(text: string): string {
  const trimmed = text.replace(TRAILING_PUNCTUATION, '');
  // A term made only of such punctuation (`!`, `...`) is kept as written.
  if (trimmed === '') return text;
  return trimmed;
}

function chooseMatcher(folded: string, wildcard: boolean): TermMatcher {
  if (hasOnlyWords(folded)) {
    const words = splitWords(folded);
    if (words.length === 1) return wildcard ? { kind: 'prefix', prefix: words[0]! } : { kind: 'word', word: words[0]! };
    if (!wildcard) return { kind: 'phrase', words };
  }
  const chars = [...folded];
  const needsBoundary = (ch: string): boolean => isWordChar(ch) && !isStandaloneWordChar(ch);
  return {
    kind: 'literal',
    text: folded,
    wordStart: needsBoundary(chars[0]!),
    wordEnd: !wildcard && needsBoundary(chars[chars.length - 1]!),
  };
}
