import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';

export type Schemas = components['schemas'];
export type ApiClient = ReturnType<typeof createClient<paths>>;

/** An API refusal, with the problem+json text an admin can act on. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(message);
  }
}

/** problem+json `detail` (what to do), else its `title`, else the status. */
export function problemMessage(status: number, body: unknown): string {
  const p = (body ?? {}) as { detail?: unknown; title?: unknown; errors?: unknown };
  const detail = typeof p.detail === 'string' && p.detail ? p.detail : null;
  const title = typeof p.title === 'string' && p.title ? p.title : null;
  return detail ?? title ?? `the API answered ${status}`;
}

/** A typed client for /v1 that sends the workspace key and turns problem answers into ApiError. */
export function createApiClient(apiKey: string, onUnauthorized: () => void): ApiClient {
  const client = createClient<paths>({ baseUrl: window.location.origin });
  const auth: Middleware = {
    onRequest({ request }) {
      request.headers.set('Authorization', `Bearer ${apiKey}`);
      return request;
    },
    async onResponse({ response }) {
      if (response.ok) return response;
      const body = (await response
        .clone()
        .json()
        .catch(() => ({}))) as Record<string, unknown>;
      if (response.status === 401) onUnauthorized();
      throw new ApiError(problemMessage(response.status, body), response.status, body);
    },
  };
  client.use(auth);
  return client;
}

/** The data of a successful call (the middleware has thrown for every other answer). */
export function ok<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.data === undefined && result.response.status !== 204 && result.response.status !== 202)
    throw new ApiError(
      `the API answered ${result.response.status} without a body`,
      result.response.status,
      {},
    );
  return result.data as T;
}
