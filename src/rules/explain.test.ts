import { describe, it, expect } from 'vitest';
import { compileRule } from './compile-rule.ts';
import { evaluateRule } from './evaluate-rule.ts';
import type { RuleItem } from './item-text.ts';

describe('the reason of a verdict', () => {
  it.each<[string, Partial<RuleItem>, boolean, string]>([
    ['kafka OR "event streaming"', { title: 'Kafka 4.0' }, true, 'matched "kafka" in title'],
    ['kafka OR "event streaming"', { summary: 'A primer on event streaming' }, true, 'matched "event streaming" in summary'],
    ['kafka OR "event streaming"', { title: 'Nothing here' }, false, 'no term matched: needs "kafka" or "event streaming"'],
    ['title:rust -title:"rust belt"', { title: 'Rust 1.80' }, true, 'matched "rust" in title'],
    ['title:rust -title:"rust belt"', { title: 'Back to the Rust Belt' }, false, 'blocked by -title:"rust belt" (found in title)'],
    ['title:rust -title:"rust belt"', { summary: 'Rust' }, false, 'no term matched: needs "rust" in title'],
    ['category:kubernetes AND NOT sponsored', { categories: ['Kubernetes'] }, true, 'matched "kubernetes" in category "Kubernetes"'],
    ['category:kubernetes AND NOT sponsored', { categories: ['Kubernetes', 'Sponsored'] }, false, 'blocked by -sponsored (found in category "Sponsored")'],
    ['category:kubernetes AND NOT sponsored', { categories: ['Sponsored'] }, false, 'blocked by -sponsored (found in category "Sponsored"); also needs "kubernetes" in categories'],
    ['category:kubernetes AND NOT sponsored', { summary: 'x' }, false, 'no term matched: needs "kubernetes" in categories'],
    ['kube*', { title: 'Kubernetes' }, true, 'matched "kube*" in title'],
    ['Kafka', { content: 'about kafka' }, true, 'matched "Kafka" in content'],
    ['kafka streams', { title: 'Kafka', summary: 'Streams API' }, true, 'matched "kafka" in title and "streams" in summary'],
    ['kafka kafka', { title: 'Kafka' }, true, 'matched "kafka" in title'],
    ['kafka streams connect', { title: 'Kafka' }, false, 'no term matched: needs "streams" and "connect"'],
    ['-sponsored', { title: 'x' }, true, 'matched: no "sponsored"'],
    ['-sponsored -title:ad', { title: 'x' }, true, 'matched: no "sponsored" and no "ad" in title'],
    ['title:(rust OR go)', { title: 'x' }, false, 'no term matched: needs ("rust" or "go") in title'],
    ['title:(rust OR go) release', { title: 'go' }, false, 'no term matched: needs "release"'],
    ['(kafka OR pulsar) (release OR announce*)', { title: 'Kafka' }, false, 'no term matched: needs "release" or "announce*"'],
    ['kafka OR (pulsar release)', { title: 'x' }, false, 'no term matched: needs "kafka" or ("pulsar" and "release")'],
    ['kafka OR -sponsored', { categories: ['Sponsored'] }, false, 'no term matched: needs "kafka" or no "sponsored"'],
    ['-(sponsored OR ad) kafka', { title: 'Kafka ad' }, false, 'blocked by -(sponsored OR ad) (found "ad" in title)'],
    ['-title:(sponsored OR ad) kafka', { title: 'Kafka ad' }, false, 'blocked by -title:(sponsored OR ad) (found "ad" in title)'],
    ['author:"jane doe" OR feed:hn', {}, false, 'no term matched: needs "jane doe" in author or "hn" in feed title'],
    ['rust', { title: 'x', categories: ['Rust Lang'] }, true, 'matched "rust" in category "Rust Lang"'],
    ['', {}, true, 'matched: the rule is empty, so every item matches'],
    ['kafka OR "event streaming" -title:sponsored', { title: 'Kafka 4.0' }, true, 'matched "kafka" in title'],
    ['kafka OR "event streaming" -title:sponsored', { title: 'Sponsored: Kafka hosting' }, false, 'blocked by -title:sponsored (found in title)'],
    ['kafka OR "event streaming" -title:sponsored', { title: 'Sponsored: cloud' }, false, 'blocked by -title:sponsored (found in title); also needs "kafka" or "event streaming"'],
    ['kafka OR "event streaming" -title:sponsored', { title: 'Growing tomatoes' }, false, 'no term matched: needs "kafka" or "event streaming"'],
  ])('%j on %j', (rule, fields, matches, reason) => {
    const verdict = evaluateRule(compileRule(rule), { title: '', summary: '', categories: [], ...fields });
    expect(verdict).toMatchObject({ matches, reason });
  });
});
