import { createPrng, deriveSeed, type Prng } from './prng';

/** Faults a tenant's Graph endpoints inject; all off by default. */
export interface Faults {
  /** the least time from a Graph request's arrival to its answer (ms), the emulator's own work included */
  latencyMs: number;
  /** share of Graph requests (and of $batch inner requests) answered 429 */
  throttleRate: number;
  /** the Retry-After (seconds) sent with 429 and 503 */
  retryAfterSeconds: number;
  /** share of Graph requests answered 503 */
  unavailableRate: number;
  /** skiptokens older than this many ms are expired (0 = never) */
  skiptokenTtlMs: number;
}

export const NO_FAULTS: Faults = {
  latencyMs: 0,
  throttleRate: 0,
  retryAfterSeconds: 1,
  unavailableRate: 0,
  skiptokenTtlMs: 0,
};

export type FaultDecision =
  { kind: 'throttle'; retryAfterSeconds: number } | { kind: 'unavailable'; retryAfterSeconds: number } | null;

/**
 * Rolls the dice for throttling and outages and remembers every Retry-After it handed out, so a
 * request repeated before that time has elapsed is counted as an early retry.
 */
export interface FaultInjector {
  decide(faults: Faults): FaultDecision;
  /** call when a request arrives; true when it repeats a throttled request too early */
  isEarlyRetry(requestKey: string, nowMs: number): boolean;
  /** call when a 429/503 with Retry-After is sent for this request */
  rememberRetryAfter(requestKey: string, nowMs: number, retryAfterSeconds: number): void;
}

export function createFaultInjector(seed: number): FaultInjector {
  const prng: Prng = createPrng(deriveSeed(seed, 'faults'));
  const notBefore = new Map<string, number>();
  return {
    decide(faults) {
      if (faults.throttleRate > 0 && prng.chance(faults.throttleRate)) {
        return { kind: 'throttle', retryAfterSeconds: faults.retryAfterSeconds };
      }
      if (faults.unavailableRate > 0 && prng.chance(faults.unavailableRate)) {
        return { kind: 'unavailable', retryAfterSeconds: faults.retryAfterSeconds };
      }
      return null;
    },
    isEarlyRetry(requestKey, nowMs) {
      const until = notBefore.get(requestKey);
      if (until === undefined) return false;
      if (nowMs >= until) notBefore.delete(requestKey);
      return nowMs < until;
    },
    rememberRetryAfter(requestKey, nowMs, retryAfterSeconds) {
      notBefore.set(requestKey, nowMs + retryAfterSeconds * 1000);
    },
  };
}
