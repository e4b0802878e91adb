import { randomUUID } from 'node:crypto';

/** What a Graph handler answers; the server (or $batch) turns it into an HTTP response. */
export interface GraphResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export const JSON_CONTENT_TYPE =
  'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

export function ok(body: unknown, status = 200): GraphResponse {
  return { status, headers: { 'Content-Type': JSON_CONTENT_TYPE }, body };
}

export function binary(
  contentType: string,
  data: Buffer,
  headers: Record<string, string> = {},
): GraphResponse {
  return { status: 200, headers: { 'Content-Type': contentType, ...headers }, body: data };
}

/** Graph's error body, {error:{code,message,innerError:{date,request-id,client-request-id}}}. */
export function odataError(
  status: number,
  code: string,
  message: string,
  extraHeaders: Record<string, string> = {},
  clientRequestId?: string,
): GraphResponse {
  const requestId = randomUUID();
  return {
    status,
    headers: { 'Content-Type': 'application/json', 'request-id': requestId, ...extraHeaders },
    body: {
      error: {
        code,
        message,
        innerError: {
          date: new Date().toISOString().replace(/\.\d+Z$/, ''),
          'request-id': requestId,
          'client-request-id': clientRequestId ?? requestId,
        },
      },
    },
  };
}

/** A handler stops with one of these; the dispatcher turns it into the ODataError response. */
export class GraphFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const notFound = (id: string) =>
  new GraphFailure(
    404,
    'Request_ResourceNotFound',
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  );

export const unsupportedQuery = (message = 'Unsupported Query.') =>
  new GraphFailure(400, 'Request_UnsupportedQuery', message);

export const badRequest = (message: string) => new GraphFailure(400, 'Request_BadRequest', message);
