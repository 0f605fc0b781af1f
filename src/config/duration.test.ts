import { describe, expect, it } from 'vitest';
import { parseDurationSeconds } from './duration.ts';

describe('parseDurationSeconds', () => {
  it.each<[string, number | undefined]>([
    ['30s', 30],
    ['10m', 600],
    ['1h', 3600],
    ['1h30m', 5400],
    ['1h 30m', 5400],
    ['7d', 604_800],
    ['2w', 1_209_600],
    ['1.5h', 5400],
    ['10', undefined],
    ['10M', undefined],
    ['10 minutes', undefined],
    ['m', undefined],
    ['', undefined],
    ['-5m', undefined],
  ])('reads %j as %s seconds', (text, expected) => {
    expect(parseDurationSeconds(text)).toBe(expected);
  });
});
