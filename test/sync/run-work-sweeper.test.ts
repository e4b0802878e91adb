import { afterAll, describe, expect, it } from 'vitest';
import { stageUsers } from '../../db/repositories/staged-members';
import { createRunWorkSweeper } from '../../worker/run-work-sweeper';
import { testDb } from '../helpers/stack';
import { insertRunRecord } from './helpers/run-record';

describe('dropping finished runs\u2019 working rows in the background', () => {
  const db = testDb();
  afterAll(() => db.destroy());

  const stagedCount = async (syncRunId: string) =>
    Number(
      (
        await db
          .selectFrom('syncStagedMembers')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('syncRunId', '=', syncRunId)
          .executeTakeFirstOrThrow()
      ).n,
    );
  const stageTwo = (syncRunId: string) =>
    db
      .transaction()
      .execute((trx) => stageUsers(trx, syncRunId, [{ id: 'a' }, { id: 'b' }], { excludeGuests: false }));

  it('when a run has ended, then drop() removes its staged rows after returning, and close() waits for it', async () => {
    const errors: unknown[] = [];
    const sweeper = createRunWorkSweeper(db, (err) => errors.push(err));
    const ended = await insertRunRecord(db, { finished: true });
    await stageTwo(ended);
    sweeper.drop(ended);
    await sweeper.close();
    expect(await stagedCount(ended)).toBe(0);
    expect(errors).toEqual([]);
  });

  it('when a worker left rows behind, then the start-up sweep removes those of ended runs and keeps a running run\u2019s', async () => {
    const sweeper = createRunWorkSweeper(db, (err) => {
      throw err;
    });
    const ended = await insertRunRecord(db, { finished: true });
    const running = await insertRunRecord(db, { finished: false });
    await stageTwo(ended);
    await stageTwo(running);
    await sweeper.sweepLeftovers();
    expect(await stagedCount(ended)).toBe(0);
    expect(await stagedCount(running)).toBe(2);
  });
});
