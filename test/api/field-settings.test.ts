import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FIELD_SETTINGS } from '../../domain/fields';
import { as, startApiTest, type ApiTestContext } from './support';

describe('field settings', () => {
  let t: ApiTestContext;
  beforeAll(async () => {
    t = await startApiTest();
  });
  afterAll(async () => t?.close());

  it('when the list is replaced, then GET returns exactly the new list in catalogue order, custom fields last', async () => {
    const ws = await t.createWorkspace();
    const api = as(t.app, ws.apiKey);
    const next = [
      {
        field: 'custom.linkedin',
        source: 'onPremisesExtensionAttributes.extensionAttribute3',
        sync: true,
        overwrite: false,
      },
      { field: 'jobTitle', source: 'jobTitle', sync: true, overwrite: false },
      { field: 'email', source: 'userPrincipalName', sync: true, overwrite: true },
      { field: 'businessPhone', source: 'businessPhones[1]', sync: false, overwrite: false },
    ];
    const put = await api.put('/v1/field-settings', next);
    expect(put.status, put.text).toBe(200);
    const expected = [next[2], next[1], next[3], next[0]];
    expect(put.body).toEqual(expected);
    expect((await api.get('/v1/field-settings')).body).toEqual(expected);
  });

  it("when one workspace changes its settings, then another workspace's stay as they were", async () => {
    const a = await t.createWorkspace();
    const b = await t.createWorkspace();
    await as(t.app, a.apiKey).put('/v1/field-settings', [
      { field: 'email', source: 'mail', sync: true, overwrite: false },
    ]);
    expect((await as(t.app, b.apiKey).get('/v1/field-settings')).body).toEqual(DEFAULT_FIELD_SETTINGS);
  });
});
