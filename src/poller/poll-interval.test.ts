import { describe, expect, it } from 'vitest';
import { nextIntervalSeconds, siteMinimumInterval } from './poll-interval.ts';

describe('poll intervals', () => {
  it.each([
    { base: 600, failures: 0, expected: 600 },
    { base: 600, failures: 1, expected: 600 },
    { base: 600, failures: 2, expected: 1200 },
    { base: 600, failures: 4, expected: 4800 },
    { base: 600, failures: 20, expected: 6 * 3600 },
  ])('base $base s after $failures failures waits $expected s', ({ base, failures, expected }) => {
    expect(nextIntervalSeconds({ baseSeconds: base, consecutiveFailures: failures })).toBe(expected);
  });

  it('honours a longer ttl or max-age, capped', () => {
    expect(nextIntervalSeconds({ baseSeconds: 60, siteMinimumSeconds: siteMinimumInterval(30, undefined), consecutiveFailures: 0 })).toBe(1800);
    expect(siteMinimumInterval(undefined, 10 * 24 * 3600)).toBe(3600);
    expect(siteMinimumInterval(100_000, undefined)).toBe(24 * 3600);
    expect(siteMinimumInterval(undefined, undefined)).toBeUndefined();
  });

  it('waits at least what Retry-After asked for', () => {
    expect(nextIntervalSeconds({ baseSeconds: 60, consecutiveFailures: 1, retryAfterSeconds: 900 })).toBe(900);
  });
});
