/**
 * The rule language's public surface: compile a rule once (throws RuleSyntaxError), evaluate it
 * against items (a pure verdict with a reason), show it in canonical form or as its fully
 * parenthesised reading, and index many rules so an item meets only those it may match.
 *
 * The language, in short:
 *   kafka                 a whole word, case-, accent- and width-insensitive ("Café" matches cafe, ＫＡＦＫＡ kafka)
 *   "event streaming"     consecutive words
 *   c++  .net  node.js    text with punctuation matches that text exactly (node matches Node.js too)
 *   kube*                 words starting with kube
 *   a b, a AND b          both;  a OR b  either;  NOT a, -a  not;  ( ) group
 *                         NOT binds tightest, then OR, then AND: a OR b -c is (a OR b) AND NOT c
 *   /k8s|kube/i           a regular expression (flags i m s u), run in linear time by re2js
 *   title: summary: content: author: category: link: feed:   scope a term or a group
 * Unscoped terms search title, summary, content and categories. An empty rule matches everything.
 */
export { compileRule, type CompiledRule } from './compile-rule.ts';
export { evaluateRule, knownVerdict, ruleMatches, type Verdict } from './evaluate-rule.ts';
export { RuleIndex } from './rule-index.ts';
export { formatReading, formatRule } from './format-rule.ts';
export { prepareRuleItem, type ItemText, type RuleItem } from './item-text.ts';
export { RuleSyntaxError } from './rule-syntax-error.ts';
export { MAX_RULE_LENGTH } from './parse-rule.ts';
