/**
 * Writes a rule's tree back as canonical rule text, for listings and reasons: single spaces, AND
 * as juxtaposition, OR and parentheses only where needed, `-` for NOT, straight quotes, terms as
 * typed. Compiling the canonical text gives a rule that formats to the same text.
 */
import type { RuleNode, TermNode } from './ast.ts';
import type { CompiledRule } from './compile-rule.ts';
import type { FieldName } from './fields.ts';

const OPERATOR_WORDS = new Set(['AND', 'OR', 'NOT']);

export function formatRule(rule: CompiledRule): string {
  return rule.tree === null ? '' : formatNode(rule.tree);
}

/** `scope` is the field of an enclosing `field:( )`, which the terms inside need not repeat. */
export function formatNode(node: RuleNode, scope: FieldName | null = null): string {
  switch (node.kind) {
    case 'term':
      return formatTerm(node, scope);
    case 'and':
      return node.children.map((child) => (child.kind === 'or' ? `(${formatNode(child, scope)})` : formatNode(child, scope))).join(' ');
    case 'or':
      return node.children.map((child) => formatNode(child, scope)).join(' OR ');
    case 'not': {
      const child = node.child;
      const inner = formatNode(child, scope);
      return child.kind === 'and' || child.kind === 'or' ? `-(${inner})` : `-${inner}`;
    }
    case 'scope':
      return `${node.field}:(${formatNode(node.child, node.field)})`;
  }
}

function formatTerm(term: TermNode, scope: FieldName | null): string {
  const field = term.field !== null && term.field !== scope ? `${term.field}:` : '';
  // A bare AND, OR or NOT would read as an operator; quoted it matches the same word.
  const quoted = term.quoted || (!term.wildcard && OPERATOR_WORDS.has(term.text));
  const text = quoted ? `"${term.text}"` : `${term.text}${term.wildcard ? '*' : ''}`;
  return `${field}${text}`;
}
