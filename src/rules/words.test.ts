import { describe, it, expect } from 'vitest';
import { foldForMatching, hasOnlyWords, splitWords } from './words.ts';

describe('foldForMatching', () => {
  it.each([
    ['  Café\u00a0 au\n\tLait ', 'cafe au lait'],
    ['Don’t', "don't"],
    ['E‐mail', 'e-mail'],
    // Width: full-width Latin, digits and punctuation are plain; half-width katakana is full.
    ['ＫＡＦＫＡ　４．０', 'kafka 4.0'],
    ['Ｃ＋＋', 'c++'],
    ['ｶﾌｶ ﾃﾞｰﾀ', 'カフカ データ'],
  ])('folds %j to %j', (text, folded) => {
    expect(foldForMatching(text)).toBe(folded);
  });
});

describe('splitWords', () => {
  it.each([
    ['kafka, rust & go', ['kafka', 'rust', 'go']],
    ['node.js c++ .net', ['node', 'js', 'c', 'net']],
    ['v1.2 2024', ['v1', '2', '2024']],
    ['東京で会議 kafka', ['東', '京', 'で', '会', '議', 'kafka']],
    ['हिन्दी खबर', ['हिन्दी', 'खबर']],
    ['', []],
  ])('splits %j into %j', (text, words) => {
    expect(splitWords(foldForMatching(text))).toEqual(words);
  });
});

describe('hasOnlyWords', () => {
  it.each([
    ['event streaming', true],
    ['東京', true],
    ['c++', false],
    ['node.js', false],
  ])('%j: %s', (text, expected) => {
    expect(hasOnlyWords(foldForMatching(text))).toBe(expected);
  });
});
