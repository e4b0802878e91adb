import type { Request } from 'express';
import type { Principal } from './auth';
import { HttpProblem } from './problem';
import { TokenBuckets, type RateLimitOptions } from './rate-limit';

const tooMany = (who: string, retryAfterSeconds: number) =>
  new HttpProblem(
    429,
    `rate limit exceeded for ${who}; retry in ${retryAfterSeconds} s`,
    {},
    {
      'Retry-After': String(retryAfterSeconds),
    },
  );

/** Express's view of the caller's address (set `trust proxy` on the app behind a proxy). */
const addressOf = (req: Request): string => req.ip ?? req.socket.remoteAddress ?? 'unknown';

/**
 * The API's two rate limits. Authenticated requests share one bucket per workspace, so minting
 * more keys buys no more requests (the admin token has its own). Requests without a key and
 * requests whose key is refused share one bucket per client address: a client guessing keys is
 * stopped before its lookups reach the database.
 */
export function createRequestLimits(opts: RateLimitOptions) {
  const byWorkspace = new TokenBuckets(opts);
  const byAddress = new TokenBuckets(opts);

  const chargeAddress = (req: Request): void => {
    const taken = byAddress.take(addressOf(req));
    if (!taken.allowed) throw tooMany('this client address', taken.retryAfterSeconds);
  };

  return {
    /** A request to a route that takes no key. */
    chargeAddress,
    /** Before a key is looked up: an address that used up its bucket waits first. */
    checkAddress(req: Request): void {
      const left = byAddress.peek(addressOf(req));
      if (!left.allowed) throw tooMany('this client address', left.retryAfterSeconds);
    },
    /** A refused key or token counts against its address; over the limit the answer is 429. */
    chargeFailure: chargeAddress,
    chargePrincipal(principal: Principal): void {
      const who = principal.workspaceId ? `workspace ${principal.workspaceId}` : 'the admin token';
      const taken = byWorkspace.take(principal.workspaceId || 'admin');
      if (!taken.allowed) throw tooMany(who, taken.retryAfterSeconds);
    },
  };
}
