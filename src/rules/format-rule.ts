/**
 * Writes a rule's tree back as rule text, in two styles:
 * - formatRule: canonical rule text, for reasons and stored rules: single spaces, AND as juxtaposition,
 *   `-` for NOT, straight quotes, terms as typed.
 * - formatReading: the reading shown to people, with AND and NOT spelled out:
 *   `(kafka OR "event streaming") AND NOT title:sponsored`.
 * Both put parentheses around every AND or OR inside another operator, so neither depends on which of
 * AND and OR binds tighter: the text reads the same under any precedence, and compiling it gives a
 * rule that formats to the same text.
 */
import type { RuleNode, TermNode } from './ast.ts';
import type { CompiledRule } from './compile-rule.ts';
import type { FieldName } from './fields.ts';

const OPERATOR_WORDS = new Set(['AND', 'OR', 'NOT']);

interface Style {
  readonly and: string;
  readonly not: string;
}

const CANONICAL: Style = { and: ' ', not: '-' };
const READING: Style = { and: ' AND ', not: 'NOT ' };

export function formatRule(rule: CompiledRule): string {
  return rule.tree === null ? '' : formatNode(rule.tree);
}

/** The fully parenthesised reading of a rule; an empty rule reads as ''. */
export function formatReading(rule: CompiledRule): string {
  return rule.tree === null ? '' : formatNode(rule.tree, null, READING);
}

/** `scope` is the field of an enclosing `field:( )`, which the terms inside need not repeat. */
export function formatNode(node: RuleNode, scope: FieldName | null = null, style: Style = CANONICAL): string {
  const operand = (child: RuleNode): string => {
    const text = formatNode(child, scope, style);
    return child.kind === 'and' || child.kind === 'or' ? `(${text})` : text;
  };
  switch (node.kind) {
    case 'term':
      return formatTerm(node, scope);
    case 'and':
      return node.children.map(operand).join(style.and);
    case 'or':
      return node.children.map(operand).join(' OR ');
    case 'not':
      return `${style.not}${operand(node.child)}`;
    case 'scope':
      return `${node.field}:(${formatNode(node.child, node.field, style)})`;
  }
}

function formatTerm(term: TermNode, scope: FieldName | null): string {
  const field = term.field !== null && term.field !== scope ? `${term.field}:` : '';
  if (term.matcher.kind === 'regex') return `${field}${term.text}`;
  // A bare AND, OR or NOT would read as an operator; quoted it matches the same word.
  const quoted = term.quoted || (!term.wildcard && OPERATOR_WORDS.has(term.text));
  const text = quoted ? `"${term.text}"` : `${term.text}${term.wildcard ? '*' : ''}`;
  return `${field}${text}`;
}
