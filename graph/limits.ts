import { GRAPH_LIMIT_SETTINGS, type GraphLimits } from '../contracts/graph-limits';
import { EntraError } from './errors';

export type { GraphLimits } from '../contracts/graph-limits';

export function limitExceeded(limit: keyof GraphLimits, detail: string): EntraError {
  return new EntraError(
    'graph_limit_exceeded',
    `${detail}: over the cap ${GRAPH_LIMIT_SETTINGS[limit]}. The run stops here; if the directory really is that large, the operator can raise ${GRAPH_LIMIT_SETTINGS[limit]}.`,
  );
}

/** The body as bytes, refusing (and dropping the connection) once it passes `max`. */
export async function readCappedBytes(
  response: Response,
  max: number,
  what: string,
  limit: keyof GraphLimits,
): Promise<Buffer> {
  const tooBig = () => limitExceeded(limit, `${what} is larger than ${max} bytes`);
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > max) {
    await response.body?.cancel().catch(() => undefined);
    throw tooBig();
  }
  if (!response.body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let total = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel().catch(() => undefined);
      throw tooBig();
    }
    chunks.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
  }
  return Buffer.concat(chunks, total);
}

export async function readCappedText(
  response: Response,
  max: number,
  what: string,
  limit: keyof GraphLimits,
): Promise<string> {
  return (await readCappedBytes(response, max, what, limit)).toString('utf8');
}

/**
 * Retry-After waits summed over a run: a client starts from what the run spent before (earlier
 * attempts and activities) and reports each wait, so the cap holds per run; past it the next wait
 * fails the call instead.
 */
export interface RetryWaitBudget {
  /** records a wait about to be slept; throws graph_limit_exceeded when it would pass the cap */
  spend(ms: number): void;
  readonly spentMs: number;
}

export interface RunRetryWait {
  /** what the run waited before this client */
  spentMs: number;
  /** told of each wait this client is about to sleep (to carry it to the run's next clients) */
  onSpend(ms: number): void;
}

export function retryWaitBudget(maxMs: number, run?: RunRetryWait): RetryWaitBudget {
  let spent = run?.spentMs ?? 0;
  return {
    spend(ms) {
      if (spent + ms > maxMs)
        throw limitExceeded(
          'maxTotalRetryWaitMs',
          `Microsoft Graph asked this run to wait ${Math.round((spent + ms) / 1000)} s in all on Retry-After, more than ${Math.round(maxMs / 1000)} s`,
        );
      spent += ms;
      run?.onSpend(ms);
    },
    get spentMs() {
      return spent;
    },
  };
}
