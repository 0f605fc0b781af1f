import { describe, expect, it } from 'vitest';
import { prepareRuleItem } from '../rules/index.ts';
import { RuleCache } from './rule-cache.ts';

const SOURCES = ['kafka', '', 'kafka', '-sponsored', 'title:/k8s/i', 'rust -title:"rust belt"', 'kube* OR "event streaming"', 'kafka OR', 'go'];
const ITEMS = [
  { title: 'Kafka 4.0', summary: 'event streaming', categories: [] },
  { title: 'K8s and Kubernetes', summary: 'sponsored', categories: ['Go'] },
  { title: 'The Rust Belt', summary: 'rust', categories: [] },
  { title: 'Nothing here', summary: '', categories: [] },
];

describe('RuleCache.ruleSet', () => {
  it('gives one verdict per rule, with the reason evaluate gives, whether the index compared the item with it or not', () => {
    const cache = new RuleCache();
    const set = cache.ruleSet(SOURCES);
    for (const item of ITEMS) {
      const verdicts = set.verdicts(prepareRuleItem(item));
      expect(verdicts).toHaveLength(SOURCES.length);
      for (const [position, source] of SOURCES.entries()) {
        const expected = cache.evaluate(source, prepareRuleItem(item));
        expect({ matches: verdicts[position]!.matches, reason: verdicts[position]!.reason }, `${source} on ${item.title}`).toStrictEqual({
          matches: expected.matches,
          reason: expected.reason,
        });
      }
    }
  });

  it('says why a rule that no longer compiles matches nothing', () => {
    const [verdict] = new RuleCache().ruleSet(['kafka OR']).verdicts(prepareRuleItem(ITEMS[0]!));
    expect(verdict!.matches).toBe(false);
    expect(verdict!.reason).toMatch(/^the rule cannot be used: Nothing after OR/);
  });
});
