/**
 * The typed tree a rule compiles to. Terms carry their field (null: the unscoped fields) and a
 * matcher whose text is already folded, so evaluation only folds the item.
 */
import type { FieldName } from './fields.ts';
import type { RegexTest } from './regex-term.ts';

/** How a term is looked for in a field's folded text. */
export type TermMatcher =
  /** One whole word: `kafka`. */
  | { readonly kind: 'word'; readonly word: string }
  /** Consecutive whole words, whatever punctuation or spacing lies between them: `"event streaming"`. */
  | { readonly kind: 'phrase'; readonly words: readonly string[] }
  /** A word starting with `prefix`: `kube*`. */
  | { readonly kind: 'prefix'; readonly prefix: string }
  /**
   * Text with punctuation the user typed (`c++`, `.net`, `node.js`), found as is in the folded
   * text; where the text starts (ends) with a letter or digit, the text before (after) it must not
   * continue the word.
   */
  | { readonly kind: 'literal'; readonly text: string; readonly wordStart: boolean; readonly wordEnd: boolean }
  /**
   * `/k8s|kubernetes/i`: a regular expression run by a linear-time engine on the field's text as written
   * (HTML removed, full-width forms made plain; case and accents kept, so the flags decide).
   */
  | {
      readonly kind: 'regex';
      readonly pattern: string;
      readonly flags: string;
      readonly test: RegexTest;
      /** For each list, a text of it that a text must contain to match (lower-cased when ignoreCase); null: none known. */
      readonly literals: ReadonlyArray<readonly string[]> | null;
      readonly ignoreCase: boolean;
    };

export interface TermNode {
  readonly kind: 'term';
  readonly field: FieldName | null;
  /** The term as written, whitespace folded, without quotes or `*`; a regular expression as `/pattern/flags`. */
  readonly text: string;
  readonly quoted: boolean;
  readonly wildcard: boolean;
  readonly matcher: TermMatcher;
  /** Where the term starts in the rule source. */
  readonly position: number;
}

export interface AndNode {
  readonly kind: 'and';
  readonly children: readonly RuleNode[];
}

export interface OrNode {
  readonly kind: 'or';
  readonly children: readonly RuleNode[];
}

export interface NotNode {
  readonly kind: 'not';
  readonly child: RuleNode;
}

/** `title:( ... )`: the terms inside already carry the field; the node keeps the grouping for display. */
export interface ScopeNode {
  readonly kind: 'scope';
  readonly field: FieldName;
  readonly child: RuleNode;
}

export type RuleNode = TermNode | AndNode | OrNode | NotNode | ScopeNode;
