import type { ErrorRequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { entraProblem } from '../entra';
import { HttpProblem } from './problem';

interface HttpLikeError {
  type?: string;
  status?: number;
  statusCode?: number;
  expose?: boolean;
  message?: string;
  limit?: number;
}

/** Classifies anything thrown into the problem the client sees; internals only reach the log. */
export function toProblem(err: unknown): HttpProblem {
  if (err instanceof HttpProblem) return err;
  const e = (err ?? {}) as HttpLikeError;
  switch (e.type) {
    case 'entity.too.large':
      return new HttpProblem(
        413,
        `the request body is larger than the limit${e.limit ? ` of ${e.limit} bytes` : ''}; send less at once`,
      );
    case 'entity.parse.failed':
      return new HttpProblem(400, `the request body is not valid JSON (${e.message ?? 'parse error'})`, {
        errors: [{ path: 'body', message: 'malformed JSON' }],
      });
    case 'entity.too.deep':
      return new HttpProblem(400, `${e.message ?? 'the request body nests too deep'}; send flatter JSON`, {
        errors: [{ path: 'body', message: 'nested too deep' }],
      });
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new HttpProblem(415, `${e.message ?? 'unsupported encoding'}: send UTF-8 JSON`);
  }
  // Postgres class 22 (data exception): a value the database refused. Validation should have
  // caught it; answering 400 keeps bad input from ever looking like a server fault.
  const pgCode = (err as { code?: unknown } | null)?.code;
  if (
    typeof pgCode === 'string' &&
    /^22[0-9A-Z]{3}$/.test(pgCode) &&
    (err as { severity?: unknown }).severity !== undefined
  ) {
    return new HttpProblem(
      400,
      'a value in the request cannot be stored; check the values for unusual characters or sizes',
    );
  }
  const status = e.status ?? e.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new HttpProblem(status, e.expose && e.message ? e.message : 'the request could not be understood');
  }
  return (
    entraProblem(err) ??
    new HttpProblem(500, 'an unexpected error occurred; quote the X-Request-Id header when reporting it')
  );
}

export function sendProblem(res: Response, problem: HttpProblem): void {
  res
    .status(problem.status)
    .set(problem.headers)
    .type('application/problem+json')
    .send(JSON.stringify(problem.toBody()));
}

/** The one error middleware: every error becomes application/problem+json. */
export function problemHandler(logger: Logger): ErrorRequestHandler {
  return (err, _req, res, next) => {
    const log: Logger = res.locals.log ?? logger;
    if (res.headersSent) {
      log.error({ err }, 'error after the response started');
      next(err);
      return;
    }
    const problem = toProblem(err);
    if (problem.status >= 500) log.error({ err }, 'request failed');
    sendProblem(res, problem);
  };
}
