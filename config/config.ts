import { randomBytes } from 'node:crypto';
import { DEFAULT_TASK_QUEUE } from '../contracts/workflows';

export interface Config {
  production: boolean;
  /** Unset: an embedded Postgres is started by `npm start` / `npm run services`. */
  databaseUrl: string | null;
  /** Unset: a Temporal dev server is started by `npm start` / `npm run services`. */
  temporalAddress: string | null;
  temporalNamespace: string;
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
  /** Base of public card pages (`{publicBaseUrl}/c/{slug}`); null = the api's own URL, as each request reached it. */
  publicBaseUrl: string | null;
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
  return {
    production,
    databaseUrl: env.DATABASE_URL || null,
    temporalAddress: env.TEMPORAL_ADDRESS || null,
    temporalNamespace: env.TEMPORAL_NAMESPACE || 'default',
    taskQueue: env.TASK_QUEUE || DEFAULT_TASK_QUEUE,
    port,
    adminToken: env.ADMIN_TOKEN || 'dev-admin-token',
    encryptionKey: parseKey(env.ENCRYPTION_KEY),
    temporalUiUrl: (env.TEMPORAL_UI_URL || 'http://localhost:8233').replace(/\/$/, ''),
    logLevel: env.LOG_LEVEL || 'info',
    dataDir: env.DATA_DIR || '.data',
    fullSyncIntervalMs: fullSyncDays * 24 * 60 * 60 * 1000,
    publicBaseUrl: parseBaseUrl(env.PUBLIC_BASE_URL),
  };
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
