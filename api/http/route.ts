import type { Request, Response } from 'express';
import type { z } from 'zod';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** Who may call a route: nobody needs a key, the operator's ADMIN_TOKEN, or a workspace API key. */
export type RouteAuth = 'none' | 'admin' | 'workspace';

export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
  /** Defaults to application/json when a schema is given. */
  contentType?: string;
}

export interface HandlerInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  /** Set on `workspace` routes: the workspace the API key belongs to. */
  workspaceId: string;
  /** Set on `workspace` routes: the key in use (`admin` for the operator token). */
  apiKeyId: string;
  req: Request;
  res: Response;
}

/** What a handler answers; `undefined` means it wrote the response itself (vCard, metrics text). */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * One HTTP route: its path in OpenAPI form (`/v1/groups/{id}`), the zod schemas of its input
 * and output, and its handler. The app registers the same definition with Express and with the
 * OpenAPI document, so the two cannot drift apart.
 */
export interface RouteDef<P = unknown, Q = unknown, B = unknown> {
  method: HttpMethod;
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  auth: RouteAuth;
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  /**
   * A body of bytes rather than JSON (a photo): read raw up to `limit` bytes, whatever its type,
   * into `req.body` as a Buffer; the handler checks the type. `contentTypes` are documented.
   */
  rawBody?: { contentTypes: string[]; limit: number };
  responses: Record<number, ResponseSpec>;
  handler: (input: HandlerInput<P, Q, B>) => Promise<Reply | undefined> | Reply | undefined;
}

// The erased form kept in route lists: each definition was type-checked where it was written.
export type AnyRoute = RouteDef<any, any, any>;

/** Keeps the schema and handler types tied together while building a route list. */
export function defineRoute<P = undefined, Q = undefined, B = undefined>(def: RouteDef<P, Q, B>): AnyRoute {
  return def as AnyRoute;
}

/** `/v1/groups/{id}` → `/v1/groups/:id`. */
export function expressPath(openApiPath: string): string {
  return openApiPath.replace(/\{([A-Za-z0-9_]+)\}/g, ':$1');
}

export const reply = (status: number, body?: unknown, headers?: Record<string, string>): Reply => ({
  status,
  body,
  headers,
});
