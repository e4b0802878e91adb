import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { inject } from 'vitest';
import type { Db } from '../../db/database';
import { startWebhookDispatcher, type WebhookDispatcher } from '../../delivery/dispatcher';
import { createWebhookSender } from '../../delivery/webhook-sender';
import { parseOutboundAllowHosts, type OutboundPolicy } from '../../net/outbound-policy';
import { ENCRYPTION_KEY, PUBLIC_BASE_URL } from '../api/support';

/** The emulator and these receivers, as the operator's OUTBOUND_ALLOW_HOSTS would list them. */
export function policyWith(...hosts: string[]): OutboundPolicy {
  return parseOutboundAllowHosts([new URL(inject('emulatorUrl')).host, ...hosts].join(','));
}

/** Retries a hundred times sooner than the real schedule, the same number of them. */
export const FAST_RETRIES = [50, 100, 200, 400, 800, 1600, 3200, 6400];

/** A dispatcher as a worker runs it, for the given workspaces only (other suites share the database). */
export function startTestDispatcher(
  db: Db,
  policy: OutboundPolicy,
  workspaceIds: string[],
  opts: { retryDelaysMs?: number[]; breakerFailures?: number; keys?: Buffer } = {},
): WebhookDispatcher {
  return startWebhookDispatcher({
    db,
    sender: createWebhookSender(policy, { timeoutMs: 2_000, maxSockets: 16 }),
    keys: opts.keys ?? ENCRYPTION_KEY,
    publicBase: PUBLIC_BASE_URL,
    log: { warn: (fields, message) => console.error(message, fields) },
    pollMs: 25,
    retryDelaysMs: opts.retryDelaysMs ?? FAST_RETRIES,
    breakerFailures: opts.breakerFailures,
    workspaceIds,
  });
}

/** Card events as a sync's card phase writes them: `versions` of each card, oldest first. */
export async function writeCardEvents(
  db: Db,
  workspaceId: string,
  cards: number,
  versions: number,
): Promise<string[]> {
  const ids = Array.from({ length: cards }, () => randomUUID());
  const rows = ids.flatMap((cardId) =>
    Array.from({ length: versions }, (_, v) => ({ cardId, version: v + 1 })),
  );
  rows.sort((a, b) => a.version - b.version);
  await sql`
    insert into events (workspace_id, type, card_id, data, card_version, card_status, content_hash, slug_key, card_created_at)
    select ${workspaceId}::uuid, case when r.version = 1 then 'card.created' else 'card.updated' end, r.card_id,
      jsonb_build_object('fullName', 'Person ' || r.version), r.version, 'active', md5(r.card_id::text || r.version),
      uuid_send(gen_random_uuid()), now()
    from unnest(${rows.map((r) => r.cardId)}::uuid[], ${rows.map((r) => r.version)}::int[]) with ordinality
      as r(card_id, version, n)
    order by r.n`.execute(db);
  return ids;
}
