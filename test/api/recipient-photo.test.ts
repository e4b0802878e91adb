import { createHash } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_PHOTO_BYTES } from '../../domain/photo-upload';
import { as, expectProblem, startApiTest, type ApiTestContext } from './support';

const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415478da63f8cfc000000301010018dd8db00000000049454e44ae426082',
  'hex',
);
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(64, 7)]);
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const asBuffer = (r: request.Request) =>
  r.buffer(true).parse((res, cb) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => cb(null, Buffer.concat(chunks)));
  });

describe('recipient photo upload', () => {
  let t: ApiTestContext;
  let api: ReturnType<typeof as>;
  let apiKey: string;

  beforeAll(async () => {
    t = await startApiTest();
    const ws = await t.createWorkspace();
    apiKey = ws.apiKey;
    api = as(t.app, apiKey);
  });
  afterAll(async () => t?.close());

  const upload = (id: string, type: string, data: Buffer) =>
    request(t.app)
      .put(`/v1/recipients/${id}/photo`)
      .set('Authorization', `Bearer ${apiKey}`)
      .set('Content-Type', type)
      .send(data);
  const newRecipient = async () =>
    (await api.post('/v1/recipients', { email: `${Math.random().toString(36).slice(2)}@example.com` })).body
      .id as string;

  it('when a PNG is uploaded, then it is stored by hash, locked against the sync, recorded, and served with an ETag', async () => {
    const id = await newRecipient();
    const res = await upload(id, 'image/png', PNG);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ photo: { contentHash: sha256(PNG) }, lockedFields: ['photo'] });

    const got = await asBuffer(api.get(`/v1/recipients/${id}/photo`));
    expect(got.status).toBe(200);
    expect(got.headers['content-type']).toBe('image/png');
    expect(got.headers.etag).toBe(`"${sha256(PNG)}"`);
    expect((got.body as Buffer).equals(PNG)).toBe(true);
    const cached = await api.get(`/v1/recipients/${id}/photo`).set('If-None-Match', `"${sha256(PNG)}"`);
    expect(cached.status).toBe(304);
    expect(cached.text ?? '').toBe('');
    const stale = await api.get(`/v1/recipients/${id}/photo`).set('If-None-Match', '"something-else"');
    expect(stale.status).toBe(200);

    const changes = (await api.get(`/v1/recipients/${id}/changes`)).body.items;
    expect(changes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ action: 'photo', field: 'photo', newValue: sha256(PNG), source: 'manual' }),
        expect.objectContaining({ field: 'lockedFields', newValue: 'photo', source: 'manual' }),
      ]),
    );
  });

  it('when a JPEG replaces it and is then deleted, then each step is stored and recorded, and the lock stays', async () => {
    const id = await newRecipient();
    await upload(id, 'image/png', PNG).expect(200);
    const jpeg = await upload(id, 'image/jpeg; charset=binary', JPEG);
    expect(jpeg.status, jpeg.text).toBe(200);
    expect(jpeg.body.photo).toEqual({ contentHash: sha256(JPEG) });
    expect((await api.get(`/v1/recipients/${id}/photo`)).headers['content-type']).toBe('image/jpeg');

    const del = await api.delete(`/v1/recipients/${id}/photo`);
    expect(del.status).toBe(204);
    expectProblem(await api.get(`/v1/recipients/${id}/photo`), 404);
    expect((await api.get(`/v1/recipients/${id}`)).body).toMatchObject({
      photo: null,
      lockedFields: ['photo'],
    });
    await api.delete(`/v1/recipients/${id}/photo`).expect(204);
    const photoChanges = (await api.get(`/v1/recipients/${id}/changes`)).body.items
      .filter((c: { action: string }) => c.action === 'photo')
      .map((c: { oldValue: string | null; newValue: string | null }) => [c.oldValue, c.newValue]);
    expect(photoChanges).toEqual([
      [null, sha256(PNG)],
      [sha256(PNG), sha256(JPEG)],
      [sha256(JPEG), null],
    ]);
  });

  it('when bytes and type disagree, or the size is at and over the limit, then 415, 200 and 413', async () => {
    const id = await newRecipient();
    expectProblem(await upload(id, 'image/png', JPEG), 415);
    expectProblem(await upload(id, 'image/gif', Buffer.from('GIF89a')), 415);
    const atLimit = Buffer.concat([JPEG, Buffer.alloc(MAX_PHOTO_BYTES - JPEG.length)]);
    expect((await upload(id, 'image/jpeg', atLimit)).status).toBe(200);
    expectProblem(await upload(id, 'image/jpeg', Buffer.concat([atLimit, Buffer.from([0])])), 413);
    expect((await api.get(`/v1/recipients/${id}`)).body.photo).toEqual({ contentHash: sha256(atLimit) });
  });
});
