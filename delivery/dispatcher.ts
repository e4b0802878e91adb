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
  const sleepers = new Set<() => void>();
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        sleepers.delete(done);
        resolve();
      }
      sleepers.add(done);
    });
  const wakeAll = () => [...sleepers].forEach((wake) => wake());

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
      // one loop per endpoint held: a slow receiver holds back only its own endpoint
      const loops = new Map<string, Promise<void>>();
      let sessionLost = false;
      const serveEndpoint = async (id: string) => {
        try {
          while (!stopping && !sessionLost) {
            const [endpoint] = await loadDispatchEndpoints(opts.db, [id]);
            if (endpoint?.status !== 'enabled') break;
            const handled = await runEndpointPass(deps, endpoint).catch((err: unknown) => {
              opts.log.warn({ err, endpointId: id }, 'a webhook delivery pass failed; it is tried again');
              return 0;
            });
            if (!handled && !stopping) await sleep(settings.pollMs);
          }
        } finally {
          loops.delete(id);
          if (!stopping && !sessionLost) await releaseEndpoints(session, [id]).catch(() => undefined);
        }
      };
      try {
        while (!stopping) {
          const claimed = await claimEndpoints(
            session,
            [...loops.keys()],
            settings.maxEndpoints - loops.size,
            opts.workspaceIds ?? null,
          );
          for (const id of claimed) loops.set(id, serveEndpoint(id));
          await sleep(settings.pollMs);
        }
      } catch (err) {
        // the lock connection failed: its locks are gone, so are this dispatcher's endpoints
        sessionLost = true;
        wakeAll();
        throw err;
      } finally {
        await Promise.allSettled(loops.values());
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
      wakeAll();
      await running;
    },
  };
}
