/**
 * Waits until `check` returns a value, re-checking whenever `emitter` fires `event`; rejects with
 * `timeoutError()` after `timeoutMs`. Timers are unref'd so a forgotten wait never holds the process.
 */
import type { EventEmitter } from 'node:events';

export function waitFor<T>(
  emitter: EventEmitter,
  event: string,
  check: () => T | undefined,
  timeoutMs: number,
  timeoutError: () => Error,
): Promise<T> {
  const first = check();
  if (first !== undefined) return Promise.resolve(first);
  return new Promise<T>((resolve, reject) => {
    const onChange = () => {
      const value = check();
      if (value === undefined) return;
      cleanup();
      resolve(value);
    };
    const timer = setTimeout(() => {
      cleanup();
      const value = check();
      if (value !== undefined) resolve(value);
      else reject(timeoutError());
    }, timeoutMs);
    timer.unref();
    const cleanup = () => {
      clearTimeout(timer);
      emitter.off(event, onChange);
    };
    emitter.on(event, onChange);
  });
}
