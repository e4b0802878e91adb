/**
 * Time-zone arithmetic on the platform's IANA database (Intl), without a date library: enough to
 * validate a zone, and to turn a local wall-clock time into the instant it names.
 */

/** The zone's canonical IANA name ('europe/berlin' → 'Europe/Berlin'), or null when unknown. */
export function canonicalTimeZone(name: string): string | null {
  // Offsets like '+01:00' are not IANA zones, and Temporal's server would not load them.
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(name)) return null;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

export interface LocalDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/** `2026-12-01T08:00` or `2026-12-01T08:00:00` (no offset: the schedule's time zone applies). */
export function parseLocalDateTime(text: string): LocalDateTime | null {
  const m = LOCAL_DATE_TIME.exec(text);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1).map((v) => Number(v ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const probe = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  // Date.UTC rolls 2026-02-30 over to March: a real date survives the round trip unchanged.
  if (
    probe.getUTCFullYear() !== year ||
    probe.getUTCMonth() !== month - 1 ||
    probe.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    return null;
  }
  return { year, month, day, hour, minute, second };
}

export function formatLocalDateTime(t: LocalDateTime): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(t.year, 4)}-${p(t.month)}-${p(t.day)}T${p(t.hour)}:${p(t.minute)}:${p(t.second)}`;
}

/** The wall-clock reading of an instant in a zone. */
export function localDateTimeAt(instant: Date, timeZone: string): LocalDateTime {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(instant);
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
    second: get('second'),
  };
}

const asUtcMillis = (t: LocalDateTime) => Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second);

/**
 * The first instant whose wall clock in `timeZone` reads `local`, or null when the clocks skip
 * it (the hour lost to daylight saving time). A time repeated when clocks go back gives the first.
 */
export function instantOfLocalDateTime(local: LocalDateTime, timeZone: string): Date | null {
  const naive = asUtcMillis(local);
  const offsetAt = (ms: number) =>
    asUtcMillis(localDateTimeAt(new Date(ms), timeZone)) - Math.floor(ms / 1000) * 1000;
  const day = 24 * 3600 * 1000;
  // The offsets in force a day either side cover both sides of any transition near this time.
  const candidates = [
    ...new Set([naive - offsetAt(naive - day), naive - offsetAt(naive + day), naive - offsetAt(naive)]),
  ]
    .filter((ms) => asUtcMillis(localDateTimeAt(new Date(ms), timeZone)) === naive)
    .sort((a, b) => a - b);
  return candidates.length > 0 ? new Date(candidates[0]!) : null;
}
