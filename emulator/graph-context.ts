import type { TenantState } from './tenant-state';

/** One Graph request as a handler sees it (also used for the inner requests of a $batch). */
export interface GraphRequestContext {
  tenant: TenantState;
  method: string;
  /** decoded path segments after /v1.0, e.g. ['groups', '<id>', 'members', 'microsoft.graph.user'] */
  segments: string[];
  /** the path as received, without query, e.g. /v1.0/groups/<id>/members */
  rawPath: string;
  query: URLSearchParams;
  /** lower-cased header names */
  headers: Record<string, string | undefined>;
  body: unknown;
  /** https://host:port of this emulator, as the client addressed it */
  baseUrl: string;
  /** the token's roles claim */
  roles: string[];
}
