import { WorkflowFailedError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { useSyncStack } from './helpers/sync-stack';
import { DEFAULT_FIELD_SETTINGS } from '../../domain/fields';
import { countRows } from './helpers/snapshot';
import {
  createWorkspace,
  linkGroup,
  runRecord,
  saveFieldSettings,
  startGroupSync,
  type StartedSync,
} from './helpers/sync-fixture';

/** Enough users for two member pages (999 each); photos off so slow Graph answers only slow the paging. */
const USERS = 2500;
const NO_PHOTO = DEFAULT_FIELD_SETTINGS.filter((s) => s.field !== 'photo');

describe('a sync under trouble', () => {
  const stack = useSyncStack();
  const { db, key } = stack;

  /** A slow tenant (every Graph answer waits) whose sync is stopped right after the first staged page. */
  async function syncPausedAfterFirstPage() {
    const ws = await createWorkspace(db, key, {
      seed: 51,
      users: USERS,
      groups: [{ displayName: 'Many', users: 'all' }],
    });
    await saveFieldSettings(db, ws.id, NO_PHOTO);
    const groupId = await linkGroup(db, ws.id, ws.tenant.groups[0]!.id);
    await ws.control.setFaults({ latencyMs: 400 });
    const started = await startGroupSync(db, stack.temporal.client, stack.worker.taskQueue, ws.id, groupId);
    await untilCheckpoint(started, (cp) => Number(cp.fetchMembers?.pages ?? 0) >= 1);
    return { ws, groupId, started };
  }

  async function untilCheckpoint(
    started: StartedSync,
    done: (cp: Record<string, Record<string, unknown>>) => boolean,
  ): Promise<void> {
    for (;;) {
      const run = await runRecord(db, started.syncRunId);
      if (done(run.checkpoint as Record<string, Record<string, unknown>>)) return;
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  it('when the page link expires mid-listing, then the listing starts over and every member is staged once', async () => {
    const { ws, started } = await syncPausedAfterFirstPage();
    await ws.control.expireSkiptokens();
    await ws.control.setFaults({ latencyMs: 0 });
    expect((await started.result()).status).toBe('completed');
    const run = await runRecord(db, started.syncRunId);
    expect(
      (run.checkpoint as { fetchMembers: { restarts: number } }).fetchMembers.restarts,
    ).toBeGreaterThanOrEqual(1);
    expect(run.counts.membersFetched).toBe(ws.tenant.groups[0]!.userCount);
    const rows = await countRows(db, ws.id);
    expect(rows.recipients).toBe(run.counts.recipientsCreated);
    expect(rows.events).toBe(rows.cards);
  });

  it('when a running sync is cancelled, then the activity stops, the run ends canceled and nothing half-written remains', async () => {
    const { ws, started } = await syncPausedAfterFirstPage();
    await started.handle.cancel();
    await expect(started.result()).rejects.toThrow(WorkflowFailedError);
    await ws.control.setFaults({ latencyMs: 0 });
    const run = await runRecord(db, started.syncRunId);
    expect(run.status).toBe('canceled');
    // A first listing applies its members as it pages (support/apply-ahead.ts): what it committed
    // stays, each person whole (recipient, membership, change row, counted), and no card is written.
    const rows = await countRows(db, ws.id);
    expect(rows).toMatchObject({ cards: 0, versions: 0, events: 0 });
    expect(rows.recipients).toBe(run.counts.recipientsCreated ?? 0);
    expect(rows.memberships).toBe(rows.recipients);
    expect(rows.changes).toBe(rows.recipients + (run.counts.skipped ?? 0));
    expect(
      await db
        .selectFrom('syncStagedMembers')
        .select('entraUserId')
        .where('syncRunId', '=', started.syncRunId)
        .execute(),
    ).toEqual([]);
  });
});
