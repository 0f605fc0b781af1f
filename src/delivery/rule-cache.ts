/**
 * Compiles each distinct rule text once and evaluates it. A rule that no longer compiles (it was valid when it
 * was stored, so the language or the store changed under it) matches nothing, and says why.
 */
import { HeraldError } from '../errors.ts';
import type { Item } from '../feeds/item.ts';
import { compileRule, evaluateRule, knownVerdict, prepareRuleItem, RuleIndex } from '../rules/index.ts';
import type { CompiledRule, ItemText, Verdict } from '../rules/index.ts';

/** Tens of thousands of subscriptions may each have a rule of their own. */
const MAX_CACHED_RULES = 50_000;

export class RuleCache {
  private readonly compiled = new Map<string, CompiledRule | HeraldError>();

  evaluate(source: string, item: ItemText): Verdict {
    const rule = this.get(source);
    return rule instanceof HeraldError ? unusable(rule) : evaluateRule(rule, item);
  }

  /**
   * Many rules (a feed's subscriptions') to decide on one item after another: each item is compared only with
   * the rules it may match (RuleIndex); the verdicts are those `evaluate` gives.
   */
  ruleSet(sources: readonly string[]): RuleSet {
    return new RuleSet(sources.map((source) => this.get(source)));
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

export class RuleSet {
  /** Each distinct rule once: subscriptions sharing a rule share its verdict. */
  private readonly distinct: Array<CompiledRule | HeraldError> = [];
  /** For each rule given, its place in `distinct`. */
  private readonly slots: number[];
  private readonly index = new RuleIndex<number>();

  constructor(rules: ReadonlyArray<CompiledRule | HeraldError>) {
    const slotOf = new Map<CompiledRule | HeraldError, number>();
    this.slots = rules.map((rule) => {
      let slot = slotOf.get(rule);
      if (slot === undefined) {
        slot = this.distinct.push(rule) - 1;
        slotOf.set(rule, slot);
        if (!(rule instanceof HeraldError)) this.index.add(slot, rule);
      }
      return slot;
    });
  }

  /** One verdict per rule given, in the same order. */
  verdicts(item: ItemText): Verdict[] {
    const verdicts: Array<Verdict | undefined> = new Array(this.distinct.length);
    for (const slot of this.index.matching(item)) verdicts[slot] = knownVerdict(this.distinct[slot] as CompiledRule, item, true);
    const complete = this.distinct.map((rule, slot) => verdicts[slot] ?? (rule instanceof HeraldError ? unusable(rule) : knownVerdict(rule, item, false)));
    return this.slots.map((slot) => complete[slot]!);
  }
}

function unusable(error: HeraldError): Verdict {
  return { matches: false, reason: `the rule cannot be used: ${error.userMessage}` };
}

/** What rules see of an item of a feed: its fields and the feed's title, prepared once for every rule. */
export function ruleItemOf(item: Item, feedTitle: string): ItemText {
  return prepareRuleItem({ ...item, feedTitle });
}
