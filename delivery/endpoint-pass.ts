import type { SecretKeys } from '../config/secret-box';
import type { Db } from '../db/database';
import { readEventWindow, readEventsById, type EventRow } from '../db/repositories/events';
import {
  dueHeads,
  recordPass,
  subjectsWithPending,
  type AttemptedDelivery,
  type DispatchEndpoint,
  type NewDelivery,
  type PendingDelivery,
} from '../db/repositories/webhook-dispatch';
import { eventBody } from '../domain/event-body';
import { selectedEventTypes } from '../domain/webhook-events';
import {
  DISABLE_FAILING_AFTER_MS,
  afterAttempt,
  outcomeOf,
  type DeliveryAttempt,
  type DeliveryStatus,
} from '../domain/webhook-retry';
import { sendSigned, signingKeysOf } from './signed-send';
import type { WebhookSender } from './webhook-sender';

export interface PassDeps {
  /** the pool: what a pass reads */
  db: Db;
  /** the connection holding the endpoint's lock: what a pass records */
  session: Db;
  sender: WebhookSender;
  keys: SecretKeys;
  /** base of card pages in card events' `publicUrl` */
  publicBase: string;
  retryDelaysMs: readonly number[];
  /** subjects sent to at once */
  concurrency: number;
  /** events read per pass */
  batchSize: number;
  /** failed first attempts in a row, with no success, after which a pass stops trying new events */
  breakerFailures: number;
}

/** Subjects sent to at once when a pass starts. */
const SLOW_START = 4;

/** One thing to send: a new event, or a pending delivery whose turn has come. */
type Item =
  | { kind: 'new'; event: EventRow; key: string }
  | { kind: 'pending'; head: PendingDelivery; event: EventRow | null };

/**
 * One pass over one endpoint: sends the pending deliveries whose turn has come and the next batch
 * of new events, each subject's in order (one at a time; subjects side by side), and records it
 * all with the endpoint's new cursor in one transaction. Answers how many deliveries it handled
 * (0: nothing to do).
 */
export async function runEndpointPass(deps: PassDeps, endpoint: DispatchEndpoint): Promise<number> {
  const { db } = deps;
  const signingKeys = signingKeysOf(deps.keys, endpoint);
  const [heads, window] = await Promise.all([
    dueHeads(db, endpoint.id, deps.batchSize),
    readEventWindow(db, endpoint.workspaceId, {
      after: endpoint.cursor,
      types: selectedEventTypes(endpoint.events),
      limit: deps.batchSize,
    }),
  ]);
  const events = window.rows;
  if (!heads.length && !window.last) return 0;

  const keyOf = (e: EventRow) => e.subjectId ?? `event:${e.id}`;
  const [headEvents, blocked] = await Promise.all([
    readEventsById(
      db,
      endpoint.workspaceId,
      heads.flatMap((h) => (h.eventId ? [h.eventId] : [])),
    ),
    subjectsWithPending(db, endpoint.id, [...new Set(events.map(keyOf))]),
  ]);
  const byId = new Map(headEvents.map((e) => [e.id, e]));

  const lanes = new Map<string, Item[]>();
  const lane = (key: string) => lanes.get(key) ?? lanes.set(key, []).get(key)!;
  for (const head of heads)
    lane(head.orderKey).push({
      kind: 'pending',
      head,
      event: head.eventId ? (byId.get(head.eventId) ?? null) : null,
    });
  const created: NewDelivery[] = [];
  const queue = (
    item: Extract<Item, { kind: 'new' }>,
    status: DeliveryStatus,
    attempt: DeliveryAttempt | null,
    next: Date | null,
  ) => {
    created.push({
      eventId: item.event.id,
      eventType: item.event.type,
      orderKey: item.key,
      status,
      attempt,
      nextAttemptAt: next,
    });
  };
  for (const event of events) {
    const item = { kind: 'new' as const, event, key: keyOf(event) };
    if (blocked.has(item.key)) queue(item, 'pending', null, null);
    else lane(item.key).push(item);
  }

  const attempted: AttemptedDelivery[] = [];
  let grow = () => {};
  const postponed: string[] = [];
  const health = {
    succeeded: false,
    failures: 0,
    firstFailureAt: null as Date | null,
    gone: false,
    lastError: null as string | null,
  };
  const stopped = () => health.gone || (!health.succeeded && health.failures >= deps.breakerFailures);

  const runLane = async (items: Item[]) => {
    let blockedBehind = false;
    for (const item of items) {
      if (blockedBehind || stopped()) {
        // not tried in this pass: a new event waits in its subject's queue; a tripped breaker
        // (not a 410, which disables the endpoint) puts off what it stopped by the first delay
        const later = !blockedBehind && !health.gone ? new Date(Date.now() + deps.retryDelaysMs[0]!) : null;
        if (item.kind === 'new') queue(item, 'pending', null, later);
        else if (later) postponed.push(item.head.id);
        continue;
      }
      if (item.kind === 'pending' && item.head.eventId && !item.event) {
        attempted.push({
          id: item.head.id,
          status: 'failed',
          attempt: {
            at: new Date().toISOString(),
            statusCode: null,
            durationMs: 0,
            error: 'the event is no longer kept (RETENTION_DAYS)',
            nextRetryAt: null,
          },
          nextAttemptAt: null,
        });
        continue;
      }
      const at = new Date();
      const body =
        item.kind === 'new' || item.event
          ? eventBody((item.kind === 'new' ? item.event : item.event)!, deps.publicBase)
          : item.head.payload!;
      const result = await sendSigned(deps.sender, endpoint.url, signingKeys, body as { id: unknown });
      const outcome = outcomeOf(result.statusCode);
      if (outcome === 'delivered') {
        health.succeeded = true;
        grow();
      } else {
        health.failures++;
        health.firstFailureAt ??= at;
        health.lastError = result.error;
        if (outcome === 'gone') health.gone = true;
      }
      const failedBefore = item.kind === 'pending' ? item.head.attemptCount : 0;
      const { status, attempt, nextAttemptAt } = afterAttempt(
        { at, ...result },
        failedBefore,
        deps.retryDelaysMs,
      );
      if (item.kind === 'new') queue(item, status, attempt, nextAttemptAt);
      else attempted.push({ id: item.head.id, status, attempt, nextAttemptAt });
      // a delivery still owed holds back the rest of its subject
      if (status === 'pending') blockedBehind = true;
    }
  };
  // Slow start: a few subjects at once until the receiver has answered well, one more per
  // success up to `concurrency`, so a dead receiver meets a handful of attempts, not a flood.
  const allLanes = [...lanes.values()];
  let nextLane = 0;
  const workers: Array<Promise<void>> = [];
  const work = async () => {
    while (nextLane < allLanes.length) await runLane(allLanes[nextLane++]!);
  };
  grow = () => {
    if (workers.length < deps.concurrency && nextLane < allLanes.length) workers.push(work());
  };
  for (let i = 0; i < Math.min(SLOW_START, deps.concurrency); i++) grow();
  for (let i = 0; i < workers.length; i++) await workers[i];

  // rows in the events' order: a subject's queue is read in row order
  const position = new Map(events.map((e, i) => [e.id, i]));
  created.sort((a, b) => position.get(a.eventId)! - position.get(b.eventId)!);
  const last = window.last;
  await recordPass(deps.session, {
    endpointId: endpoint.id,
    workspaceId: endpoint.workspaceId,
    created,
    attempted,
    postponed: { ids: postponed, until: new Date(Date.now() + deps.retryDelaysMs[0]!) },
    cursor: last ? { xid: last.xid, id: last.id } : null,
    succeeded: health.succeeded,
    firstFailureAt: health.firstFailureAt,
    gone: health.gone,
    failingCutoff: new Date(Date.now() - DISABLE_FAILING_AFTER_MS),
    lastError: health.lastError,
  });
  // a window of only unwanted events is progress too: the next one follows at once
  return heads.length + events.length + (window.last ? 1 : 0);
}
