/** How the processes reach a secured Temporal cluster or Temporal Cloud; null members: not used. */
export interface TemporalSecurity {
  /** mTLS client certificate and key (PEM files); both or neither. */
  tlsCertPath: string | null;
  tlsKeyPath: string | null;
  /** A CA (PEM file) for a server certificate the system does not trust. */
  tlsCaPath: string | null;
  /** SNI / host name to verify, when the address is not the certificate's name. */
  tlsServerName: string | null;
  /** A Temporal Cloud API key, sent as a bearer token over TLS. */
  apiKey: string | null;
}

/**
 * TEMPORAL_TLS_CERT / _KEY / _CA / _SERVER_NAME and TEMPORAL_API_KEY. The files are only named
 * here; they are read when the connection options are built, at start.
 */
export function parseTemporalSecurity(env: NodeJS.ProcessEnv): TemporalSecurity {
  const security: TemporalSecurity = {
    tlsCertPath: env.TEMPORAL_TLS_CERT || null,
    tlsKeyPath: env.TEMPORAL_TLS_KEY || null,
    tlsCaPath: env.TEMPORAL_TLS_CA || null,
    tlsServerName: env.TEMPORAL_TLS_SERVER_NAME || null,
    apiKey: env.TEMPORAL_API_KEY || null,
  };
  if (Boolean(security.tlsCertPath) !== Boolean(security.tlsKeyPath)) {
    throw new Error(
      'TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together (the client certificate and its private key): set both or neither',
    );
  }
  return security;
}

/** The plain local setup: no TLS, no key (the dev server and `npm start`). */
export const PLAINTEXT_TEMPORAL: TemporalSecurity = {
  tlsCertPath: null,
  tlsKeyPath: null,
  tlsCaPath: null,
  tlsServerName: null,
  apiKey: null,
};
