import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Db } from '../db/database';
import type { SecretKeys } from '../config/secret-box';
import type { OutboundPolicy } from '../net/outbound-policy';
import type { EntraClientFactory } from './entra';
import type { RateLimitOptions } from './http/rate-limit';
import type { ApiMetrics } from './metrics';

export interface ApiConfig {
  taskQueue: string;
  temporalNamespace: string;
  /** Base of the Temporal Web UI, for run links (no trailing slash). */
  temporalUiUrl: string;
  adminToken: string;
  /** Keys of stored Entra secrets (a ring, or one key): AES-256-GCM bound to the workspace. */
  encryptionKey: SecretKeys;
  /** When set, GET /metrics wants it as a bearer token. */
  metricsToken?: string | null;
  /** Base of public card pages; null or absent = the api's own URL, as the request reached it. */
  publicBaseUrl?: string | null;
}

/** Everything the app needs, built by api/main.ts or by a test; createApp reads no environment. */
export interface AppDeps {
  db: Db;
  temporal: Client;
  config: ApiConfig;
  entraClientFor: EntraClientFactory;
  /** What a workspace may point its Entra connection at (the operator's OUTBOUND_ALLOW_HOSTS). */
  outboundPolicy: OutboundPolicy;
  logger: Logger;
  /** Where the API's metrics register; a fresh registry when omitted. */
  metricsRegistry?: Registry;
  /** Per workspace, and per client address for keyless or refused requests; default DEFAULT_RATE_LIMIT. */
  rateLimit?: RateLimitOptions;
  /** Express `trust proxy`: behind a load balancer, so the per-address rate limit sees clients, not it. */
  trustProxy?: boolean | number | string;
  /** The built console (dist/console) served at /console and /docs; absent: neither is served. */
  consoleDir?: string | null;
  /** Largest JSON body accepted (bytes or '1mb' form); default 1mb. */
  bodyLimit?: string | number;
}

/** What route modules receive: the deps plus things createApp builds once per app. */
export interface ApiContext extends AppDeps {
  metrics: ApiMetrics;
}
