import { randomBytes } from 'node:crypto';
import { DEFAULT_TASK_QUEUE } from '../contracts/workflows';
import { parseTemporalSecurity, type TemporalSecurity } from './temporal-security';
import { checkDevDefaults, DEV_ADMIN_TOKEN } from './dev-defaults';
import { parseEncryptionKeys } from './encryption-keys';
import type { KeyRing } from './secret-box';
import { DEFAULT_GRAPH_LIMITS, GRAPH_LIMIT_SETTINGS, type GraphLimits } from '../contracts/graph-limits';
import { parseOutboundAllowHosts, type OutboundPolicy } from '../net/outbound-policy';

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
  /** The key ring of stored Entra secrets (ENCRYPTION_KEYS, or ENCRYPTION_KEY as its one key): the first encrypts, all decrypt. */
  encryptionKey: KeyRing;
  /** One line for the entry point to log when a development default is in use (never in production, which refuses them). */
  devDefaultsWarning: string | null;
  /** When set, GET /metrics wants `Authorization: Bearer <METRICS_TOKEN>` (METRICS_TOKEN). */
  metricsToken: string | null;
  temporalUiUrl: string;
  logLevel: string;
  dataDir: string;
  /** A group sync reads every member at least this often, even with delta links (FULL_SYNC_INTERVAL_DAYS, default 7). */
  fullSyncIntervalMs: number;
  /** Change history and events are kept this many days (RETENTION_DAYS, default 180, at least 30). */
  retentionDays: number;
  /** A prebuilt workflow bundle for the worker (WORKFLOW_BUNDLE_PATH); else the build's, else made at start. */
  workflowBundlePath: string | null;
  /** Activities one worker process runs at once (WORKER_ACTIVITY_SLOTS, default 8); replicas add theirs. */
  workerActivitySlots: number;
  /** Express `trust proxy` (TRUST_PROXY): which proxies' X-Forwarded-For names the client address. */
  trustProxy: boolean | number | string;
  /** Per workspace (and per client address for keyless or refused requests). */
  rateLimit: { refillPerSecond: number; capacity: number };
  /** Hosts (host or host:port) that may be called besides Microsoft's clouds (OUTBOUND_ALLOW_HOSTS). */
  outboundAllowHosts: OutboundPolicy;
  /** Caps on what Graph may send or make a run wait for (GRAPH_MAX_*). */
  graphLimits: GraphLimits;
  /** Base of public card pages (`{publicBaseUrl}/c/{slug}`); null = the api's own URL, as each request reached it. */
  publicBaseUrl: string | null;
  /** This worker sends webhooks (WEBHOOK_DELIVERY, default on; `off` leaves them to other workers). */
  webhookDelivery: boolean;
}

/** Parses the environment once, at an entry point. Nothing else reads process.env. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const production = env.NODE_ENV === 'production';
  const keys = parseEncryptionKeys({
    ENCRYPTION_KEYS: env.ENCRYPTION_KEYS,
    ENCRYPTION_KEY: env.ENCRYPTION_KEY,
  });
  const devDefaultsWarning = checkDevDefaults({
    production,
    adminToken: env.ADMIN_TOKEN,
    devEncryptionKey: keys.devKey,
  });
  const fullSyncDays = Number(env.FULL_SYNC_INTERVAL_DAYS ?? 7);
  if (!(fullSyncDays >= 0))
    throw new Error(
      `FULL_SYNC_INTERVAL_DAYS=${env.FULL_SYNC_INTERVAL_DAYS} is not a number of days (0 = every sync is full)`,
    );
  const retentionDays = Number(env.RETENTION_DAYS ?? 180);
  if (!Number.isInteger(retentionDays) || retentionDays < 30)
    throw new Error(
      `RETENTION_DAYS=${env.RETENTION_DAYS} must be a whole number of days, at least 30 (event cursors stay valid that long)`,
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
    adminToken: env.ADMIN_TOKEN || DEV_ADMIN_TOKEN,
    encryptionKey: keys.ring,
    devDefaultsWarning,
    metricsToken: env.METRICS_TOKEN || null,
    temporalUiUrl: (env.TEMPORAL_UI_URL || 'http://localhost:8233').replace(/\/$/, ''),
    logLevel: env.LOG_LEVEL || 'info',
    dataDir: env.DATA_DIR || '.data',
    fullSyncIntervalMs: fullSyncDays * 24 * 60 * 60 * 1000,
    retentionDays,
    rateLimit,
    workflowBundlePath: env.WORKFLOW_BUNDLE_PATH || null,
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    workerActivitySlots,
    outboundAllowHosts: parseOutboundAllowHosts(env.OUTBOUND_ALLOW_HOSTS),
    graphLimits: parseGraphLimits(env),
    publicBaseUrl: parseBaseUrl(env.PUBLIC_BASE_URL),
    webhookDelivery: parseOnOff('WEBHOOK_DELIVERY', env.WEBHOOK_DELIVERY, true),
  };
}

function parseOnOff(name: string, raw: string | undefined, fallback: boolean): boolean {
  if (!raw) return fallback;
  if (['on', 'true', '1'].includes(raw)) return true;
  if (['off', 'false', '0'].includes(raw)) return false;
  throw new Error(`${name}=${raw} must be on or off`);
}

/** `true`/`false`, a number of hops, or addresses and subnets (`loopback, 10.0.0.0/8`); default none. */
function parseTrustProxy(raw: string | undefined): boolean | number | string {
  if (!raw || raw === 'false') return false;
  if (raw === 'true') return true;
  return /^\d+$/.test(raw) ? Number(raw) : raw;
}

function parseBaseUrl(raw: string | undefined): string | null {
  if (!raw) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`PUBLIC_BASE_URL=${raw} is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new Error(`PUBLIC_BASE_URL=${raw} must be an http(s) URL`);
  return raw.replace(/\/+$/, '');
}

function positiveNumber(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name}=${raw} must be a number above 0`);
  return value;
}

/** GRAPH_MAX_* as positive whole numbers; the retry wait is given in seconds. */
function parseGraphLimits(env: NodeJS.ProcessEnv): GraphLimits {
  const limits = { ...DEFAULT_GRAPH_LIMITS };
  for (const key of Object.keys(GRAPH_LIMIT_SETTINGS) as Array<keyof GraphLimits>) {
    const name = GRAPH_LIMIT_SETTINGS[key];
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const value = Number(raw);
    if (!Number.isInteger(value) || value <= 0)
      throw new Error(`${name}=${raw} is not a positive whole number`);
    limits[key] = key === 'maxTotalRetryWaitMs' ? value * 1000 : value;
  }
  return limits;
}

export function generateEncryptionKey(): string {
  return randomBytes(32).toString('base64');
}
