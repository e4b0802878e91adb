import { createCipheriv, randomBytes, randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { decryptSecret, encryptSecret, sealedKeyId } from '../../config/secret-box';
import { reencryptSecrets } from '../../engine/reencrypt-secrets';
import { testDb } from '../helpers/stack';

const oldKey = { id: 'old', key: randomBytes(32) };
const newKey = { id: 'new', key: randomBytes(32) };

function sealV1(plain: string, key: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return ['v1', ...[iv, cipher.getAuthTag(), data].map((p) => p.toString('base64url'))].join('.');
}

describe('npm run rotate-encryption-key (reencryptSecrets)', () => {
  const db = testDb();
  afterAll(() => db.destroy());

  async function workspaceWithSecret(sealed: (workspaceId: string) => string): Promise<string> {
    const { id } = await db
      .insertInto('workspaces')
      .values({ name: `rotation ${randomUUID()}` })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('entraConnections')
      .values({
        workspaceId: id,
        tenantId: randomUUID(),
        clientId: randomUUID(),
        clientSecretEncrypted: sealed(id),
        authorityHost: 'https://login.microsoftonline.com',
        graphBaseUrl: 'https://graph.microsoft.com',
      })
      .execute();
    return id;
  }

  it('when the ring gets a new first key, then every secret is re-encrypted under it and opens with the new key alone', async () => {
    const underOld = await workspaceWithSecret((ws) => encryptSecret(`secret-${ws}`, { keys: [oldKey] }, ws));
    const legacy = await workspaceWithSecret((ws) => sealV1(`secret-${ws}`, oldKey.key));
    const unreadable = await workspaceWithSecret((ws) => encryptSecret('lost', randomBytes(32), ws));
    const ring = { keys: [newKey, oldKey] };

    const summary = await reencryptSecrets(db, ring);
    expect(summary.reencrypted).toBeGreaterThanOrEqual(2);
    expect(summary.unreadable).toContain(unreadable);

    const rows = await db
      .selectFrom('entraConnections')
      .select(['workspaceId', 'clientSecretEncrypted'])
      .where('workspaceId', 'in', [underOld, legacy, unreadable])
      .execute();
    for (const row of rows.filter((r) => r.workspaceId !== unreadable)) {
      expect(sealedKeyId(row.clientSecretEncrypted)).toBe('new');
      expect(decryptSecret(row.clientSecretEncrypted, { keys: [newKey] }, row.workspaceId)).toBe(
        `secret-${row.workspaceId}`,
      );
    }
    // what no key opens is left as it was, for the operator to deal with
    expect(sealedKeyId(rows.find((r) => r.workspaceId === unreadable)!.clientSecretEncrypted)).toBe(
      'default',
    );

    // a second run has nothing left to do for these workspaces
    const again = await reencryptSecrets(db, ring);
    expect(again.unreadable).toContain(unreadable);
    expect(again.current).toBeGreaterThanOrEqual(2);
  });

  it("when the ring gets a new first key, then webhook signing secrets, the current and a rotation's previous one, are re-encrypted too", async () => {
    const ws = await workspaceWithSecret((id) => encryptSecret('entra', { keys: [newKey] }, id));
    const { id: endpointId } = await db
      .insertInto('webhookEndpoints')
      .values({
        workspaceId: ws,
        url: 'https://hooks.example.com/',
        events: ['*'],
        description: null,
        secretEncrypted: encryptSecret('whsec_current', { keys: [oldKey] }, ws),
        previousSecretEncrypted: encryptSecret('whsec_previous', { keys: [oldKey] }, ws),
        cursorXid: '0',
      })
      .returning('id')
      .executeTakeFirstOrThrow();

    await reencryptSecrets(db, { keys: [newKey, oldKey] });

    const row = await db
      .selectFrom('webhookEndpoints')
      .select(['secretEncrypted', 'previousSecretEncrypted'])
      .where('id', '=', endpointId)
      .executeTakeFirstOrThrow();
    expect(decryptSecret(row.secretEncrypted, { keys: [newKey] }, ws)).toBe('whsec_current');
    expect(decryptSecret(row.previousSecretEncrypted!, { keys: [newKey] }, ws)).toBe('whsec_previous');
  });
});
