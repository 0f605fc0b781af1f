/**
 * Compiles each distinct rule text once and evaluates it. A rule that no longer compiles (it was valid when it
 * was stored, so the language or the store changed under it) matches nothing, and says why.
 */
import { HeraldError } from '../errors.ts';
import type { Item } from '../feeds/item.ts';
import { compileRule, evaluateRule, prepareRuleItem } from '../rules/index.ts';
import type { CompiledRule, ItemText, Verdict } from '../rules/index.ts';

const MAX_CACHED_RULES = 5_000;

export class RuleCache {
  private readonly compiled = new Map<string, CompiledRule | HeraldError>();

  evaluate(source: string, item: ItemText): Verdict {
    const rule = this.get(source);
    if (rule instanceof HeraldError) return { matches: false, reason: `the rule cannot be used: ${rule.userMessage}` };
    return evaluateRule(rule, item);
  }

  private get(source: string): CompiledRule | HeraldError {
    const cached = this.compiled.get(source);
    if (cached !== undefined) return cached;
    if (this.compiled.size >= MAX_CACHED_RULES) this.compiled.clear();
    let result: CompiledRule | HeraldError;
    try {
      result = compileRule(source);
    } catch (error) {
      result = error instanceof HeraldError ? error : new HeraldError('rule-syntax', String(error));
    }
    this.compiled.set(source, result);
    return result;
  }
}

/** What rules see of an item of a feed: its fields and the feed's title, prepared once for every rule. */
export function ruleItemOf(item: Item, feedTitle: string): ItemText {
  return prepareRuleItem({ ...item, feedTitle });
}
