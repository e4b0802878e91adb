import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDb, testTemporalClient, startTestWorker, type RunningTestWorker } from '../helpers/stack';
import { startCrashingWorker } from './helpers/crash-worker-process';
import { countRows, workspaceState } from './helpers/snapshot';
import {
  createWorkspace,
  linkGroup,
  runRecord,
  startGroupSync,
  testActivities,
  testEncryptionKey,
} from './helpers/sync-fixture';

/** The issue asks for 20,000; the default keeps the suite quick on a 2-core machine (SYNC_TEST_MEMBERS=20000 for the full size). */
const MEMBERS = Number(process.env.SYNC_TEST_MEMBERS ?? 3000);
const directory = (seed: number, users: number) => ({
  seed,
  users,
  groups: [{ displayName: 'Everyone', users: 'all' as const, nonUserMembers: 2 }],
});

describe(`a ${MEMBERS}-member group`, () => {
  const db = testDb();
  const key = testEncryptionKey();
  let worker: RunningTestWorker;
  let temporal: Awaited<ReturnType<typeof testTemporalClient>>;
  let clean: { workspaceId: string; historyLength: number };

  beforeAll(async () => {
    temporal = await testTemporalClient();
    worker = await startTestWorker({ activities: testActivities(db, key) });
  });
  afterAll(async () => {
    await worker?.stop();
    await temporal?.close();
    await db.destroy();
  });

  async function cleanRun(seed: number, users: number) {
    const ws = await createWorkspace(db, key, directory(seed, users));
    const groupId = await linkGroup(db, ws.id, ws.tenant.groups[0]!.id);
    const started = await startGroupSync(db, temporal.client, worker.taskQueue, ws.id, groupId);
    await started.result();
    const history = await started.handle.fetchHistory();
    return {
      ws,
      groupId,
      run: await runRecord(db, started.syncRunId),
      historyLength: history.events!.length,
    };
  }

  it('when synced cleanly, then every user member is staged and applied, in a history as long as a 10-member group’s', async () => {
    const big = await cleanRun(77, MEMBERS);
    expect(big.run.status).toBe('completed');
    expect(big.run.counts.membersFetched).toBe(big.ws.tenant.groups[0]!.userCount);
    const small = await cleanRun(78, 10);
    expect(small.run.counts.membersFetched).toBe(small.ws.tenant.groups[0]!.userCount);
    expect(big.historyLength).toBe(small.historyLength);
    clean = { workspaceId: big.ws.id, historyLength: big.historyLength };
  }, 300_000);

  it('when the worker is SIGKILLed mid fetchMembers (while it applies ahead) and again mid updateCards, then a new worker ends in the clean state without duplicates', async () => {
    expect(clean).toBeDefined();
    const ws = await createWorkspace(db, key, directory(77, MEMBERS));
    const groupId = await linkGroup(db, ws.id, ws.tenant.groups[0]!.id);
    const taskQueue = `crash-${randomUUID()}`;
    const checkpoint = async () =>
      (await runRecord(db, started.syncRunId)).checkpoint as Record<string, Record<string, unknown>>;

    const first = await startCrashingWorker({
      taskQueue,
      encryptionKey: key,
      activity: 'fetchMembers',
      // The first page's staging, then its members applied ahead or the second page's staging.
      atTransaction: 3,
    });
    const started = await startGroupSync(db, temporal.client, taskQueue, ws.id, groupId);
    expect(await first.exited).toBe('SIGKILL');
    expect((await checkpoint()).fetchMembers).toMatchObject({ done: false, applyAhead: true });

    // A first sync applies most members while listing; the card write is the other long phase.
    const second = await startCrashingWorker({
      taskQueue,
      encryptionKey: key,
      activity: 'updateCards',
      // After the queue's fill, two lanes of card chunks: the fourth waits for one to commit.
      atTransaction: 4,
    });
    expect(await second.exited).toBe('SIGKILL');
    expect((await checkpoint()).fetchMembers).toMatchObject({ done: true });
    expect((await checkpoint()).updateCards).toMatchObject({ done: false });
    expect((await countRows(db, ws.id)).cards).toBeGreaterThan(0);

    const survivor = await startTestWorker({ activities: testActivities(db, key), taskQueue });
    try {
      expect((await started.result()).status).toBe('completed');
    } finally {
      await survivor.stop();
    }

    const [crashed, reference] = await Promise.all([
      workspaceState(db, ws.id),
      workspaceState(db, clean.workspaceId),
    ]);
    expect(crashed.recipients.length).toBeGreaterThan(MEMBERS * 0.8);
    expect(crashed.recipients).toEqual(reference.recipients);
    expect(crashed.memberships).toEqual(reference.memberships);
    expect(crashed.cards).toEqual(reference.cards);
    expect(crashed.versions).toEqual(reference.versions);
    expect(crashed.events).toEqual(reference.events);
    expect(crashed.changes).toEqual(reference.changes);
    expect(crashed.events).toHaveLength(crashed.cards.length);
    const run = await runRecord(db, started.syncRunId);
    const referenceRun = await db
      .selectFrom('syncRuns')
      .select('counts')
      .where('workspaceId', '=', clean.workspaceId)
      .executeTakeFirstOrThrow();
    expect(run.counts).toEqual(referenceRun.counts);
  }, 300_000);
});
