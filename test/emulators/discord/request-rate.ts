/**
 * The figures behind requestRate(): when each request counting toward the global limit arrived, and
 * how many of them the limit refused.
 */
import type { RequestRate } from './types.ts';

const WINDOW_MS = 1000;

export class RequestTally {
  readonly #arrivals: number[] = [];
  #globalLimited = 0;

  arrived(at: number): void {
    this.#arrivals.push(at);
  }

  refusedGlobally(): void {
    this.#globalLimited++;
  }

  summary(): RequestRate {
    let most = 0;
    let first = 0;
    this.#arrivals.forEach((at, last) => {
      while (at - this.#arrivals[first]! >= WINDOW_MS) first++;
      most = Math.max(most, last - first + 1);
    });
    return { total: this.#arrivals.length, maxInAnySecond: most, globalLimited: this.#globalLimited };
  }
}
