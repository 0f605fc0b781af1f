import { describe, it, expect } from 'vitest';
import { foldText } from '../text/fold.ts';
import { seededRandom } from '../../test/support/seeded-random.ts';
import { foldForMatching, hasOnlyWords, isRunCode, ROUGH_WORDS, splitWords, wordsOfLowerCase } from './words.ts';

const wordsOfText = (text: string): string[] => wordsOfLowerCase(text.toLowerCase());

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

/** What folding and splitting mean, without the ASCII shortcuts: the fast paths must agree with it everywhere. */
function referenceWords(text: string): string[] {
  const folded = foldText(text).replace(/[\u2018\u2019\u02bc\u2032]/g, "'").replace(/[\u2010\u2011]/g, '-').replace(/\s+/g, ' ').trim();
  return folded.match(/[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}]|(?:(?![\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}])[\p{L}\p{N}\p{M}])+/gu) ?? [];
}

describe('the ASCII shortcuts', () => {
  it.each([
    ['Kafka, Rust & Go', ['kafka', 'rust', 'go']],
    ['naïve Café Müller', ['naive', 'cafe', 'muller']],
    ['Don’t stop', ['don', 't', 'stop']],
    ['ＫＡＦＫＡ rocks', ['kafka', 'rocks']],
    ['été İstanbul Kelvin', ['ete', 'istanbul', 'kelvin']],
    ['東京で kafka½', ['東', '京', 'で', 'kafka1', '2']],
  ])('finds the words of %j as folding the whole text would: %j', (text, words) => {
    expect(wordsOfText(text)).toEqual(words);
    expect(wordsOfText(text)).toEqual(referenceWords(text));
  });

  it('read runs the same code unit by code unit (isRunCode, for the rule index) and by pattern (ROUGH_WORDS)', () => {
    const oneUnit = new RegExp(`^${ROUGH_WORDS.source}$`);
    const disagree: string[] = [];
    for (let code = 0; code <= 0xffff; code++) if (oneUnit.test(String.fromCharCode(code)) !== isRunCode(code)) disagree.push(code.toString(16));
    expect(disagree).toEqual([]);
  });

  it('agree with folding and splitting the whole text on random text of many scripts', () => {
    const random = seededRandom(4242);
    const ranges: Array<readonly [number, number]> = [[0x20, 0x7e], [0x20, 0x7e], [0xa0, 0x24f], [0x300, 0x36f], [0x370, 0x52f], [0x900, 0x97f], [0x2000, 0x206f], [0x2100, 0x214f], [0xd0, 0xff], [0x2180, 0x27bf], [0x3040, 0x30ff], [0x4e00, 0x4e80], [0xff00, 0xffef], [0xac00, 0xac40], [0xfb00, 0xfb4f], [0x1f600, 0x1f64f]];
    for (let sample = 0; sample < 3000; sample++) {
      let text = '';
      for (let length = Math.floor(random() * 30); length > 0; length--) {
        const [low, high] = ranges[Math.floor(random() * ranges.length)]!;
        text += String.fromCodePoint(low + Math.floor(random() * (high - low + 1)));
      }
      expect(wordsOfText(text), JSON.stringify(text)).toEqual(referenceWords(text));
      expect(splitWords(foldForMatching(text)), JSON.stringify(text)).toEqual(referenceWords(text));
    }
  });
});
