import { describe, expect, it } from 'vitest';
import { parseFeedDate } from './dates.ts';

describe('parseFeedDate', () => {
  it.each([
    // RFC 822 / 1123 and what feeds make of them
    ['Thu, 01 Jan 2004 19:48:21 GMT', '2004-01-01T19:48:21.000Z'],
    ['Thu, 01 Jan 2004 19:48:21 +0200', '2004-01-01T17:48:21.000Z'],
    ['Thu, 01 Jan 2004 19:48:21 -05:00', '2004-01-02T00:48:21.000Z'],
    ['Thu, 01 Jan 2004 19:48:21 EST', '2004-01-02T00:48:21.000Z'],
    ['Thu, 01 Jan 2004 19:48:21 PDT', '2004-01-02T02:48:21.000Z'],
    ['Thu, 01 Jan 2004 19:48:21 GMT+2', '2004-01-01T17:48:21.000Z'],
    ['Thu, 01 Jan 2004 19:48:21 UTC-0530', '2004-01-02T01:18:21.000Z'],
    ['Thu, 01 Jan 2004 19:48 GMT', '2004-01-01T19:48:00.000Z'],
    ['01 Jan 2004 19:48:21 GMT', '2004-01-01T19:48:21.000Z'],
    ['Mon, 01 Jan 2004 19:48:21 GMT', '2004-01-01T19:48:21.000Z'],
    ['Thu, 01 Jan 04 19:48:21 GMT', '2004-01-01T19:48:21.000Z'],
    ['Fri, 1 Jan 99 00:00:00 GMT', '1999-01-01T00:00:00.000Z'],
    ['thu, 01 jan 2004 19:48:21 gmt', '2004-01-01T19:48:21.000Z'],
    ['Thursday, 01 January 2004 19:48:21 GMT', '2004-01-01T19:48:21.000Z'],
    ['Tue, 5 Sept 2023 10:00:00 +0000', '2023-09-05T10:00:00.000Z'],
    ['Thu, 01-Jan-2004 19:48:21 GMT', '2004-01-01T19:48:21.000Z'],
    ['Thu, 01 Jan 2004 19:48:21', '2004-01-01T19:48:21.000Z'],
    ['Mon, 03 Apr 2023 01:02:03 +0000 (UTC)', '2023-04-03T01:02:03.000Z'],
    ['January 1, 2004 7:48 PM', '2004-01-01T19:48:00.000Z'],
    ['  Thu, 01 Jan 2004 19:48:21 GMT\n', '2004-01-01T19:48:21.000Z'],
    // ISO 8601, RFC 3339, W3C-DTF
    ['2003-12-31T10:14:55Z', '2003-12-31T10:14:55.000Z'],
    ['2003-12-31T10:14:55-08:00', '2003-12-31T18:14:55.000Z'],
    ['2003-12-31T10:14:55+0100', '2003-12-31T09:14:55.000Z'],
    ['2003-12-31T10:14:55.123456Z', '2003-12-31T10:14:55.123Z'],
    ['2003-12-31 10:14:55', '2003-12-31T10:14:55.000Z'],
    ['2003-12-31T10:14Z', '2003-12-31T10:14:00.000Z'],
    ['2003-12-31', '2003-12-31T00:00:00.000Z'],
    ['2003-12', '2003-12-01T00:00:00.000Z'],
    ['2003', '2003-01-01T00:00:00.000Z'],
    ['20031231T101455Z', '2003-12-31T10:14:55.000Z'],
  ])('reads %j', (text, expected) => {
    expect(parseFeedDate(text)?.toISOString()).toBe(expected);
  });

  it.each([
    [undefined],
    [''],
    ['   '],
    ['not a date'],
    ['yesterday'],
    ['2003-13-01'],
    ['2003-02-30'],
    ['31 Feb 2004 10:00:00 GMT'],
    ['Thu, 01 Jan 2004 25:48:21 GMT'],
    ['12345678901234567890'],
    ['Jan 2004'],
    ['9'.repeat(500)],
  ])('returns undefined for %j, never an Invalid Date', (text) => {
    expect(parseFeedDate(text)).toBeUndefined();
  });

  it('reads the common RFC 822 form (read in one match) as the JavaScript Date does, across days, zones and weekdays', () => {
    const zones = ['GMT', 'UT', 'UTC', 'EST', 'EDT', 'CST', 'CDT', 'MST', 'MDT', 'PST', 'PDT', '+0000', '+0530', '-0800', '+1400'];
    for (const day of ['1', '09', '29', '31']) {
      for (const month of ['Jan', 'feb', 'MAR', 'Dec']) {
        for (const zone of zones) {
          for (const weekday of ['', 'Wed, ', 'fri ']) {
            // (JavaScript rolls 31 February over into March; Herald refuses it, as tested above.)
            if (month === 'feb' && Number(day) > 29) continue;
            const text = `${weekday}${day} ${month} 2024 23:59:58 ${zone}`;
            const expected = new Date(`${day} ${month} 2024 23:59:58 ${zone}`);
            const parsed = parseFeedDate(text);
            if (Number.isNaN(expected.getTime())) expect(parsed, text).toBeUndefined();
            else expect(parsed?.toISOString(), text).toBe(expected.toISOString());
          }
        }
      }
    }
  });
});
