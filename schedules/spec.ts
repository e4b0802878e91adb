import type { CalendarSpec, DayOfWeek, ScheduleSpec } from '@temporalio/client';
import { CronExpressionParser } from 'cron-parser';
import {
  formatLocalDateTime,
  instantOfLocalDateTime,
  parseLocalDateTime,
  type LocalDateTime,
} from './time-zones';

/**
 * When a schedule fires, as the API takes and shows it: exactly one of a preset, a cron
 * expression or a one-off local date-time; the schedule's time zone applies to all three.
 */
export const WEEKDAYS = [
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export type Preset =
  | { every: 'daily'; time: string }
  | { every: 'weekdays'; time: string }
  | { every: 'weekly'; day: Weekday; time: string };

export type ScheduleWhen = { preset: Preset } | { cron: string } | { at: string };

export const TIME_OF_DAY = /^([01]\d|2[0-3]):([0-5]\d)$/;

const CRON_FIELDS = [
  { name: 'minute', allowed: /^[0-9*,/-]+$/ },
  { name: 'hour', allowed: /^[0-9*,/-]+$/ },
  { name: 'day-of-month', allowed: /^[0-9*,/-]+$/ },
  { name: 'month', allowed: /^([0-9*,/-]|JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)+$/i },
  { name: 'day-of-week', allowed: /^([0-9*,/-]|SUN|MON|TUE|WED|THU|FRI|SAT)+$/i },
] as const;

/**
 * What is wrong with a 5-field cron expression (minute hour day-of-month month day-of-week), or
 * null. Only the syntax both cron-parser and Temporal's server read the same way is accepted:
 * no seconds or year fields, no `L`, `W`, `#` or `?`, and not both day fields (cron ORs them,
 * Temporal ANDs them).
 */
export function cronProblem(expression: string): string | null {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) {
    return `a cron expression has 5 fields (minute hour day-of-month month day-of-week); "${expression}" has ${fields.length}`;
  }
  for (const [i, field] of fields.entries()) {
    const { name, allowed } = CRON_FIELDS[i]!;
    if (!allowed.test(field)) {
      return `the ${name} field "${field}" may only hold numbers, *, ranges (a-b), lists (a,b) and steps (/n)${i >= 3 ? ' or names' : ''}`;
    }
    const alone = fields.map((f, j) => (j === i ? f : '*')).join(' ');
    try {
      CronExpressionParser.parse(`0 ${alone}`, { strict: true });
    } catch (err) {
      return `the ${name} field "${field}" is invalid: ${(err as Error).message}`;
    }
  }
  try {
    CronExpressionParser.parse(`0 ${fields.join(' ')}`, { strict: true });
  } catch (err) {
    const message = (err as Error).message;
    if (/dayOfMonth and dayOfWeek/.test(message)) {
      return 'give either a day-of-month or a day-of-week, not both (set the other to *)';
    }
    return `"${expression}" never fires or is invalid: ${message}`;
  }
  return null;
}

/** What is wrong with a one-off local date-time in a zone at `now`, or null. */
export function atProblem(at: string, timeZone: string, now: Date): string | null {
  const local = parseLocalDateTime(at);
  if (!local)
    return `"${at}" is not a local date and time like 2026-12-01T08:00:00 (no offset: the timezone applies)`;
  const instant = instantOfLocalDateTime(local, timeZone);
  if (!instant) return `${at} does not exist in ${timeZone}: the clocks skip it for daylight saving time`;
  if (instant.getTime() <= now.getTime()) return `${at} in ${timeZone} is in the past`;
  return null;
}

export const isOneOff = (when: ScheduleWhen): when is { at: string } => 'at' in when;

const TEMPORAL_DAYS: Record<Weekday, DayOfWeek> = {
  monday: 'MONDAY',
  tuesday: 'TUESDAY',
  wednesday: 'WEDNESDAY',
  thursday: 'THURSDAY',
  friday: 'FRIDAY',
  saturday: 'SATURDAY',
  sunday: 'SUNDAY',
};
const MONTHS = [
  'JANUARY',
  'FEBRUARY',
  'MARCH',
  'APRIL',
  'MAY',
  'JUNE',
  'JULY',
  'AUGUST',
  'SEPTEMBER',
  'OCTOBER',
  'NOVEMBER',
  'DECEMBER',
] as const;

function presetCalendar(preset: Preset): CalendarSpec {
  const [, hh, mm] = TIME_OF_DAY.exec(preset.time)!;
  const at = { hour: Number(hh), minute: Number(mm) };
  switch (preset.every) {
    case 'daily':
      return { ...at, comment: `daily at ${preset.time}` };
    case 'weekdays':
      return {
        ...at,
        dayOfWeek: { start: 'MONDAY', end: 'FRIDAY' },
        comment: `Monday to Friday at ${preset.time}`,
      };
    case 'weekly':
      return {
        ...at,
        dayOfWeek: TEMPORAL_DAYS[preset.day],
        comment: `every ${preset.day} at ${preset.time}`,
      };
  }
}

function oneOffCalendar(local: LocalDateTime): CalendarSpec {
  return {
    year: local.year,
    month: MONTHS[local.month - 1]!,
    dayOfMonth: local.day,
    hour: local.hour,
    minute: local.minute,
    second: local.second,
    comment: `once, at ${formatLocalDateTime(local)}`,
  };
}

/**
 * The Temporal spec for validated input. A one-off is a calendar matching that single local
 * second, with one action allowed (`remainingActions: 1`), so a time repeated when clocks go
 * back still fires once.
 */
export function toTemporalSpec(
  when: ScheduleWhen,
  timeZone: string,
): { spec: ScheduleSpec; remainingActions?: number } {
  if ('preset' in when) return { spec: { calendars: [presetCalendar(when.preset)], timezone: timeZone } };
  if ('cron' in when) return { spec: { cronExpressions: [when.cron.trim()], timezone: timeZone } };
  const local = parseLocalDateTime(when.at);
  if (!local) throw new Error(`unvalidated one-off time ${when.at}`);
  return { spec: { calendars: [oneOffCalendar(local)], timezone: timeZone }, remainingActions: 1 };
}

/** The stored and shown form: normalized, so two equal schedules look the same. */
export function normalizeWhen(when: ScheduleWhen): ScheduleWhen {
  if ('cron' in when) return { cron: when.cron.trim().split(/\s+/).join(' ') };
  if ('at' in when) return { at: formatLocalDateTime(parseLocalDateTime(when.at)!) };
  return { preset: when.preset };
}
