import { describe, it, expect } from 'vitest';
import { buildTerm } from './build-term.ts';

describe('buildTerm', () => {
  it.each([
    ['kafka', false, { kind: 'word', word: 'kafka' }],
    ['KAFKA', false, { kind: 'word', word: 'kafka' }],
    ['Café', false, { kind: 'word', word: 'cafe' }],
    ['rust,', false, { kind: 'word', word: 'rust' }],
    ['yahoo!', false, { kind: 'word', word: 'yahoo' }],
    ['kube*', false, { kind: 'prefix', prefix: 'kube' }],
    ['Kübe*,', false, { kind: 'prefix', prefix: 'kube' }],
    ['event streaming', true, { kind: 'phrase', words: ['event', 'streaming'] }],
    [' Event   Streaming ', true, { kind: 'phrase', words: ['event', 'streaming'] }],
    ['kafka', true, { kind: 'word', word: 'kafka' }],
    ['東京', false, { kind: 'phrase', words: ['東', '京'] }],
    ['c++', false, { kind: 'literal', text: 'c++', wordStart: true, wordEnd: false }],
    ['C++.', false, { kind: 'literal', text: 'c++', wordStart: true, wordEnd: false }],
    ['.NET', false, { kind: 'literal', text: '.net', wordStart: false, wordEnd: true }],
    ['node.js', false, { kind: 'literal', text: 'node.js', wordStart: true, wordEnd: true }],
    ['C#', false, { kind: 'literal', text: 'c#', wordStart: true, wordEnd: false }],
    ['don’t', false, { kind: 'literal', text: "don't", wordStart: true, wordEnd: true }],
    ['node.*', false, { kind: 'literal', text: 'node.', wordStart: true, wordEnd: false }],
    ['東京*', false, { kind: 'literal', text: '東京', wordStart: false, wordEnd: false }],
    ['c++ programming', true, { kind: 'literal', text: 'c++ programming', wordStart: true, wordEnd: true }],
    ['kube*', true, { kind: 'literal', text: 'kube*', wordStart: true, wordEnd: false }],
    ['...', false, { kind: 'literal', text: '...', wordStart: false, wordEnd: false }],
  ])('%j (quoted: %s) matches as %j', (text, quoted, matcher) => {
    expect(buildTerm({ text, quoted, position: 0 }, null, text).matcher).toEqual(matcher);
  });

  it('keeps the text as written for display, without trailing commas, quotes or the star', () => {
    expect(buildTerm({ text: 'Rust,', quoted: false, position: 3 }, 'title', 'x')).toMatchObject({
      text: 'Rust',
      field: 'title',
      wildcard: false,
      quoted: false,
      position: 3,
    });
    expect(buildTerm({ text: 'Kube*', quoted: false, position: 0 }, null, 'x')).toMatchObject({ text: 'Kube', wildcard: true });
  });
});
