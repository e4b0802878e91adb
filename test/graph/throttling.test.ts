import { describe, expect, it } from 'vitest';
import { emulatorOutbound } from '../helpers/outbound';
import { createEntraClient } from '../../graph/entra-client';
import { EntraError } from '../../graph/errors';
import { PLAIN_TRAITS, freshTenant } from './support/emulator';

describe('throttling: our middleware is the only retry layer and honours Retry-After', () => {
  it('when 20% of requests get 429 with Retry-After 1, then a 2,500-user listing and $batch reads complete with 0 early retries', async () => {
    const { tenant, admin, conn } = await freshTenant({
      seed: 3,
      users: 2500,
      traits: PLAIN_TRAITS,
      groups: [{ displayName: 'Big', users: 'all' }],
    });
    await admin.setFaults({ throttleRate: 0.2, retryAfterSeconds: 1 });
    const client = createEntraClient(conn, emulatorOutbound());

    const ids: string[] = [];
    let nextLink: string | null = null;
    do {
      const page = await client.listGroupUsers({
        groupId: tenant.groups[0].id,
        transitive: false,
        select: [],
        nextLink,
      });
      ids.push(...page.items.map((u) => u.id));
      nextLink = page.nextLink;
    } while (nextLink);
    const byId = await client.getUsersByIds(ids.slice(0, 20), ['displayName']);

    expect(ids).toHaveLength(2500);
    expect([...byId.values()].every((u) => u !== null)).toBe(true);
    const counters = await admin.counters();
    expect(counters.throttled).toBeGreaterThan(0);
    expect(counters.earlyRetries).toBe(0);
  });

  it('when Graph keeps answering 429, then the call gives up after maxThrottleRetries with a retryable throttled error', async () => {
    const { tenant, admin, conn } = await freshTenant({ users: 3 });
    await admin.setFaults({ throttleRate: 1, retryAfterSeconds: 1 });
    const started = Date.now();
    const error = await createEntraClient(conn, emulatorOutbound(), { maxThrottleRetries: 2 })
      .getGroup(tenant.groups[0].id)
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(EntraError);
    expect((error as EntraError).code).toBe('throttled');
    expect((error as EntraError).retryable).toBe(true);
    expect((error as EntraError).retryAfterMs).toBe(1000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
    const counters = await admin.counters();
    expect(counters.requests.group).toBe(3);
    expect(counters.earlyRetries).toBe(0);
  });

  it('when Retry-After is longer than the client may sleep, then it fails at once and hands the wait to the caller', async () => {
    const { tenant, admin, conn } = await freshTenant({ users: 3 });
    await admin.setFaults({ throttleRate: 1, retryAfterSeconds: 120 });
    const error = (await createEntraClient(conn, emulatorOutbound())
      .getGroup(tenant.groups[0].id)
      .catch((e: unknown) => e)) as EntraError;

    expect(error.code).toBe('throttled');
    expect(error.retryAfterMs).toBe(120_000);
    expect((await admin.counters()).requests.group).toBe(1);
  });

  it('when Graph is briefly unavailable (503), then the request is retried and succeeds', async () => {
    // the fault dice are seeded per tenant: with seed 1 the second Graph request gets the 503
    const { tenant, admin, conn } = await freshTenant({ seed: 1, users: 3 });
    await admin.setFaults({ unavailableRate: 0.3, retryAfterSeconds: 1 });
    const client = createEntraClient(conn, emulatorOutbound());
    for (let i = 0; i < 3; i++) await client.getGroup(tenant.groups[0].id);
    const counters = await admin.counters();
    expect(counters.unavailable).toBeGreaterThan(0);
    expect(counters.requests.group).toBe(3 + counters.unavailable);
    expect(counters.earlyRetries).toBe(0);
  });

  it('when a sync runs in the background, then every request says x-ms-throttle-priority: low and the metrics hook sees each attempt', async () => {
    // seed 7: the first and third Graph requests are throttled
    const { tenant, admin, conn } = await freshTenant({ seed: 7, users: 5 });
    await admin.setFaults({ throttleRate: 0.3, retryAfterSeconds: 1 });
    const seen: { path: string; status: number; throttled: boolean }[] = [];
    const client = createEntraClient(conn, emulatorOutbound(), {
      background: true,
      onRequest: (info) => seen.push(info),
    });
    await client.getGroup(tenant.groups[0].id);
    await client.listGroupUsers({ groupId: tenant.groups[0].id, transitive: false, select: [] });

    const log = await admin.requests();
    expect(log.length).toBe(seen.length);
    expect(log.every((r) => r.headers['x-ms-throttle-priority'] === 'low')).toBe(true);
    expect(seen.map((s) => s.path)).toContain('/v1.0/groups/{id}/members/microsoft.graph.user');
    expect(seen.filter((s) => s.throttled).length).toBe(2);
    expect((await admin.counters()).throttled).toBe(2);
  });
});
