import type { GraphRequestContext } from './graph-context';
import { GraphFailure, unsupportedQuery } from './graph-response';

/** One `"property:term"` clause of a Graph $search expression. */
interface SearchClause {
  property: string;
  term: string;
}

const CLAUSE = /"([A-Za-z]+):((?:[^"\\]|\\.)*)"/g;

/**
 * Parses `"displayName:ann" OR "mail:ann"` (or AND). Graph requires `ConsistencyLevel: eventual`
 * for $search on directory objects and answers 400 without it; so does this emulator.
 */
export function parseSearch(ctx: GraphRequestContext): { clauses: SearchClause[]; all: boolean } | null {
  const raw = ctx.query.get('$search');
  if (raw === null) return null;
  if ((ctx.headers['consistencylevel'] ?? '').toLowerCase() !== 'eventual') {
    throw new GraphFailure(
      400,
      'Request_UnsupportedQuery',
      "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'",
    );
  }
  const clauses = [...raw.matchAll(CLAUSE)].map((m) => ({
    property: m[1],
    term: m[2].replace(/\\(.)/g, '$1').toLowerCase(),
  }));
  if (clauses.length === 0)
    throw unsupportedQuery(`Syntax error: '${raw}' is not a valid $search expression.`);
  return { clauses, all: / AND /.test(raw) };
}

const TOKEN_SPLIT = /[\s,.;@_\-()]+/;

/** Graph's tokenized prefix match: "ann" finds "Anna Smith" and "smith, ann". */
function matches(value: unknown, term: string): boolean {
  if (typeof value !== 'string') return false;
  const lower = value.toLowerCase();
  return lower.startsWith(term) || lower.split(TOKEN_SPLIT).some((token) => token.startsWith(term));
}

export function matchesSearch(
  props: Record<string, unknown>,
  search: { clauses: SearchClause[]; all: boolean },
): boolean {
  const test = (clause: SearchClause) => matches(props[clause.property], clause.term);
  return search.all ? search.clauses.every(test) : search.clauses.some(test);
}
