import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  as,
  createTenant,
  linkTenant,
  startScheduleTest,
  type ScheduleTestStack,
} from '../schedules/support';

/**
 * Issue 19: a run record reads completed just before its workflow closes, so a start right after
 * met the still-open workflow id with no unfinished record and answered 409 with a null syncRunId.
 */
describe('back-to-back group syncs', () => {
  let stack: ScheduleTestStack;

  beforeAll(async () => {
    stack = await startScheduleTest({ worker: true });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('when 20 syncs of one group are started back to back, each as soon as the previous reads completed, then every start answers 202', async () => {
    const ws = await stack.createWorkspace();
    const api = as(stack.app, ws.apiKey);
    const [groupId] = await linkTenant(stack.app, ws.apiKey, await createTenant([3]));
    const seen: string[] = [];
    for (let i = 0; i < 20; i++) {
      const res = await api.post(`/v1/groups/${groupId}/sync`);
      // A 409 must name the run it collided with; here none may collide at all.
      if (res.status === 409) expect(res.body.syncRunId).toEqual(expect.any(String));
      expect({ start: i + 1, status: res.status, body: res.body }).toMatchObject({ status: 202 });
      const syncRunId: string = res.body.syncRunId;
      seen.push(syncRunId);
      const status = await finishedStatus(api, syncRunId);
      expect({ start: i + 1, status }).toEqual({ start: i + 1, status: 'completed' });
    }
    expect(new Set(seen).size).toBe(20);
  }, 600_000);
});

/** Polls the run without pause, so the next start follows its completion as closely as a client can. */
async function finishedStatus(api: ReturnType<typeof as>, syncRunId: string): Promise<string> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const run = await api.get(`/v1/sync-runs/${syncRunId}`);
    expect(run.status).toBe(200);
    if (run.body.status !== 'running') return run.body.status as string;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`run ${syncRunId} did not finish within 60 s`);
}
