import { describe, expect, it } from 'vitest';
import { localDatePrefix, localMinuteStamp, pad2, utcLogStamp } from '../../../src/core/time.js';

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
});
