import type { GraphRequestContext } from './graph-context';
import { GraphFailure, badRequest } from './graph-response';
import type { TenantState } from './tenant-state';

const SNAPSHOT_LIMIT = 64;

/** What an opaque $skiptoken / $deltatoken carries. */
export interface PageToken {
  /** the tenant's token sequence at issue (expiry compares it) */
  s: number;
  /** issued at, ms */
  t: number;
  /** the listing it belongs to, e.g. "members|<group>|true" */
  k: string;
  /** snapshot id and offset of the next page */
  n?: string;
  o?: number;
  /** anything else the handler wants to carry (delta state) */
  x?: Record<string, unknown>;
}

export function encodeToken(token: PageToken): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

export function decodeToken(raw: string): PageToken | null {
  try {
    const token = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as PageToken;
    return typeof token.s === 'number' && typeof token.k === 'string' ? token : null;
  } catch {
    return null;
  }
}

/** Keeps a frozen list so later pages don't shift when the directory changes mid-listing. */
export function storeSnapshot(tenant: TenantState, items: unknown[]): string {
  const id = String(tenant.tokenSeq++);
  tenant.snapshots.set(id, items);
  if (tenant.snapshots.size > SNAPSHOT_LIMIT) tenant.snapshots.delete(tenant.snapshots.keys().next().value!);
  return id;
}

/** Like Graph's nextLink: the same path and query, with the new token in place of the old one. */
export function linkWith(
  ctx: GraphRequestContext,
  param: '$skiptoken' | '$deltatoken',
  token: string,
  keep = true,
): string {
  const parts: string[] = [];
  if (keep) {
    for (const [name, value] of ctx.query) {
      if (name === '$skiptoken' || name === '$deltatoken') continue;
      parts.push(`${name}=${encodeQueryValue(value)}`);
    }
  }
  parts.push(`${param}=${token}`);
  return `${ctx.baseUrl}${ctx.rawPath}?${parts.join('&')}`;
}

/** Percent-encodes like Graph's links do, leaving $ , ' ( ) : readable. */
function encodeQueryValue(value: string): string {
  return encodeURIComponent(value).replace(/%24/g, '$').replace(/%2C/g, ',').replace(/%3A/g, ':');
}

const expiredSkiptoken = () =>
  new GraphFailure(
    400,
    'Directory_ExpiredPageToken',
    'The specified page token value has expired and can no longer be included in your request.',
  );

/**
 * One page of a listing. The first request freezes the full list; $skiptoken continues it. An expired
 * token (the tenant's TTL or an explicit expiry) answers 400 Directory_ExpiredPageToken like Graph.
 */
export function pageThrough<T>(
  ctx: GraphRequestContext,
  listKey: string,
  pageSize: number,
  build: () => T[],
  /** undefined = the object vanished since the snapshot; it is left out */
  render: (item: T) => unknown,
): { value: unknown[]; nextLink: string | null } {
  const { tenant } = ctx;
  const raw = ctx.query.get('$skiptoken');
  let items: T[];
  let offset = 0;
  let snapshotId: string;
  if (raw !== null) {
    const token = decodeToken(raw);
    if (!token || token.k !== listKey || token.n === undefined)
      throw badRequest(`Invalid $skiptoken '${raw.slice(0, 40)}'.`);
    const ttl = tenant.faults.skiptokenTtlMs;
    const expired = token.s < tenant.skiptokensValidFrom || (ttl > 0 && Date.now() - token.t > ttl);
    const snapshot = tenant.snapshots.get(token.n);
    if (expired || !snapshot) throw expiredSkiptoken();
    items = snapshot as T[];
    offset = token.o ?? 0;
    snapshotId = token.n;
  } else {
    items = build();
    snapshotId = storeSnapshot(tenant, items);
  }
  const end = Math.min(offset + pageSize, items.length);
  const value: unknown[] = [];
  for (let i = offset; i < end; i++) {
    const rendered = render(items[i]);
    if (rendered !== undefined) value.push(rendered);
  }
  if (end >= items.length) return { value, nextLink: null };
  const next = encodeToken({ s: tenant.tokenSeq++, t: Date.now(), k: listKey, n: snapshotId, o: end });
  return { value, nextLink: linkWith(ctx, '$skiptoken', next) };
}
