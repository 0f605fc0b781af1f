import { describe, it, expect } from 'vitest';
import type { Item } from '../feeds/item.ts';
import { compileRule } from './compile-rule.ts';
import { evaluateRule } from './evaluate-rule.ts';
import { prepareRuleItem, type RuleItem } from './item-text.ts';

function item(fields: Partial<RuleItem>): RuleItem {
  return { title: '', summary: '', categories: [], ...fields };
}

function matches(rule: string, fields: Partial<RuleItem>): boolean {
  return evaluateRule(compileRule(rule), item(fields)).matches;
}

describe('evaluateRule', () => {
  it.each([
    // DESIGN.md's examples.
    ['kafka OR "event streaming"', { title: 'Kafka 4.0 released' }, true],
    ['kafka OR "event streaming"', { summary: 'A primer on event streaming.' }, true],
    ['kafka OR "event streaming"', { summary: 'Event-streaming platforms compared' }, true],
    ['kafka OR "event streaming"', { summary: 'streaming events, live' }, false],
    ['title:rust -title:"rust belt"', { title: 'Rust 1.80 is out' }, true],
    ['title:rust -title:"rust belt"', { title: 'Jobs return to the Rust Belt' }, false],
    ['title:rust -title:"rust belt"', { title: 'Rust 1.80', summary: 'nothing to do with the rust belt' }, true],
    ['title:rust -title:"rust belt"', { summary: 'Rust 1.80 is out' }, false],
    ['category:kubernetes AND NOT sponsored', { categories: ['Kubernetes'] }, true],
    ['category:kubernetes AND NOT sponsored', { categories: ['Kubernetes', 'Sponsored'] }, false],
    ['category:kubernetes AND NOT sponsored', { categories: ['Kubernetes'], summary: 'A sponsored post' }, false],
    ['category:kubernetes AND NOT sponsored', { title: 'Kubernetes 1.31' }, false],
    ['kube*', { title: 'Kubernetes 1.31' }, true],
    ['kube*', { summary: 'kube-proxy explained' }, true],
    ['kube*', { summary: 'A cube of sugar' }, false],
    ['kube*', { summary: 'Minikube released' }, false],
    // Width: full-width forms are the plain ones, in the item and in the rule.
    ['kafka', { title: 'ＫＡＦＫＡ入門' }, true],
    ['ＫＡＦＫＡ', { title: 'Kafka 4.0' }, true],
    ['"kafka streams"', { title: 'ＫＡＦＫＡ　ＳＴＲＥＡＭＳ' }, true],
    ['c++', { title: 'Ｃ＋＋ 26' }, true],
    ['カフカ', { title: 'ｶﾌｶの本' }, true],
    ['title:kube*', { title: 'ｋｕｂｅｒｎｅｔｅｓ' }, true],
    // Case, accents, whole words.
    ['cafe', { title: 'Café culture' }, true],
    ['Café', { title: 'CAFE CULTURE' }, true],
    ['KAFKA', { title: 'kafka' }, true],
    ['kafka', { title: 'Kafkaesque bureaucracy' }, false],
    ['kafka', { title: "Kafka's new release" }, true],
    ['kafka', { title: 'Apache Kafka®' }, true],
    ['strasse', { title: 'Straße des 17. Juni' }, true],
    ['"event streaming"', { summary: 'event   \n streaming' }, true],
    ['"event streaming"', { summary: 'streaming event' }, false],
    ['"event streaming"', { summary: 'events streaming' }, false],
    // Precedence: NOT > AND > OR.
    // OR joins the terms beside it, a space the rest: (a OR b) AND c.
    ['a OR b c', { title: 'a' }, false],
    ['a OR b c', { title: 'b' }, false],
    ['a OR b c', { title: 'b c' }, true],
    ['a OR b c', { title: 'a c' }, true],
    ['kafka OR "event streaming" -title:sponsored', { title: 'Sponsored: Kafka at scale' }, false],
    ['kafka OR "event streaming" -title:sponsored', { title: 'Event streaming 101', summary: 'sponsored' }, true],
    ['(a OR b) c', { title: 'a' }, false],
    ['NOT a b', { title: 'b' }, true],
    ['NOT a b', { title: 'a b' }, false],
    ['NOT (a b)', { title: 'a' }, true],
    ['NOT a OR b', { title: 'a b' }, true],
    ['-a', { title: 'x' }, true],
    ['a and b', { title: 'a b' }, false],
    ['a and b', { title: 'a and b' }, true],
    // Terms with punctuation mean what they say.
    ['c++', { title: 'Modern C++ in 2024' }, true],
    ['c++', { title: 'C++17 features' }, true],
    ['c++', { title: 'The C programming language' }, false],
    ['c++', { title: 'abc++' }, false],
    ['C#', { title: 'What is new in c# 12' }, true],
    ['.net', { title: '.NET 9 preview' }, true],
    ['.net', { title: 'ASP.NET Core' }, true],
    ['.net', { title: 'Net income rises' }, false],
    ['.net', { title: '.network effects' }, false],
    ['node.js', { title: 'Node.js 22 released' }, true],
    ['node.js', { title: 'node js' }, false],
    ['node', { title: 'Node.js 22 released' }, true],
    ['"c++ programming"', { title: 'Intro to C++ Programming' }, true],
    ['"c++ programming"', { title: 'Intro to C programming' }, false],
    ["don't", { title: 'Don’t panic' }, true],
    ['e-mail', { title: 'E‐mail is dead' }, true],
    ['東京', { title: '東京で会議' }, true],
    ['京都', { title: '東京で会議' }, false],
    ['rust, go', { title: 'Rust and Go' }, true],
    // Fields: unscoped terms search title, summary, content and categories, not author, link or feed.
    ['kafka', { content: 'all about kafka' }, true],
    ['kafka', { categories: ['Apache Kafka'] }, true],
    ['kafka', { author: 'Franz Kafka' }, false],
    ['kafka', { link: 'https://kafka.apache.org/' }, false],
    ['kafka', { feedTitle: 'Kafka Weekly' }, false],
    ['author:kafka', { author: 'Franz Kafka' }, true],
    ['author:"franz kafka"', { author: 'Franz Kafka' }, true],
    ['link:github', { link: 'https://github.com/x/y' }, true],
    ['link:github.com', { link: 'https://github.com/x/y' }, true],
    ['link:https://github.com/x', { link: 'https://github.com/x/y' }, true],
    ['link:github.com', { title: 'github.com' }, false],
    ['feed:"hacker news"', { feedTitle: 'Hacker News: Front Page' }, true],
    ['content:kafka', { title: 'kafka' }, false],
    ['summary:kafka', { summary: 'Kafka!' }, true],
    ['title:(rust OR go)', { title: 'Go 1.23' }, true],
    ['title:(rust OR go)', { summary: 'Go 1.23' }, false],
    ['-title:(rust OR go)', { summary: 'Go 1.23' }, true],
    // Categories match as whole names and by the words inside them, never across two of them.
    ['category:rust', { categories: ['Rust'] }, true],
    ['category:rust', { categories: ['Rust Lang'] }, true],
    ['category:"machine learning"', { categories: ['Machine Learning'] }, true],
    ['category:"machine learning"', { categories: ['Machine', 'Learning'] }, false],
    ['category:c++', { categories: ['C++'] }, true],
    ['category:rust', { title: 'rust' }, false],
    ['"rust go"', { categories: ['Rust', 'Go'] }, false],
    // Missing optional fields match nothing.
    ['content:x OR author:x OR link:x OR feed:x', {}, false],
    ['-content:x', {}, true],
    // The empty rule.
    ['', {}, true],
    ['   ', { title: 'anything' }, true],
  ])('%j on %j: %s', (rule, fields, expected) => {
    expect(matches(rule, fields)).toBe(expected);
  });

  it('gives the same verdict for a prepared item, which many rules can share', () => {
    const prepared = prepareRuleItem(item({ title: 'Kafka 4.0', categories: ['Sponsored'] }));
    expect(evaluateRule(compileRule('kafka'), prepared)).toMatchObject({ matches: true, reason: 'matched "kafka" in title' });
    expect(evaluateRule(compileRule('kafka -sponsored'), prepared)).toMatchObject({ matches: false });
  });

  it('takes an Item plus the feed title', () => {
    const feedItem: Item = {
      feedUrl: 'https://example.com/feed.xml',
      id: '1',
      title: 'Kafka 4.0',
      categories: ['Streaming'],
      summary: 'Released today',
      contentHtml: '<p>Released</p>',
    };
    const verdict = evaluateRule(compileRule('feed:"Example Blog" title:kafka'), { ...feedItem, feedTitle: 'Example Blog' });
    expect(verdict.matches).toBe(true);
    const plain: RuleItem = feedItem;
    expect(evaluateRule(compileRule('streaming'), plain).matches).toBe(true);
  });
});
