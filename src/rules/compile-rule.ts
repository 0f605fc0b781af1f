/**
 * Compiles a rule's source once into what evaluation needs: the typed tree with folded terms, and
 * the list of its terms (what a matcher index over many rules keys on). Throws RuleSyntaxError.
 */
import type { RuleNode, TermNode } from './ast.ts';
import { parseRule } from './parse-rule.ts';

export interface CompiledRule {
  readonly source: string;
  /** null for an empty rule, which every item matches. */
  readonly tree: RuleNode | null;
  /** Every term of the tree, in source order. */
  readonly terms: readonly TermNode[];
}

export function compileRule(source: string): CompiledRule {
  const tree = parseRule(source);
  return { source, tree, terms: tree === null ? [] : collectTerms(tree) };
}

function collectTerms(node: RuleNode): TermNode[] {
  switch (node.kind) {
    case 'term':
      return [node];
    case 'and':
    case 'or':
      return node.children.flatMap(collectTerms);
    case 'not':
    case 'scope':
      return collectTerms(node.child);
  }
}
