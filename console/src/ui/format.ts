/** Dates in the admin's locale; absent values as a dash. */
export const when = (iso: string | null | undefined): string => (iso ? new Date(iso).toLocaleString() : '—');

export function duration(startedAt: string, finishedAt: string | null): string {
  if (!finishedAt) return 'running';
  const seconds = Math.max(0, Math.round((Date.parse(finishedAt) - Date.parse(startedAt)) / 1000));
  return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

/** "recipientsCreated" → "recipients created". */
export const words = (key: string): string => key.replace(/([A-Z])/g, ' $1').toLowerCase();
