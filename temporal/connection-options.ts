import { readFile } from 'node:fs/promises';
import type { TLSConfig } from '@temporalio/client';
import type { TemporalSecurity } from '../config/temporal-security';

/** What both `Connection.connect` (api, schedules) and `NativeConnection.connect` (worker) take. */
export interface TemporalConnectionOptions {
  address: string;
  tls?: TLSConfig;
  apiKey?: string;
}

export type ReadFile = (path: string) => Promise<Buffer>;

/**
 * The one place the connection to Temporal is described. Plain (dev server) when nothing is set;
 * with TLS files, mTLS and/or a private CA; with an API key, TLS to Temporal Cloud. Files are read
 * once, here, at start: a renewed certificate takes a restart.
 */
export async function buildTemporalConnectionOptions(
  address: string,
  security: TemporalSecurity,
  read: ReadFile = (path) => readFile(path),
): Promise<TemporalConnectionOptions> {
  const options: TemporalConnectionOptions = { address };
  const load = async (variable: string, path: string) => {
    try {
      return await read(path);
    } catch (err) {
      throw new Error(`${variable}=${path} could not be read: ${(err as Error).message}`);
    }
  };
  const wantsTls = security.tlsCertPath || security.tlsCaPath || security.tlsServerName || security.apiKey;
  if (wantsTls) {
    const tls: TLSConfig = {};
    if (security.tlsCertPath && security.tlsKeyPath) {
      tls.clientCertPair = {
        crt: await load('TEMPORAL_TLS_CERT', security.tlsCertPath),
        key: await load('TEMPORAL_TLS_KEY', security.tlsKeyPath),
      };
    }
    if (security.tlsCaPath) tls.serverRootCACertificate = await load('TEMPORAL_TLS_CA', security.tlsCaPath);
    if (security.tlsServerName) tls.serverNameOverride = security.tlsServerName;
    options.tls = tls;
  }
  if (security.apiKey) options.apiKey = security.apiKey;
  return options;
}

/** For logs: how the connection is secured, never the secrets. */
export function describeTemporalSecurity(options: TemporalConnectionOptions): string {
  if (!options.tls) return 'plaintext';
  const parts = ['tls'];
  if (options.tls.clientCertPair) parts.push('client certificate');
  if (options.tls.serverRootCACertificate) parts.push('private CA');
  if (options.apiKey) parts.push('API key');
  return parts.join(', ');
}
