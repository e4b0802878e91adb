import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/config';

describe('rate limit configuration', () => {
  it('when RATE_LIMIT_* are unset, then a workspace gets 100 requests/s with a burst of 200', () => {
    expect(loadConfig({}).rateLimit).toEqual({ refillPerSecond: 100, capacity: 200 });
  });

  it('when RATE_LIMIT_PER_SECOND and RATE_LIMIT_BURST are set, then they are used', () => {
    const config = loadConfig({ RATE_LIMIT_PER_SECOND: '2.5', RATE_LIMIT_BURST: '40' });
    expect(config.rateLimit).toEqual({ refillPerSecond: 2.5, capacity: 40 });
  });

  it('when a rate limit is not a number above 0, then start-up fails naming the variable', () => {
    expect(() => loadConfig({ RATE_LIMIT_PER_SECOND: 'fast' })).toThrow(/RATE_LIMIT_PER_SECOND=fast/);
    expect(() => loadConfig({ RATE_LIMIT_PER_SECOND: '0' })).toThrow(/RATE_LIMIT_PER_SECOND/);
    expect(() => loadConfig({ RATE_LIMIT_BURST: '0.5' })).toThrow(/RATE_LIMIT_BURST=0.5 must be at least 1/);
  });

  it('when TRUST_PROXY is set, then it becomes the Express trust proxy setting; unset trusts no proxy', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy).toBe('loopback, 10.0.0.0/8');
  });
});
