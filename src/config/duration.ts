/**
 * Reads the durations people write in configuration: `30s`, `10m`, `1h30m`, `7d`, `2w`
 * (units s, m, h, d, w; spaces between parts allowed). Returns seconds, or undefined when the text is
 * not a duration. Bare numbers are left to the caller, since their unit depends on the setting.
 */

const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };
const DURATION = /^(?:\s*\d+(?:\.\d+)?\s*[smhdw])+\s*$/;
const PART = /(\d+(?:\.\d+)?)\s*([smhdw])/g;

export function parseDurationSeconds(text: string): number | undefined {
  if (!DURATION.test(text)) return undefined;
  let seconds = 0;
  for (const [, amount, unit] of text.matchAll(PART)) {
    seconds += Number(amount) * (UNIT_SECONDS[unit!] ?? Number.NaN);
  }
  return Number.isFinite(seconds) ? seconds : undefined;
}

export const SECONDS_PER_DAY = UNIT_SECONDS.d!;
