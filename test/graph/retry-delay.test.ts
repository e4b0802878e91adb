import { describe, expect, it } from 'vitest';
import { templatePath } from '../../graph/graph-middleware';
import { parseRetryAfter, throttleDelayMs } from '../../graph/retry-delay';

describe('retry delays', () => {
  it('when Retry-After is seconds or an HTTP date, then it is read as ms; garbage is null', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(new Date(10_000 + 5000).toUTCString(), 10_000)).toBe(5000);
    expect(parseRetryAfter('soon')).toBeNull();
    expect(parseRetryAfter(null)).toBeNull();
  });

  it('when Graph gives a Retry-After, then we wait at least that long, with at most 250 ms of jitter', () => {
    expect(throttleDelayMs(2000, 0, () => 0)).toBe(2000);
    expect(throttleDelayMs(2000, 3, () => 0.999)).toBeLessThanOrEqual(2250);
    expect(throttleDelayMs(0, 0, () => 0.5)).toBeGreaterThanOrEqual(0);
  });

  it('when there is no Retry-After, then the wait grows exponentially with jitter and is capped', () => {
    expect(throttleDelayMs(null, 0, () => 0)).toBe(500);
    expect(throttleDelayMs(null, 0, () => 1)).toBe(1000);
    expect(throttleDelayMs(null, 3, () => 0)).toBe(4000);
    expect(throttleDelayMs(null, 20, () => 1)).toBe(30_000);
  });

  it('when a Graph URL is turned into a metrics label, then ids and UPNs become {id}', () => {
    expect(
      templatePath(
        'https://h/v1.0/groups/5f0c2a9e-1b2c-4d3e-8f90-0a1b2c3d4e5f/members/microsoft.graph.user?$top=999',
      ),
    ).toBe('/v1.0/groups/{id}/members/microsoft.graph.user');
    expect(templatePath('https://h/v1.0/users/ann%40contoso.example/photo/$value')).toBe(
      '/v1.0/users/{id}/photo/$value',
    );
  });
});
