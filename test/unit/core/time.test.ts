import { describe, expect, it } from 'vitest';
import { isoStamp, localDatePrefix, localMinuteStamp, pad2, utcLogStamp } from '../../../src/core/time.js';

describe('time stamps', () => {
  it('pads to two digits and leaves longer numbers whole', () => {
    expect([0, 7, 10, 123].map(pad2)).toEqual(['00', '07', '10', '123']);
  });

  it('stamps a log in UTC whatever the local zone', () => {
    expect(utcLogStamp(Date.UTC(2026, 0, 5, 3, 9))).toBe('01-05-0309');
    expect(utcLogStamp(Date.UTC(2026, 11, 31, 23, 59))).toBe('12-31-2359');
  });

  it('formats local dates and minutes', () => {
    const date = new Date(2026, 2, 4, 5, 6);
    expect(localDatePrefix(date)).toBe('26-03-04');
    expect(localMinuteStamp(date)).toBe('03-04-05:06');
  });

  it('writes an instant exactly as toISOString does, from a number or a Date', () => {
    const instants = [0, 1, 999, Date.UTC(2026, 11, 2, 7, 37, 40, 5), Date.UTC(1999, 11, 31, 23, 59, 59, 999), Date.UTC(2000, 1, 29), -1, Date.UTC(9999, 11, 31, 23, 59, 59, 999), Date.UTC(10000, 0, 1), Date.UTC(-1, 5, 1)];
    // and a spread of instants across four centuries
    for (let i = 0; i < 500; i++) instants.push(Math.round(-2e12 + i * 1.3e10 + i * 7919));
    for (const at of instants) {
      expect(isoStamp(at)).toBe(new Date(at).toISOString());
      expect(isoStamp(new Date(at))).toBe(new Date(at).toISOString());
    }
  });

  it('refuses an invalid instant as toISOString does', () => {
    expect(() => new Date(NaN).toISOString()).toThrow(RangeError);
    expect(() => isoStamp(NaN)).toThrow(RangeError);
    expect(() => isoStamp(new Date('not a date'))).toThrow(RangeError);
  });
});
