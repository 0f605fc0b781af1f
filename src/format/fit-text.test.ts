import { describe, expect, it } from 'vitest';
import { fitText } from './fit-text.ts';

const escapeAmpersands = (text: string): string => text.replaceAll('&', '&amp;');
const brokenEntity = /&(?!amp;)/u;

describe('fitText', () => {
  it('returns text that fits once transformed unchanged but for the transform', () => {
    expect(fitText('Q&A night', 20, escapeAmpersands)).toBe('Q&amp;A night');
  });

  it('cuts at a word with an ellipsis before transforming', () => {
    expect(fitText('The quick brown fox jumps', 18, (text) => text)).toBe('The quick brown…');
  });

  it.each([
    { name: 'text made only of escapes', text: '&'.repeat(10_000), max: 3000 },
    { name: 'words separated by escapes', text: 'R&D & Q&A '.repeat(1000), max: 3000 },
    { name: 'an escape right at the limit', text: `${'a'.repeat(8)}&&&&`, max: 12 },
  ])('never cuts an escape in half and stays within the limit: $name', ({ text, max }) => {
    const fitted = fitText(text, max, escapeAmpersands);
    expect(fitted.length).toBeLessThanOrEqual(max);
    expect(fitted).not.toMatch(brokenEntity);
    expect(fitted.endsWith('…')).toBe(true);
  });

  it('keeps as much as fits when escaping multiplies the length', () => {
    const fitted = fitText('&'.repeat(10_000), 3000, escapeAmpersands);
    // Each '&' costs five characters, so about 600 of them fit; shrinking must not overshoot to a stub.
    expect(fitted.length).toBeGreaterThan(2900);
  });

  it('counts the wrapping the transform adds', () => {
    const fitted = fitText('x'.repeat(100), 50, (text) => `*<https://a.test|${text}>*`);
    expect(fitted.length).toBeLessThanOrEqual(50);
    expect(fitted).toMatch(/^\*<https:\/\/a\.test\|x+…>\*$/u);
  });

  it('gives nothing when the transform alone is longer than the limit', () => {
    expect(fitText('title', 10, (text) => `<https://example.org/long|${text}>`)).toBe('');
  });
});
