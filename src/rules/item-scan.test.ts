import { describe, expect, it } from 'vitest';
import { fieldMask } from './fields.ts';
import { ItemScan, trigramsOf } from './item-scan.ts';
import { prepareRuleItem } from './item-text.ts';

describe('ItemScan', () => {
  it("rules out a literal field by field: the content's trigrams do not let a title-scoped pattern run", () => {
    const scan = new ItemScan();
    scan.watchTrigrams(['title', 'content']);
    scan.scan(prepareRuleItem({ title: 'Weekly notes', summary: '', content: 'Kafka streams, weekly', categories: [] }));
    const mayHold = (literal: string, fields: Parameters<typeof fieldMask>[0]) => {
      const trigrams = trigramsOf(literal);
      return scan.mayHoldAll(trigrams, 0, trigrams.length, fieldMask(fields));
    };
    expect(mayHold('Kafka', ['title'])).toBe(false);
    expect(mayHold('Kafka', ['content'])).toBe(true);
    expect(mayHold('Kafka', ['title', 'content'])).toBe(true);
    // Each field must hold all of them: "weekly" is in both, "streams" in the content only.
    expect(mayHold('weekly streams', ['title'])).toBe(false);
  });

  it('finds prefixes (folded, as rules hold them) of one, two and three or more letters, and beyond ASCII, in any case', () => {
    const scan = new ItemScan();
    const prefixes = ['k', 'ku', 'kub', 'kube', 'kubex', 'ca', 'cafe', 'caff', 'οδο', 'οδ', 'οσ'];
    const keys = prefixes.map((prefix) => [prefix, scan.prefixKey(prefix, ['title'])] as const);
    scan.scan(prepareRuleItem({ title: 'KUBERNETES at the Café ΟΔΟΣ', summary: '', categories: [] }));
    const found = new Set(scan.found());
    expect(keys.filter(([, key]) => found.has(key)).map(([prefix]) => prefix)).toStrictEqual(['k', 'ku', 'kub', 'kube', 'ca', 'cafe', 'οδο', 'οδ']);
  });
});
