/**
 * Parses the dates feeds actually contain: RFC 822/1123 in its many broken forms (odd or named zones, "GMT+2",
 * missing seconds or weekday, a wrong weekday, two-digit years, full or lowercase month names) and ISO 8601 /
 * RFC 3339 / W3C-DTF (with or without zone, space instead of T, fractional seconds, partial dates).
 * Returns a valid Date or undefined; never throws and never returns an Invalid Date.
 */

const MAX_LENGTH = 120;

const ISO_DATE =
  /^(\d{4})(?:[-/](\d{1,2})(?:[-/](\d{1,2}))?)?(?:(?:T|\s+)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$/i;
const ISO_COMPACT = /^(\d{4})(\d{2})(\d{2})(?:T?(\d{2})(\d{2})(\d{2})?(?:[.,](\d+))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

// Offsets in minutes. Unknown zone names count as UTC, as RFC 822 asks for unknown military zones.
const ZONES: Readonly<Record<string, number>> = {
  ut: 0, utc: 0, gmt: 0, z: 0, wet: 0, bst: 60, ist: 330, cet: 60, met: 60, mez: 60, cest: 120, mest: 120,
  mesz: 120, eet: 120, eest: 180, msk: 180, west: 60, est: -300, edt: -240, cst: -360, cdt: -300, mst: -420,
  mdt: -360, pst: -480, pdt: -420, akst: -540, akdt: -480, hst: -600, ast: -240, adt: -180, nst: -210, ndt: -150,
  jst: 540, kst: 540, hkt: 480, sgt: 480, awst: 480, acst: 570, acdt: 630, aest: 600, aedt: 660, nzst: 720,
  nzdt: 780,
};

export function parseFeedDate(text: string | undefined): Date | undefined {
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  if (trimmed === '' || trimmed.length > MAX_LENGTH) return undefined;
  return parseIso(trimmed) ?? parseCommonRfc822(trimmed) ?? parseRfc822(trimmed);
}

interface DateParts {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  offsetMinutes: number;
}

function parseIso(text: string): Date | undefined {
  const match = ISO_DATE.exec(text) ?? ISO_COMPACT.exec(text);
  if (match === null) return undefined;
  const [, year, month, day, hour, minute, second, fraction, zone] = match;
  return build({
    year: Number(year),
    month: month === undefined ? 1 : Number(month),
    day: day === undefined ? 1 : Number(day),
    hour: hour === undefined ? 0 : Number(hour),
    minute: minute === undefined ? 0 : Number(minute),
    second: second === undefined ? 0 : Number(second),
    millisecond: fraction === undefined ? 0 : Math.round(Number(`0.${fraction}`) * 1000),
    offsetMinutes: zoneOffset(zone) ?? 0,
  });
}

// The form nearly every RSS feed writes ("Wed, 02 Oct 2002 13:00:00 GMT", "... +0200"), read in one match; it
// gives what the token reading below gives for it.
const COMMON_RFC822 = /^(?:(?:mon|tue|wed|thu|fri|sat|sun),? )?(\d{1,2}) ([a-z]{3}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) (?:([+-]\d{4})|(gmt|ut|utc|z|[ecmp][sd]t))$/i;

function parseCommonRfc822(text: string): Date | undefined {
  const match = COMMON_RFC822.exec(text);
  if (match === null) return undefined;
  const [, day, monthName = '', year, hour, minute, second, offset, zone] = match;
  const month = MONTHS.indexOf(monthName.toLowerCase()) + 1;
  if (month === 0 || Number(day) < 1 || Number(day) > 31 || Number(second) === 60) return undefined;
  return build({
    year: Number(year),
    month,
    day: Number(day),
    hour: Number(hour),
    minute: Number(minute),
    second: Number(second),
    millisecond: 0,
    offsetMinutes: offset === undefined ? (ZONES[(zone ?? '').toLowerCase()] ?? 0) : signedOffset(offset),
  });
}

const TOKEN = /[A-Za-z]+\.?|\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?|[+-]\d{1,4}(?::\d{2})?|\d+/g;

/** RFC 822 and its relatives, read as a bag of tokens: weekday (ignored), day, month name, year, time, zone. */
function parseRfc822(text: string): Date | undefined {
  const withoutComments = text.replace(/\([^)]*\)/g, ' ');
  let day: number | undefined;
  let month: number | undefined;
  let year: number | undefined;
  let time: number[] | undefined;
  let offset: number | undefined;
  let pm: boolean | undefined;
  for (const [token] of withoutComments.matchAll(TOKEN)) {
    const first = token.charCodeAt(0);
    if (token.includes(':') && first !== 0x2b && first !== 0x2d) {
      if (time !== undefined) return undefined;
      time = token.split(/[:.,]/).map(Number);
    } else if (first === 0x2b || first === 0x2d) {
      // A signed number is a zone offset after the time ("+0200", "-05:00", "GMT+2"); before it, a separator.
      if (time === undefined) {
        const number = Number(token.slice(1));
        if (day === undefined && number <= 31) day = number;
        else if (year === undefined) year = expandYear(token.slice(1));
        else return undefined;
      } else {
        offset = (offset ?? 0) + signedOffset(token);
      }
    } else if (/^\d/.test(token)) {
      if (day === undefined && token.length <= 2 && Number(token) >= 1 && Number(token) <= 31) day = Number(token);
      else if (year === undefined) year = expandYear(token);
      else return undefined;
    } else {
      const word = token.replace('.', '').toLowerCase();
      const monthIndex = MONTHS.indexOf(word.slice(0, 3));
      if (monthIndex !== -1 && month === undefined && isMonthWord(word)) month = monthIndex + 1;
      else if (word === 'am' || word === 'pm') pm = word === 'pm';
      else if (time !== undefined && offset === undefined) offset = ZONES[word] ?? 0;
    }
  }
  if (day === undefined || month === undefined || year === undefined) return undefined;
  let [hour = 0, minute = 0, second = 0, millisecond = 0] = time ?? [];
  if (pm !== undefined && hour >= 1 && hour <= 12) hour = (hour % 12) + (pm ? 12 : 0);
  if (second === 60) second = 59;
  return build({ year, month, day, hour, minute, second, millisecond, offsetMinutes: offset ?? 0 });
}

function isMonthWord(word: string): boolean {
  const full = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
  return word.length === 3 || full.some((name) => name.startsWith(word)) || word === 'sept';
}

function expandYear(digits: string): number {
  const value = Number(digits);
  if (digits.length > 2) return value;
  // Two-digit years: RFC 2822 says 00-49 are 2000s, 50-99 are 1900s.
  return value < 50 ? 2000 + value : 1900 + value;
}

function signedOffset(token: string): number {
  const sign = token.startsWith('-') ? -1 : 1;
  const digits = token.slice(1).replace(':', '');
  // "+2" and "+02" are hours; "+0200" and "+02:00" are hours and minutes.
  const hours = digits.length <= 2 ? Number(digits) : Number(digits.slice(0, -2));
  const minutes = digits.length <= 2 ? 0 : Number(digits.slice(-2));
  return sign * (hours * 60 + minutes);
}

function zoneOffset(zone: string | undefined): number | undefined {
  if (zone === undefined) return undefined;
  const lower = zone.toLowerCase();
  if (lower in ZONES) return ZONES[lower];
  return signedOffset(zone);
}

function build(parts: DateParts): Date | undefined {
  const { year, month, day, hour, minute, second, millisecond, offsetMinutes } = parts;
  if (year < 1000 || year > 9999 || month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  if (hour > 24 || minute > 59 || second > 59 || Math.abs(offsetMinutes) > 18 * 60) return undefined;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, millisecond);
  // Date.UTC rolls 31 February over into March: refuse days the month does not have.
  if (new Date(Date.UTC(year, month - 1, day)).getUTCDate() !== day) return undefined;
  const date = new Date(utc - offsetMinutes * 60_000);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
