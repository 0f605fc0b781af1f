/**
 * The rule language's public surface: compile a rule once (throws RuleSyntaxError), evaluate it
 * against items (a pure verdict with a reason), show it in canonical form.
 *
 * The language, in short:
 *   kafka                 a whole word, case- and accent-insensitive ("Café" matches cafe)
 *   "event streaming"     consecutive words
 *   c++  .net  node.js    text with punctuation matches that text exactly (node matches Node.js too)
 *   kube*                 words starting with kube
 *   a b, a AND b          both;  a OR b  either;  NOT a, -a  not;  ( ) group; NOT > AND > OR
 *   title: summary: content: author: category: link: feed:   scope a term or a group
 * Unscoped terms search title, summary, content and categories. An empty rule matches everything.
 * Regular expressions (/.../i) are recognised and refused as not supported yet.
 */
export { compileRule, type CompiledRule } from './compile-rule.ts';
export { evaluateRule, type Verdict } from './evaluate-rule.ts';
export { formatRule } from './format-rule.ts';
export { prepareRuleItem, type ItemText, type RuleItem } from './item-text.ts';
export { RuleSyntaxError } from './rule-syntax-error.ts';
export { MAX_RULE_LENGTH } from './parse-rule.ts';
