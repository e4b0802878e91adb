import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkerMetrics } from '../../worker/metrics';
import { startApiTest, type ApiTestContext } from './support';

describe('metrics the worker reports', () => {
  let t: ApiTestContext;
  beforeAll(async () => {
    t = await startApiTest();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('when the worker counts Graph requests and activity retries, then the API serves them on /metrics', async () => {
    const metrics = createWorkerMetrics(t.db, { flushMs: 60_000 });
    const activity = `probe_${randomUUID().replaceAll('-', '')}`;
    metrics.activityRetry(activity);
    metrics.activityRetry(activity);
    metrics.graphRequest({ path: '/groups', status: 429, throttled: true });
    await metrics.stop();

    const res = await request(t.app).get('/metrics');
    expect(res.status).toBe(200);
    expect(res.text).toMatch(
      new RegExp(`^entra_activity_retries_total\\{activity="${activity}",process="worker"\\} 2$`, 'm'),
    );
    expect(res.text).toMatch(/^entra_graph_requests_total\{status="429",process="worker"\} [1-9]\d*$/m);
    expect(res.text).toMatch(/^entra_graph_throttled_total\{process="worker"\} [1-9]\d*$/m);
  });
});
