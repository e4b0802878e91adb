import { afterAll, describe, expect, it } from 'vitest';
import { stageUsers } from '../../db/repositories/staged-members';
import { testDb } from '../helpers/stack';
import { insertRunRecord } from './helpers/run-record';

describe('staging a page of Graph users', () => {
  const db = testDb();
  afterAll(() => db.destroy());

  const stagedOf = (syncRunId: string) =>
    db
      .selectFrom('syncStagedMembers')
      .select(['entraUserId', 'change', 'outcome', 'data'])
      .where('syncRunId', '=', syncRunId)
      .orderBy('entraUserId')
      .execute();

  it('when a user is listed twice, in one page or across pages, then the user is staged once and the page still commits', async () => {
    const runId = await insertRunRecord(db, { finished: false });
    const user = (id: string, jobTitle: string) => ({ id, jobTitle, userType: 'Member' });
    const added = await db.transaction().execute(async (trx) => {
      const first = await stageUsers(trx, runId, [user('a', 'one'), user('b', 'one'), user('a', 'again')], {
        excludeGuests: true,
      });
      const second = await stageUsers(trx, runId, [user('b', 'two'), user('c', 'one')], {
        excludeGuests: true,
      });
      return [first, second];
    });
    expect(added).toEqual([
      { added: 2, passedOver: 0 },
      { added: 1, passedOver: 0 },
    ]);
    const rows = await stagedOf(runId);
    expect(rows.map((r) => r.entraUserId)).toEqual(['a', 'b', 'c']);
    expect(rows.find((r) => r.entraUserId === 'b')!.data).toMatchObject({ jobTitle: 'one' });
  });

  it('when the group leaves guests out, then a guest is staged as removed with the excluded_guest outcome', async () => {
    const runId = await insertRunRecord(db, { finished: false });
    await db.transaction().execute((trx) =>
      stageUsers(
        trx,
        runId,
        [
          { id: 'g', userType: 'Guest' },
          { id: 'm', userType: 'Member' },
        ],
        {
          excludeGuests: true,
        },
      ),
    );
    expect(await stagedOf(runId)).toMatchObject([
      { entraUserId: 'g', change: 'removed', outcome: 'excluded_guest' },
      { entraUserId: 'm', change: 'present', outcome: null },
    ]);
  });
});
