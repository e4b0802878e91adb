import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyUsers, type ApplyScope } from '../../engine/apply-users';
import type { Db } from '../../db/database';
import {
  isWriteConflict,
  loadRecipientsByEntraIds,
  RecipientChangedMeanwhile,
  updateRecipients,
} from '../../db/repositories/recipient-writes';
import { loadSyncFieldSettings } from '../../db/repositories/field-settings';
import { testDb } from '../helpers/stack';
import { insertRunRecord } from './helpers/run-record';

/**
 * applyFieldSettings writes two chunks at once under a shared lock; these are the conflicts that
 * can meet, played out by hand on the real database.
 */
describe('apply chunks written alongside each other', () => {
  let db: Db;
  beforeAll(() => {
    db = testDb();
  });
  afterAll(async () => db?.destroy());

  async function setUp(): Promise<ApplyScope> {
    const syncRunId = await insertRunRecord(db, { finished: false });
    const { workspaceId } = await db
      .selectFrom('syncRuns')
      .select('workspaceId')
      .where('id', '=', syncRunId)
      .executeTakeFirstOrThrow();
    const settings = await loadSyncFieldSettings(db, workspaceId);
    return { workspaceId, syncRunId, groupId: null, settings, skipNewDisabled: true };
  }
  const user = (email: string, displayName = 'Ada') => ({
    id: randomUUID(),
    mail: email,
    userPrincipalName: email,
    displayName,
    accountEnabled: true,
  });
  const apply = (scope: ApplyScope, users: ReturnType<typeof user>[], lock: 'shared' | 'exclusive') =>
    db
      .transaction()
      .execute((trx) => applyUsers(trx, scope, users, { photos: new Map(), sourceHashes: new Map(), lock }));

  it('when a recipient changed after it was read, then the write refuses to overwrite it', async () => {
    const scope = await setUp();
    const ada = user(`ada-${randomUUID()}@example.com`);
    await apply(scope, [ada], 'exclusive');
    const [read] = await loadRecipientsByEntraIds(db, scope.workspaceId, [ada.id]);
    await db
      .updateTable('recipients')
      .set({ jobTitle: 'edited meanwhile' })
      .where('id', '=', read!.id)
      .execute();

    const stale = { ...read!, values: { ...read!.values, displayName: 'Ada from an old read' } };
    const error = await updateRecipients(db, [stale]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RecipientChangedMeanwhile);
    expect(isWriteConflict(error)).toBe(true);
    const row = await db
      .selectFrom('recipients')
      .selectAll()
      .where('id', '=', read!.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ jobTitle: 'edited meanwhile', displayName: 'Ada' });
  });

  it('when two chunks running at once create people with the same email, then the second fails as a conflict and, written again alone, skips its person', async () => {
    const scope = await setUp();
    const email = `shared-${randomUUID()}@example.com`;
    const first = user(email, 'First');
    const second = user(email, 'Second');
    let secondOutcome: Promise<unknown> = Promise.resolve();
    await db.transaction().execute(async (trx) => {
      await applyUsers(trx, scope, [first], { photos: new Map(), sourceHashes: new Map(), lock: 'shared' });
      // The shared lock lets the second chunk in; its insert waits on the first one's email.
      secondOutcome = apply(scope, [second], 'shared').catch((e: unknown) => e);
      await new Promise((resolve) => setTimeout(resolve, 300));
    });
    const error = await secondOutcome;
    expect(isWriteConflict(error)).toBe(true);

    expect(await apply(scope, [second], 'exclusive')).toMatchObject({ skipped: 1 });
    const owners = await db
      .selectFrom('recipients')
      .select(['entraUserId', 'displayName'])
      .where('workspaceId', '=', scope.workspaceId)
      .execute();
    expect(owners).toEqual([{ entraUserId: first.id, displayName: 'First' }]);
  });
});
