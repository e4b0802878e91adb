import { readdirSync, readFileSync } from 'node:fs';

/** CPU seconds (user + system) spent by each part of the bench stack. */
export interface CpuSeconds {
  worker: number;
  postgres: number;
  temporal: number;
  /** This process: the Graph emulator and the Temporal client. */
  emulator: number;
}

/** Linux reports process times in clock ticks; 100 per second on every kernel Node runs on here. */
const TICKS_PER_SECOND = 100;

interface ProcStat {
  pid: number;
  comm: string;
  ppid: number;
  /** Own user + system ticks. */
  own: number;
  /** Ticks of children that ended and were waited for (Postgres backends, for the postmaster). */
  reaped: number;
}

function readProcStat(pid: number): ProcStat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = text.lastIndexOf(')');
    const fields = text.slice(close + 2).split(' ');
    const tick = (i: number) => Number(fields[i] ?? 0);
    return {
      pid,
      comm: text.slice(text.indexOf('(') + 1, close),
      ppid: tick(1),
      own: tick(11) + tick(12),
      reaped: tick(13) + tick(14),
    };
  } catch {
    return null; // ended between the listing and the read
  }
}

/**
 * A snapshot of the CPU time used so far by the worker, Postgres (the postmaster, its live backends
 * and the ones that ended), the Temporal dev server and this process. Differences of two snapshots
 * say where a case's time went when the wall time alone cannot (both cores busy, or waiting on Graph).
 */
export function cpuSnapshot(workerPid: number): CpuSeconds {
  const all = new Map<number, ProcStat>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const stat = readProcStat(pid);
    if (stat) all.set(pid, stat);
  }
  const underThisProcess = (stat: ProcStat) => {
    for (let p = all.get(stat.ppid); p; p = all.get(p.ppid)) if (p.pid === process.pid) return true;
    return false;
  };
  const totals = { worker: 0, postgres: 0, temporal: 0 };
  for (const stat of all.values()) {
    if (!underThisProcess(stat)) continue;
    if (stat.pid === workerPid) totals.worker += stat.own + stat.reaped;
    else if (stat.comm === 'postgres') {
      const isPostmaster = all.get(stat.ppid)?.comm !== 'postgres';
      totals.postgres += stat.own + (isPostmaster ? stat.reaped : 0);
    } else if (stat.comm.startsWith('temporal')) totals.temporal += stat.own + stat.reaped;
  }
  const own = process.cpuUsage();
  return {
    worker: totals.worker / TICKS_PER_SECOND,
    postgres: totals.postgres / TICKS_PER_SECOND,
    temporal: totals.temporal / TICKS_PER_SECOND,
    emulator: (own.user + own.system) / 1e6,
  };
}

/** What was spent between two snapshots, to a tenth of a second. */
export function cpuSpent(before: CpuSeconds, after: CpuSeconds): CpuSeconds {
  const d = (k: keyof CpuSeconds) => Math.round((after[k] - before[k]) * 10) / 10;
  return { worker: d('worker'), postgres: d('postgres'), temporal: d('temporal'), emulator: d('emulator') };
}
