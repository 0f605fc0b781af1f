import { describe, expect, it } from 'vitest';
import { firstHeader, parseMaxAge, parseRetryAfter } from './http-headers.ts';

const NOW = Date.parse('2024-05-01T10:00:00Z');

describe('parseRetryAfter', () => {
  it.each([
    ['120', 120],
    [' 0 ', 0],
    ['Wed, 01 May 2024 10:01:30 GMT', 90],
    ['Wed, 01 May 2024 09:00:00 GMT', 0],
    ['-5', undefined],
    ['1.5', undefined],
    ['12abc', undefined],
    ['soon', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('%j -> %j seconds', (value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });
});

describe('parseMaxAge', () => {
  it.each([
    ['max-age=600', 600],
    ['public, max-age=3600, must-revalidate', 3600],
    ['Max-Age = "60"', 60],
    ['s-maxage=100', undefined],
    ['s-maxage=100, max-age=5', 5],
    ['no-cache', undefined],
    ['max-age=abc', undefined],
    [undefined, undefined],
  ])('%j -> %j', (value, expected) => {
    expect(parseMaxAge(value)).toBe(expected);
  });
});

describe('firstHeader', () => {
  it.each([
    ['"abc"', '"abc"'],
    [['"a"', '"b"'], '"a"'],
    ['  ', undefined],
    [undefined, undefined],
  ])('%j -> %j', (value, expected) => {
    expect(firstHeader(value)).toBe(expected);
  });
});
