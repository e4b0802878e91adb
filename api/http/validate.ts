import type { Request } from 'express';
import type { z } from 'zod';
import { HttpProblem, type FieldError } from './problem';

type Part = 'params' | 'query' | 'body';

/** `['syncOptions', 'deletionThreshold', 'maxCount']` under `body` → `body.syncOptions.deletionThreshold.maxCount`. */
function pathOf(part: Part, path: PropertyKey[]): string {
  return path.reduce<string>(
    (acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : `${acc}.${String(key)}`),
    part,
  );
}

/** One entry per bad field, with unknown keys listed one by one so a typo is named exactly. */
export function fieldErrors(part: Part, error: z.ZodError): FieldError[] {
  const out: FieldError[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys)
        out.push({ path: pathOf(part, [...issue.path, key]), message: 'unknown field' });
    } else {
      out.push({ path: pathOf(part, issue.path), message: issue.message });
    }
  }
  return out;
}

function describe(errors: FieldError[]): string {
  const shown = errors.slice(0, 3).map((e) => `${e.path}: ${e.message}`);
  const more = errors.length > 3 ? ` (and ${errors.length - 3} more)` : '';
  return `the request is invalid: ${shown.join('; ')}${more}`;
}

const JSON_TYPE = /^application\/([a-z0-9.+-]*\+)?json\b/i;

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
}

/** The path of the first string holding a NUL character, which Postgres text cannot store. */
function findNul(value: unknown, path: PropertyKey[] = []): PropertyKey[] | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findNul(value[i], [...path, i]);
      if (found) return found;
    }
  } else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      const found = findNul(key, [...path, key]) ?? findNul(v, [...path, key]);
      if (found) return found;
    }
  }
  return null;
}

/** Parses one part of the request with its schema, or throws a 400 that names each bad field. */
export function parsePart<T>(part: Part, schema: z.ZodType<T> | undefined, req: Request): T {
  if (!schema) return undefined as T;
  if (part === 'body' && hasBody(req) && !JSON_TYPE.test(req.headers['content-type'] ?? '')) {
    throw new HttpProblem(415, 'the request body must be JSON: send it with Content-Type: application/json');
  }
  // Express 5 leaves req.body undefined when there was no body at all.
  const raw = part === 'params' ? req.params : part === 'query' ? req.query : req.body;
  const nul = findNul(raw);
  if (nul) {
    const errors = [{ path: pathOf(part, nul), message: 'must not contain the NUL character (\\u0000)' }];
    throw new HttpProblem(400, describe(errors), { errors });
  }
  const result = schema.safeParse(raw ?? (part === 'body' ? undefined : {}));
  if (result.success) return result.data;
  const errors = fieldErrors(part, result.error);
  throw new HttpProblem(400, describe(errors), { errors });
}
