import type { GraphRequestContext } from './graph-context';
import { GraphFailure } from './graph-response';
import { decodeToken, encodeToken, storeSnapshot, type PageToken } from './paging';

/** Graph's answer to a delta or skip token it no longer knows: the client must sync from scratch. */
export const syncStateNotFound = () =>
  new GraphFailure(
    410,
    'syncStateNotFound',
    'The sync state generation is not found. The delta token is expired and data must be synchronized again.',
  );

/** One round of a delta query: the frozen item list it pages through and what its links carry. */
export interface RoundState {
  snapshotId: string;
  /** where the requested page starts */
  offset: number;
  /** the version this round reports up to (the next deltaLink's starting point) */
  to: number;
  select: string[] | null;
  /** request state the links must carry (e.g. the groups/delta $filter), as Graph's tokens do */
  carry: Record<string, unknown>;
}

/** `$deltatoken=latest`: Graph answers with no objects and a deltaLink for changes from now on. */
export function isLatestRequest(ctx: GraphRequestContext): boolean {
  return !ctx.query.has('$skiptoken') && ctx.query.get('$deltatoken')?.toLowerCase() === 'latest';
}

/** The state a $skiptoken/$deltatoken carries; null on an initial request. Invalid or expired tokens are 410. */
export function carriedState(
  ctx: GraphRequestContext,
  kind: string,
): { token: PageToken; x: Record<string, unknown> } | null {
  const raw = ctx.query.get('$skiptoken') ?? ctx.query.get('$deltatoken');
  if (raw === null || isLatestRequest(ctx)) return null;
  const token = decodeToken(raw);
  if (!token || token.k !== kind || token.s < ctx.tenant.deltaTokensValidFrom || !token.x)
    throw syncStateNotFound();
  return { token, x: token.x };
}

/**
 * Where a delta request stands: a fresh initial round (the current state), the next page of a round
 * ($skiptoken) or a new round of changes since a deltaLink ($deltatoken).
 */
export function resolveRound(
  ctx: GraphRequestContext,
  kind: string,
  buildInitial: () => unknown[],
  buildChanges: (since: number) => unknown[],
  initial: { select: string[] | null; carry: Record<string, unknown> },
): RoundState {
  const { tenant } = ctx;
  const state = carriedState(ctx, kind);
  if (!state) {
    const items = isLatestRequest(ctx) ? [] : buildInitial();
    return { snapshotId: storeSnapshot(tenant, items), offset: 0, to: tenant.version, ...initial };
  }
  const { token, x } = state;
  const select = (x.select as string[] | null) ?? null;
  const carry = (x.carry as Record<string, unknown>) ?? {};
  if (ctx.query.has('$skiptoken')) {
    if (!token.n || !tenant.snapshots.has(token.n)) throw syncStateNotFound();
    return { snapshotId: token.n, offset: token.o ?? 0, to: x.to as number, select, carry };
  }
  const changes = buildChanges(x.v as number);
  return { snapshotId: storeSnapshot(tenant, changes), offset: 0, to: tenant.version, select, carry };
}

/** @odata.nextLink while the round has more pages, else the @odata.deltaLink for the next round. */
export function roundLinks(
  ctx: GraphRequestContext,
  kind: string,
  round: RoundState,
  nextOffset: number,
  total: number,
) {
  const { tenant } = ctx;
  const base = `${ctx.baseUrl}${ctx.rawPath}`;
  const state = { select: round.select, carry: round.carry };
  if (nextOffset < total) {
    const token: PageToken = {
      s: tenant.tokenSeq++,
      t: Date.now(),
      k: kind,
      n: round.snapshotId,
      o: nextOffset,
      x: { ...state, to: round.to },
    };
    return { '@odata.nextLink': `${base}?$skiptoken=${encodeToken(token)}` };
  }
  const token: PageToken = { s: tenant.tokenSeq++, t: Date.now(), k: kind, x: { ...state, v: round.to } };
  return { '@odata.deltaLink': `${base}?$deltatoken=${encodeToken(token)}` };
}

/** `Prefer: odata.maxpagesize=N` (1..999), else 200 per page. */
export function deltaPageSize(ctx: GraphRequestContext): number {
  const match = /odata\.maxpagesize=(\d+)/.exec(ctx.headers['prefer'] ?? '');
  return match ? Math.min(Math.max(Number(match[1]), 1), 999) : 200;
}
