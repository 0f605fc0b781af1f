import { describe, expect, it } from 'vitest';
import { truncateText } from './truncate.ts';

const hasLoneSurrogate = (text: string): boolean => /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/u.test(text);

describe('truncateText', () => {
  it.each([
    { name: 'short text unchanged', text: 'Hello world', max: 20, expected: 'Hello world' },
    { name: 'exactly at the limit unchanged', text: 'Hello world', max: 11, expected: 'Hello world' },
    { name: 'cut at the last word before the limit', text: 'The quick brown fox jumps', max: 18, expected: 'The quick brown…' },
    { name: 'limit falls on a space', text: 'The quick brown fox', max: 16, expected: 'The quick brown…' },
    { name: 'trailing comma dropped before the ellipsis', text: 'alpha, beta, gamma, delta', max: 14, expected: 'alpha, beta…' },
    { name: 'one long word is cut mid-word', text: 'Supercalifragilisticexpialidocious', max: 10, expected: 'Supercali…' },
    { name: 'a boundary too far back is ignored', text: `a ${'x'.repeat(300)}`, max: 200, expected: `a ${'x'.repeat(197)}…` },
    { name: 'max of one leaves only the ellipsis', text: 'Hello', max: 1, expected: '…' },
    { name: 'max of zero gives nothing', text: 'Hello', max: 0, expected: '' },
  ])('$name', ({ text, max, expected }) => {
    const result = truncateText(text, max);
    expect(result).toBe(expected);
    expect(result.length).toBeLessThanOrEqual(max);
  });

  it.each([
    { name: 'emoji straddling the cut', text: `${'a'.repeat(8)}😀😀😀😀`, max: 10 },
    { name: 'emoji right at the cut', text: `${'a'.repeat(9)}😀😀😀`, max: 11 },
    { name: 'only emoji', text: '😀'.repeat(50), max: 7 },
    { name: 'ZWJ family emoji', text: `ab ${'👨‍👩‍👧‍👦'.repeat(5)}`, max: 12 },
    { name: 'flags', text: '🇫🇷🇩🇪🇯🇵🇺🇸', max: 6 },
  ])('never splits a character: $name', ({ text, max }) => {
    const result = truncateText(text, max);
    expect(result.length).toBeLessThanOrEqual(max);
    expect(result.endsWith('…')).toBe(true);
    expect(hasLoneSurrogate(result)).toBe(false);
    // Whatever is kept is a prefix of the original, whole graphemes only.
    const kept = result.slice(0, -1);
    expect(text.startsWith(kept)).toBe(true);
    const graphemes = [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)].map((s) => s.segment);
    let joined = '';
    const prefixes = new Set(graphemes.map((g) => (joined += g)));
    prefixes.add('');
    expect(prefixes.has(kept) || prefixes.has(kept.trimEnd())).toBe(true);
  });

  it('keeps a long text within the limit and ends it at a word', () => {
    const text = 'lorem ipsum dolor sit amet '.repeat(400);
    const result = truncateText(text, 4096);
    expect(result.length).toBeLessThanOrEqual(4096);
    expect(result.length).toBeGreaterThan(4000);
    expect(result).toMatch(/(lorem|ipsum|dolor|sit|amet)…$/u);
  });
});
