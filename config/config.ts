import { randomBytes } from 'node:crypto';
import { DEFAULT_TASK_QUEUE } from '../contracts/workflows';
import { parseTemporalSecurity, type TemporalSecurity } from './temporal-security';

export interface Config {
  production: boolean;
  /** Unset: an embedded Postgres is started by `npm start` / `npm run services`. */
  databaseUrl: string | null;
  /** Unset: a Temporal dev server is started by `npm start` / `npm run services`. */
  temporalAddress: string | null;
  temporalNamespace: string;
  /** TLS files and API key for a secured cluster or Temporal Cloud (TEMPORAL_TLS_*, TEMPORAL_API_KEY). */
  temporalSecurity: TemporalSecurity;
  taskQueue: string;
  port: number;
  adminToken: string;
  /** 32 bytes for AES-256-GCM of stored Entra secrets. */
  encryptionKey: Buffer;
  temporalUiUrl: string;
  logLevel: string;
  dataDir: string;
  /** A group sync reads every member at least this often, even with delta links (FULL_SYNC_INTERVAL_DAYS, default 7). */
  fullSyncIntervalMs: number;
  /** A prebuilt workflow bundle for the worker (WORKFLOW_BUNDLE_PATH); else the build's, else made at start. */
  workflowBundlePath: string | null;
  /** Activities one worker process runs at once (WORKER_ACTIVITY_SLOTS, default 8); replicas add theirs. */
  workerActivitySlots: number;
  /** Express `trust proxy` (TRUST_PROXY): which proxies' X-Forwarded-For names the client address. */
  trustProxy: boolean | number | string;
  /** Per workspace (and per client address for keyless or refused requests). */
  rateLimit: { refillPerSecond: number; capacity: number };
}

/** Parses the environment once, at an entry point. Nothing else reads process.env. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const production = env.NODE_ENV === 'production';
  if (production && !env.ENCRYPTION_KEY) {
    throw new Error(
      'ENCRYPTION_KEY is required in production (32 bytes, base64 or hex): stored Entra secrets are encrypted with it',
    );
  }
  if (production && !env.ADMIN_TOKEN) throw new Error('ADMIN_TOKEN is required in production');
  const fullSyncDays = Number(env.FULL_SYNC_INTERVAL_DAYS ?? 7);
  if (!(fullSyncDays >= 0))
    throw new Error(
      `FULL_SYNC_INTERVAL_DAYS=${env.FULL_SYNC_INTERVAL_DAYS} is not a number of days (0 = every sync is full)`,
    );
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT=${env.PORT} is not a port number`);
  const rateLimit = {
    refillPerSecond: positiveNumber(env, 'RATE_LIMIT_PER_SECOND', 100),
    capacity: positiveNumber(env, 'RATE_LIMIT_BURST', 200),
  };
  const workerActivitySlots = positiveNumber(env, 'WORKER_ACTIVITY_SLOTS', 8);
  if (!Number.isInteger(workerActivitySlots))
    throw new Error(`WORKER_ACTIVITY_SLOTS=${env.WORKER_ACTIVITY_SLOTS} must be a whole number`);
  if (rateLimit.capacity < 1) throw new Error(`RATE_LIMIT_BURST=${env.RATE_LIMIT_BURST} must be at least 1`);
  return {
    production,
    databaseUrl: env.DATABASE_URL || null,
    temporalAddress: env.TEMPORAL_ADDRESS || null,
    temporalNamespace: env.TEMPORAL_NAMESPACE || 'default',
    temporalSecurity: parseTemporalSecurity(env),
    taskQueue: env.TASK_QUEUE || DEFAULT_TASK_QUEUE,
    port,
    adminToken: env.ADMIN_TOKEN || 'dev-admin-token',
    encryptionKey: parseKey(env.ENCRYPTION_KEY),
    temporalUiUrl: (env.TEMPORAL_UI_URL || 'http://localhost:8233').replace(/\/$/, ''),
    logLevel: env.LOG_LEVEL || 'info',
    dataDir: env.DATA_DIR || '.data',
    fullSyncIntervalMs: fullSyncDays * 24 * 60 * 60 * 1000,
    rateLimit,
    workflowBundlePath: env.WORKFLOW_BUNDLE_PATH || null,
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    workerActivitySlots,
  };
}

/** `true`/`false`, a number of hops, or addresses and subnets (`loopback, 10.0.0.0/8`); default none. */
function parseTrustProxy(raw: string | undefined): boolean | number | string {
  if (!raw || raw === 'false') return false;
  if (raw === 'true') return true;
  return /^\d+$/.test(raw) ? Number(raw) : raw;
}

function positiveNumber(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name}=${raw} must be a number above 0`);
  return value;
}

/** A fixed development key keeps a local demo's secrets readable across restarts. */
const DEV_KEY = Buffer.from('entra-card-sync-development-key!', 'utf8');

function parseKey(raw: string | undefined): Buffer {
  if (!raw) return DEV_KEY;
  const key = /^[0-9a-f]{64}$/i.test(raw) ? Buffer.from(raw, 'hex') : Buffer.from(raw, 'base64');
  if (key.length !== 32) throw new Error('ENCRYPTION_KEY must be 32 bytes, as 64 hex characters or base64');
  return key;
}

export function generateEncryptionKey(): string {
  return randomBytes(32).toString('base64');
}
