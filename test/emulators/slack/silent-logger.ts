/**
 * A Bolt/WebClient logger that drops everything, so tests driving the real Slack clients keep their
 * output clean. `getLevel` matters: the Socket Mode client asks for it.
 */
import { LogLevel } from '@slack/bolt';
import type { Logger } from '@slack/bolt';

export function silentLogger(): Logger {
  let level = LogLevel.ERROR;
  return {
    debug: () => {},
    info: () => {},
    warn: () => {},
    error: () => {},
    setLevel: (next) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => {},
  };
}
