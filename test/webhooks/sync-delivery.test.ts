import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encryptSecret } from '../../config/secret-box';
import { createEndpoint } from '../../db/repositories/webhook-endpoints';
import { newWebhookSecret } from '../../domain/webhook-signature';
import { CLEAN, useSyncStack } from '../sync/helpers/sync-stack';
import { createWorkspace, linkGroup, syncGroup } from '../sync/helpers/sync-fixture';
import { eventually, startReceiver, type Receiver } from './receiver';
import { policyWith, startTestDispatcher } from './support';

/** The whole path: Entra → a group sync → card events → a signed POST to the workspace's receiver. */
describe("a sync's cards reach a webhook receiver", () => {
  const stack = useSyncStack();
  const { db, key } = stack;
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(async () => receiver.close());

  it('when a group syncs and a job title changes in Entra, then the receiver gets each card once as created and the changed card as updated, all signed', async () => {
    const ws = await createWorkspace(db, key, {
      seed: 2101,
      users: 12,
      traits: CLEAN,
      groups: [{ displayName: 'Sales', users: 'all' }],
    });
    const secret = newWebhookSecret();
    await createEndpoint(db, {
      workspaceId: ws.id,
      url: receiver.url,
      events: ['card.*'],
      description: null,
      secretEncrypted: encryptSecret(secret, key, ws.id),
    });
    const dispatcher = startTestDispatcher(db, policyWith(receiver.host), [ws.id], { keys: key });
    try {
      const entraGroupId = ws.tenant.groups[0]!.id;
      const groupId = await linkGroup(db, ws.id, entraGroupId);
      await syncGroup(db, stack.temporal.client, stack.worker.taskQueue, ws.id, groupId);
      await eventually(() => receiver.received.length === 12, '12 card.created arrive');
      expect(new Set(receiver.received.map((r) => r.json.type))).toEqual(new Set(['card.created']));
      expect(new Set(receiver.received.map((r) => r.json.data.id)).size).toBe(12);

      const [user] = await ws.control.listUsers({ limit: 1 });
      await ws.control.updateUser(user!.id, { jobTitle: 'Chief Webhook Officer' });
      await syncGroup(db, stack.temporal.client, stack.worker.taskQueue, ws.id, groupId);
      await eventually(() => receiver.received.length === 13, 'the card.updated arrives');
      const updated = receiver.received[12]!;
      expect(updated.json.type).toBe('card.updated');
      expect(updated.json.data).toMatchObject({
        version: 2,
        status: 'active',
        publicUrl: expect.stringMatching(/\/c\//),
      });
      expect(JSON.stringify(updated.json.data.content)).toContain('Chief Webhook Officer');
      for (const r of receiver.received)
        expect(
          new Webhook(secret).verify(r.body, {
            'webhook-id': r.id,
            'webhook-timestamp': r.timestamp,
            'webhook-signature': r.signature,
          }),
        ).toEqual(r.json);
    } finally {
      await dispatcher.stop();
    }
  });
});
