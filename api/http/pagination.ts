import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { HttpProblem } from './problem';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;

export const limitParam = z.coerce
  .number()
  .int()
  .min(1)
  .max(MAX_LIMIT)
  .default(DEFAULT_LIMIT)
  .meta({ description: `page size, 1..${MAX_LIMIT} (default ${DEFAULT_LIMIT})` });
export const cursorParam = z
  .string()
  .min(1)
  .max(2048)
  .optional()
  .meta({ description: 'the `nextCursor` of the previous page; omit for the first page' });

/** Query members every paged list takes. */
export const pageQueryShape = { limit: limitParam, cursor: cursorParam };

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export function pageSchema<T extends z.ZodType>(item: T, id: string) {
  return z
    .object({
      items: z.array(item),
      nextCursor: z.string().nullable().meta({ description: 'null on the last page' }),
    })
    .meta({ id });
}

const badCursor = () =>
  new HttpProblem(400, 'cursor is not one this API issued for this list; start again without it', {
    errors: [{ path: 'query.cursor', message: 'not a valid cursor' }],
  });

/** Opaque keyset cursor: base64url JSON of the last row's sort key. */
export function encodeCursor(key: unknown): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** Decodes and checks a cursor's shape; anything else is a 400 naming `query.cursor`. */
export function decodeCursor<T>(raw: string | undefined, shape: z.ZodType<T>): T | undefined {
  if (raw === undefined) return undefined;
  try {
    const parsed = shape.safeParse(JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')));
    if (parsed.success) return parsed.data;
  } catch {
    // fall through: not base64url JSON
  }
  throw badCursor();
}

/**
 * A cursor the client must not be able to forge: used where it carries a URL the server will
 * call with credentials (Graph `@odata.nextLink`), so it is signed with a server-side key.
 */
export function encodeSignedCursor(value: string, key: Buffer): string {
  const mac = createHmac('sha256', key).update(value).digest('base64url');
  return encodeCursor({ v: value, m: mac });
}

export function decodeSignedCursor(raw: string | undefined, key: Buffer): string | undefined {
  const decoded = decodeCursor(raw, z.object({ v: z.string(), m: z.string() }));
  if (!decoded) return undefined;
  const expected = Buffer.from(createHmac('sha256', key).update(decoded.v).digest('base64url'));
  const given = Buffer.from(decoded.m);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw badCursor();
  return decoded.v;
}

/** Takes `limit + 1` rows and turns the extra one into "there is a next page". */
export function toPage<R, T>(
  rows: R[],
  limit: number,
  toItem: (row: R) => T,
  keyOf: (row: R) => unknown,
): Page<T> {
  const more = rows.length > limit;
  const shown = more ? rows.slice(0, limit) : rows;
  return {
    items: shown.map(toItem),
    nextCursor: more ? encodeCursor(keyOf(shown[shown.length - 1]!)) : null,
  };
}
