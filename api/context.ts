import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Db } from '../db/database';
import type { EntraClientFactory } from './entra';
import type { RateLimitOptions } from './http/rate-limit';
import type { ApiMetrics } from './metrics';

export interface ApiConfig {
  taskQueue: string;
  temporalNamespace: string;
  /** Base of the Temporal Web UI, for run links (no trailing slash). */
  temporalUiUrl: string;
  adminToken: string;
  /** AES-256-GCM key for stored Entra secrets. */
  encryptionKey: Buffer;
  /** Base of public card pages; null or absent = the api's own URL, as the request reached it. */
  publicBaseUrl?: string | null;
}

/** Everything the app needs, built by api/main.ts or by a test; createApp reads no environment. */
export interface AppDeps {
  db: Db;
  temporal: Client;
  config: ApiConfig;
  entraClientFor: EntraClientFactory;
  logger: Logger;
  /** Where the API's metrics register; a fresh registry when omitted. */
  metricsRegistry?: Registry;
  /** Per API key; default 20 requests burst, 10 per second. */
  rateLimit?: RateLimitOptions;
  /** Largest JSON body accepted (bytes or '1mb' form); default 1mb. */
  bodyLimit?: string | number;
}

/** What route modules receive: the deps plus things createApp builds once per app. */
export interface ApiContext extends AppDeps {
  metrics: ApiMetrics;
}
