import type { Request } from 'express';
import type { ApiConfig } from './context';

/** Where public card pages live: PUBLIC_BASE_URL, else the api's own origin as this request reached it. */
export function publicBaseOf(config: ApiConfig, req: Request): string {
  return config.publicBaseUrl ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`;
}
