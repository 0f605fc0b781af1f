/**
 * Calls `onChange` when the config file may have changed: on a change seen in its folder (editors save by writing a
 * new file and renaming it over the old one, which a watch on the file itself would lose) and on SIGHUP, the
 * operator's "reload now". Bursts of events (an editor writes, renames and touches) become one call after
 * `debounceMs`; calls never overlap, and one asked for during a call runs after it.
 */
import { watch } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import path from 'node:path';

export interface ConfigWatcher {
  close(): void;
}

export interface WatchConfigOptions {
  readonly debounceMs?: number;
  /** Where a failed watch is reported (the folder vanished, too many watches); SIGHUP still works. */
  readonly onWatchError?: (error: unknown) => void;
}

export function watchConfigFile(filePath: string, onChange: (reason: 'changed' | 'SIGHUP') => Promise<void>, options: WatchConfigOptions = {}): ConfigWatcher {
  const debounceMs = options.debounceMs ?? 300;
  const name = path.basename(filePath);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again: 'changed' | 'SIGHUP' | undefined;
  let closed = false;

  const run = (reason: 'changed' | 'SIGHUP') => {
    if (closed) return;
    if (running !== undefined) {
      again = reason;
      return;
    }
    running = onChange(reason)
      .catch(() => undefined)
      .finally(() => {
        running = undefined;
        const next = again;
        again = undefined;
        if (next !== undefined) run(next);
      });
  };
  const schedule = (reason: 'changed' | 'SIGHUP') => {
    clearTimeout(timer);
    timer = setTimeout(() => run(reason), debounceMs);
  };

  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(path.dirname(filePath), { persistent: false }, (_event, changed) => {
      // Some platforms give no file name: then any change in the folder may be the file.
      if (changed === null || changed.toString() === name) schedule('changed');
    });
    watcher.on('error', (error) => options.onWatchError?.(error));
  } catch (error) {
    options.onWatchError?.(error);
  }
  const onSighup = () => schedule('SIGHUP');
  process.on('SIGHUP', onSighup);

  return {
    close() {
      closed = true;
      clearTimeout(timer);
      watcher?.close();
      process.off('SIGHUP', onSighup);
    },
  };
}
