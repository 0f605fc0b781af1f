/**
 * Decides whether an item matches a compiled rule: a pure function of the two, returning a verdict
 * whose reason (explain.ts) is worked out only when read, since most verdicts are never shown.
 */
import type { RuleNode } from './ast.ts';
import type { CompiledRule } from './compile-rule.ts';
import { explainVerdict } from './explain.ts';
import { ItemText, type RuleItem } from './item-text.ts';
import { findTerm } from './match-term.ts';

export interface Verdict {
  readonly matches: boolean;
  readonly reason: string;
}

/** `item` may be prepared once with prepareRuleItem to share its folded text across many rules. */
export function evaluateRule(rule: CompiledRule, item: RuleItem | ItemText): Verdict {
  const text = item instanceof ItemText ? item : new ItemText(item);
  return verdictOf(rule, text, rule.tree === null || testNode(rule.tree, text));
}

/**
 * The verdict of a rule known not to match the item (a rule index left it out): what evaluateRule gives,
 * without evaluating it.
 */
export function missedVerdict(rule: CompiledRule, text: ItemText): Verdict {
  return verdictOf(rule, text, false);
}

function verdictOf(rule: CompiledRule, text: ItemText, matches: boolean): Verdict {
  let reason: string | undefined;
  return {
    matches,
    get reason() {
      return (reason ??= explainVerdict(rule.tree, text));
    },
  };
}

function testNode(node: RuleNode, text: ItemText): boolean {
  switch (node.kind) {
    case 'term':
      return findTerm(node, text) !== undefined;
    case 'and':
      return node.children.every((child) => testNode(child, text));
    case 'or':
      return node.children.some((child) => testNode(child, text));
    case 'not':
      return !testNode(node.child, text);
    case 'scope':
      return testNode(node.child, text);
  }
}
