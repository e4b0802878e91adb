import { describe, expect, it } from 'vitest';
import { applyManualEdit } from '../../db/repositories/recipients';
import { setManualPhoto } from '../../db/repositories/manual-photo';
import { uploadedPhoto } from '../../domain/photo-upload';
import { applyManualStatus } from '../../engine/manual-status';
import { CLEAN, useSyncStack } from './helpers/sync-stack';
import { cardOf, recipientByEntraId } from './helpers/snapshot';
import { createWorkspace, linkGroup, runRecord, startRecipientSync, syncGroup } from './helpers/sync-fixture';

const PNG_1 = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415478da63f8cfc000000301010018dd8db00000000049454e44ae426082',
  'hex',
);
const PNG_2 = Buffer.concat([PNG_1, Buffer.from([0])]);

describe('what an admin set by hand, under sync', () => {
  const stack = useSyncStack();
  const { db, key } = stack;

  async function team(seed: number) {
    const ws = await createWorkspace(db, key, {
      seed,
      users: 2,
      traits: CLEAN,
      groups: [{ displayName: 'Team', users: 'all' }],
    });
    const groupId = await linkGroup(db, ws.id, ws.tenant.groups[0]!.id, {
      cardTemplate: { fields: ['displayName', 'photo'], company: {} },
    });
    await syncGroup(db, stack.temporal.client, stack.worker.taskQueue, ws.id, groupId);
    const users = await ws.control.listUsers({ limit: 2 });
    const people = await Promise.all(users.map(async (u) => (await recipientByEntraId(db, ws.id, u.id))!));
    return { ws, groupId, users, people };
  }

  it('when an admin deactivated a member, then a group sync leaves them deactivated while one the sync deactivated comes back', async () => {
    const t = await team(61);
    const [manual, bySync] = t.people;
    expect(await applyManualStatus(db, t.ws.id, manual!.id, 'deactivate')).toEqual({ kind: 'changed' });
    await db
      .updateTable('recipients')
      .set({ status: 'deactivated', statusReason: 'entra_disabled' })
      .where('id', '=', bySync!.id)
      .execute();

    const run = await syncGroup(db, stack.temporal.client, stack.worker.taskQueue, t.ws.id, t.groupId, {
      full: true,
    });
    expect(run.status).toBe('completed');
    expect(await recipientByEntraId(db, t.ws.id, t.users[0]!.id)).toMatchObject({
      status: 'deactivated',
      statusReason: 'manual_deactivated',
    });
    expect(await cardOf(db, manual!.id, t.groupId)).toMatchObject({ status: 'deactivated' });
    expect(await recipientByEntraId(db, t.ws.id, t.users[1]!.id)).toMatchObject({ status: 'active' });
  });

  it('when an admin uploaded a photo, then a full recipient sync keeps it over Entra’s until the lock is removed', async () => {
    const t = await team(62);
    const [person] = t.people;
    const user = t.users[0]!;
    const upload = uploadedPhoto(person!.id, 'image/png', PNG_1);
    expect(await setManualPhoto(db, t.ws.id, person!.id, upload)).toBe(true);
    await t.ws.control.setPhoto(user.id, { contentType: 'image/png', data: PNG_2 });
    const sync = async () => {
      const started = await startRecipientSync(
        db,
        stack.temporal.client,
        stack.worker.taskQueue,
        t.ws.id,
        person!.id,
        'full',
      );
      await started.result();
      return runRecord(db, started.syncRunId);
    };
    const photoData = async () =>
      (
        await db
          .selectFrom('recipientPhotos as ph')
          .innerJoin('photoBlobs as b', 'b.contentHash', 'ph.contentHash')
          .select('b.data')
          .where('ph.recipientId', '=', person!.id)
          .executeTakeFirstOrThrow()
      ).data;

    expect((await sync()).status).toBe('completed');
    expect(await recipientByEntraId(db, t.ws.id, user.id)).toMatchObject({
      photoHash: upload.contentHash,
      lockedFields: ['photo'],
    });
    expect((await photoData()).equals(PNG_1)).toBe(true);
    expect(await cardOf(db, person!.id, t.groupId)).toMatchObject({
      content: { photo: { contentHash: upload.contentHash } },
    });

    await applyManualEdit(db, t.ws.id, person!.id, { fields: {}, lockedFields: [] });
    await sync();
    expect((await photoData()).equals(PNG_2)).toBe(true);
  });
});
