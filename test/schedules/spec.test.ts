import { describe, expect, it } from 'vitest';
import { atProblem, cronProblem, normalizeWhen, toTemporalSpec } from '../../schedules/spec';
import { canonicalTimeZone, instantOfLocalDateTime, parseLocalDateTime } from '../../schedules/time-zones';

const local = (text: string) => parseLocalDateTime(text)!;

describe('time zones', () => {
  it('when a local time is ordinary, then its instant uses the offset in force that day', () => {
    expect(instantOfLocalDateTime(local('2026-12-01T08:00:00'), 'Europe/Berlin')?.toISOString()).toBe(
      '2026-12-01T07:00:00.000Z',
    );
    expect(instantOfLocalDateTime(local('2026-07-01T08:00:00'), 'Europe/Berlin')?.toISOString()).toBe(
      '2026-07-01T06:00:00.000Z',
    );
    expect(instantOfLocalDateTime(local('2026-12-01T08:00:00'), 'America/New_York')?.toISOString()).toBe(
      '2026-12-01T13:00:00.000Z',
    );
  });

  it('when the clocks skip a local time, then it has no instant', () => {
    expect(instantOfLocalDateTime(local('2027-03-28T02:30:00'), 'Europe/Berlin')).toBeNull();
    expect(instantOfLocalDateTime(local('2027-03-14T02:30:00'), 'America/New_York')).toBeNull();
  });

  it('when the clocks go back, then a repeated local time names its first instant', () => {
    // 02:30 happens at 00:30Z (CEST) and again at 01:30Z (CET).
    expect(instantOfLocalDateTime(local('2026-10-25T02:30:00'), 'Europe/Berlin')?.toISOString()).toBe(
      '2026-10-25T00:30:00.000Z',
    );
  });

  it('when a zone name is unknown, an offset, or differently cased, then it is refused or canonicalized', () => {
    expect(canonicalTimeZone('Mars/Olympus')).toBeNull();
    expect(canonicalTimeZone('+01:00')).toBeNull();
    expect(canonicalTimeZone('europe/berlin')).toBe('Europe/Berlin');
    expect(canonicalTimeZone('UTC')).toBe('UTC');
  });

  it('when a date does not exist, then it does not parse', () => {
    expect(parseLocalDateTime('2027-02-29T08:00')).toBeNull();
    expect(parseLocalDateTime('2028-02-29T08:00')).not.toBeNull();
    expect(parseLocalDateTime('2027-01-01T24:00')).toBeNull();
    expect(parseLocalDateTime('2027-01-01 08:00')).toBeNull();
    expect(parseLocalDateTime('2027-01-01T08:00:00Z')).toBeNull();
  });
});

describe('cron expressions', () => {
  it('when an expression is standard 5-field cron, then it is accepted', () => {
    for (const cron of [
      '0 7 * * 1-5',
      '*/15 8-18 * JAN-MAR MON-FRI',
      '0 0 1,15 * *',
      '30 6 * * sun',
      '0 7 * * 7',
    ]) {
      expect(cronProblem(cron)).toBeNull();
    }
  });

  it('when an expression is malformed or outside what Temporal reads the same way, then the problem is named', () => {
    expect(cronProblem('0 7 * *')).toMatch(/5 fields.*has 4/);
    expect(cronProblem('0 0 7 * * *')).toMatch(/has 6/);
    expect(cronProblem('61 7 * * *')).toMatch(/minute field "61"/);
    expect(cronProblem('0 25 * * *')).toMatch(/hour field "25"/);
    expect(cronProblem('0 7 * 13 *')).toMatch(/month field "13"/);
    expect(cronProblem('0 7 * * 1#2')).toMatch(/day-of-week field "1#2"/);
    expect(cronProblem('0 7 1 * 1')).toMatch(/not both/);
    expect(cronProblem('0 7 31 2 *')).toMatch(/never fires|invalid/);
    expect(cronProblem('@daily')).toMatch(/5 fields/);
  });
});

describe('Temporal specs', () => {
  it('when a preset is given, then it becomes one calendar in the zone', () => {
    expect(toTemporalSpec({ preset: { every: 'weekdays', time: '07:05' } }, 'Europe/Berlin')).toEqual({
      spec: {
        calendars: [
          {
            hour: 7,
            minute: 5,
            dayOfWeek: { start: 'MONDAY', end: 'FRIDAY' },
            comment: 'Monday to Friday at 07:05',
          },
        ],
        timezone: 'Europe/Berlin',
      },
    });
    expect(
      toTemporalSpec({ preset: { every: 'weekly', day: 'sunday', time: '23:59' } }, 'UTC').spec
        .calendars?.[0],
    ).toMatchObject({
      dayOfWeek: 'SUNDAY',
      hour: 23,
      minute: 59,
    });
  });

  it('when a one-off is given, then it is that single local second with one action allowed', () => {
    expect(toTemporalSpec({ at: '2027-01-02T03:04' }, 'Asia/Tokyo')).toEqual({
      spec: {
        calendars: [
          {
            year: 2027,
            month: 'JANUARY',
            dayOfMonth: 2,
            hour: 3,
            minute: 4,
            second: 0,
            comment: 'once, at 2027-01-02T03:04:00',
          },
        ],
        timezone: 'Asia/Tokyo',
      },
      remainingActions: 1,
    });
    expect(normalizeWhen({ at: '2027-01-02T03:04' })).toEqual({ at: '2027-01-02T03:04:00' });
    expect(normalizeWhen({ cron: ' 0  7 * * 1-5 ' })).toEqual({ cron: '0 7 * * 1-5' });
  });

  it('when a one-off is checked against now, then past and skipped times are refused', () => {
    const now = new Date('2026-11-27T12:00:00Z');
    expect(atProblem('2026-11-27T12:59:00', 'Europe/Berlin', now)).toMatch(/in the past/);
    expect(atProblem('2026-11-27T13:01:00', 'Europe/Berlin', now)).toBeNull();
    expect(atProblem('2027-03-28T02:30', 'Europe/Berlin', now)).toMatch(/daylight saving/);
    expect(atProblem('tomorrow', 'UTC', now)).toMatch(/not a local date and time/);
  });
});
