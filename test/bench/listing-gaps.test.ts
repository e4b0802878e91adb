import { describe, expect, it } from 'vitest';
import type { LoggedRequest } from '../../emulator/counters';
import { listingGaps } from '../../bench/listing-gaps';

const at = (ms: number, url: string, method = 'GET'): LoggedRequest => ({
  at: new Date(ms).toISOString(),
  method,
  url,
  kind: 'x',
  status: 200,
  headers: {},
});
const page = (ms: number) => at(ms, '/v1.0/groups/g1/members/microsoft.graph.user?$top=999');

describe('listingGaps', () => {
  it('when member pages were requested 100-140 ms apart, then it reports the gaps and the time above the floor', () => {
    const start = Date.parse('2026-11-28T05:00:00Z');
    const log = [
      page(start - 5000), // an earlier case
      page(start),
      at(start + 10, '/v1.0/groups/g1?$select=id'),
      page(start + 105),
      at(start + 150, '/v1.0/$batch', 'POST'),
      page(start + 210),
      at(start + 350, '/v1.0/groups/g1/transitiveMembers/microsoft.graph.user?$skiptoken=x'),
      page(start + 470),
    ];
    // Gaps 105, 105, 140, 120: 470 ms for four pages after the first, 70 ms above 4 x 100 ms.
    expect(listingGaps(log, start, 100)).toEqual({
      pages: 5,
      p50Ms: 120,
      p90Ms: 140,
      maxMs: 140,
      aboveFloorSeconds: 0.07,
    });
  });

  it('when fewer than two pages were requested (a delta run), then there is nothing to report', () => {
    const start = Date.now();
    expect(listingGaps([page(start), at(start + 5, '/v1.0/users/delta')], start, 100)).toBeNull();
  });
});
