import { describe, it, expect } from 'vitest';
import { foldText } from './fold.ts';

describe('foldText', () => {
  it.each([
    ['Café', 'cafe'],
    ['KAFKA', 'kafka'],
    ['Ærøskøbing', 'aeroskobing'],
    ['Straße', 'strasse'],
    ['Łódź', 'lodz'],
    ['İstanbul', 'istanbul'],
    ['ﬁle', 'file'],
    ['ＫＡＦＫＡ', 'kafka'],
    ['ΟΔΟΣ', 'οδοσ'],
    ['naïve résumé', 'naive resume'],
    ['C++ & .NET', 'c++ & .net'],
    ['東京', '東京'],
    ['会議で', '会議で'],
    ['हिन्दी', 'हिन्दी'],
    ['Tiếng Việt', 'tieng viet'],
  ])('folds %j to %j', (input, folded) => {
    expect(foldText(input)).toBe(folded);
  });

  it('folds a decomposed and a composed accent alike', () => {
    expect(foldText('Cafe\u0301')).toBe(foldText('Caf\u00e9'));
  });
});
