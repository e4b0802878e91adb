import type { LoggedRequest } from '../emulator/counters';

/**
 * How far apart the member pages of a full listing reached the emulator. Each page is asked for
 * once the previous one's link has arrived, so a gap is the emulator's latency plus what the
 * client takes from the first bytes of one page to the request for the next: the part of the
 * listing above the paging floor.
 */
export interface ListingGaps {
  pages: number;
  p50Ms: number;
  p90Ms: number;
  maxMs: number;
  /** The listing's time above one latency per page, first request to last. */
  aboveFloorSeconds: number;
}

const MEMBER_PAGE = /\/groups\/[^/?]+\/(transitive)?[mM]embers\//;

/** Gaps between the member page requests logged since `sinceMs`; null when there were fewer than two. */
export function listingGaps(log: LoggedRequest[], sinceMs: number, latencyMs: number): ListingGaps | null {
  const arrivals = log
    .filter((r) => r.method === 'GET' && MEMBER_PAGE.test(r.url))
    .map((r) => Date.parse(r.at))
    .filter((t) => t >= sinceMs)
    .sort((a, b) => a - b);
  if (arrivals.length < 2) return null;
  const gaps = arrivals
    .slice(1)
    .map((t, i) => t - arrivals[i]!)
    .sort((a, b) => a - b);
  const at = (q: number) => gaps[Math.min(gaps.length - 1, Math.floor(gaps.length * q))]!;
  const total = arrivals.at(-1)! - arrivals[0]!;
  return {
    pages: arrivals.length,
    p50Ms: at(0.5),
    p90Ms: at(0.9),
    maxMs: gaps.at(-1)!,
    aboveFloorSeconds: (total - gaps.length * latencyMs) / 1000,
  };
}
