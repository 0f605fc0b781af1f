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
  return verdictOf(rule, text, ruleMatches(rule, text));
}

/** Only whether the rule matches: no verdict is made, so deciding many rules allocates nothing per rule. */
export function ruleMatches(rule: CompiledRule, text: ItemText): boolean {
  return rule.tree === null || testNode(rule.tree, text);
}

/**
 * The verdict of a rule whose outcome on the item a rule index already knows: what evaluateRule gives,
 * without evaluating it (the reason is worked out if it is read).
 */
export function knownVerdict(rule: CompiledRule, text: ItemText, matches: boolean): Verdict {
  return verdictOf(rule, text, matches);
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
