import type { SecretKeys } from '../config/secret-box';
import type { Db } from '../db/database';
import {
  claimEndpoints,
  loadDispatchEndpoints,
  releaseAllEndpoints,
  releaseEndpoints,
} from '../db/repositories/webhook-dispatch';
import { RETRY_DELAYS_MS } from '../domain/webhook-retry';
import { runEndpointPass, type PassDeps } from './endpoint-pass';
import type { WebhookSender } from './webhook-sender';

export interface DispatcherLog {
  warn(fields: Record<string, unknown>, message: string): void;
}

export interface WebhookDispatcherOptions {
  db: Db;
  sender: WebhookSender;
  keys: SecretKeys;
  publicBase: string;
  log: DispatcherLog;
  /** how long an idle dispatcher waits before looking again */
  pollMs?: number;
  retryDelaysMs?: readonly number[];
  /** endpoints one dispatcher serves at once (others are left to other workers) */
  maxEndpoints?: number;
  concurrency?: number;
  batchSize?: number;
  breakerFailures?: number;
  /** serve only these workspaces' endpoints (a shard; tests sharing one database) */
  workspaceIds?: readonly string[];
}

export interface WebhookDispatcher {
  /** stops after the pass under way, and lets the endpoints go */
  stop(): Promise<void>;
}

const DEFAULTS = { pollMs: 500, maxEndpoints: 16, concurrency: 64, batchSize: 1000, breakerFailures: 10 };

/**
 * Delivers the outbox: holds the locks of some enabled endpoints on one connection of its own and
 * runs passes over them until stopped. Runs in every worker; each endpoint has one dispatcher.
 */
export function startWebhookDispatcher(opts: WebhookDispatcherOptions): WebhookDispatcher {
  const settings = { ...DEFAULTS, ...opts };
  let stopping = false;
  let wake: (() => void) | null = null;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = null;
        resolve();
      }
      wake = done;
    });

  const serve = (session: Db) => {
    const deps: PassDeps = {
      db: opts.db,
      session,
      sender: opts.sender,
      keys: opts.keys,
      publicBase: opts.publicBase,
      retryDelaysMs: settings.retryDelaysMs ?? RETRY_DELAYS_MS,
      concurrency: settings.concurrency,
      batchSize: settings.batchSize,
      breakerFailures: settings.breakerFailures,
    };
    return async () => {
      let held: string[] = [];
      try {
        while (!stopping) {
          held.push(
            ...(await claimEndpoints(
              session,
              held,
              settings.maxEndpoints - held.length,
              opts.workspaceIds ?? null,
            )),
          );
          const endpoints = await loadDispatchEndpoints(opts.db, held);
          const serving = endpoints.filter((e) => e.status === 'enabled');
          const gone = held.filter((id) => !serving.some((e) => e.id === id));
          await releaseEndpoints(session, gone);
          held = serving.map((e) => e.id);
          let handled = 0;
          for (const endpoint of serving) {
            if (stopping) break;
            handled += await runEndpointPass(deps, endpoint).catch((err: unknown) => {
              opts.log.warn(
                { err, endpointId: endpoint.id },
                'a webhook delivery pass failed; it is tried again',
              );
              return 0;
            });
          }
          if (!handled && !stopping) await sleep(settings.pollMs);
        }
      } finally {
        // a pooled connection outlives this use: its session locks must not
        await releaseAllEndpoints(session).catch(() => undefined);
      }
    };
  };

  const running = (async () => {
    while (!stopping) {
      try {
        await opts.db.connection().execute(async (session) => serve(session)());
      } catch (err) {
        if (stopping) break;
        opts.log.warn({ err }, 'webhook dispatcher lost its database connection; starting again');
        await sleep(settings.pollMs * 4);
      }
    }
  })();

  return {
    async stop() {
      stopping = true;
      wake?.();
      await running;
    },
  };
}
