import { describe, expect, it } from 'vitest';
import { createEntraClient } from '../../graph/entra-client';
import { EntraError } from '../../graph/errors';
import { DEFAULT_GRAPH_LIMITS, type GraphLimits } from '../../contracts/graph-limits';
import { createOutbound } from '../../net/outbound';
import { emulatorOutboundPolicy } from '../helpers/outbound';
import { PLAIN_TRAITS, freshTenant } from './support/emulator';

/** A client with some caps lowered, on its own outbound path (so no token is cached from another test). */
function clientWith(conn: Parameters<typeof createEntraClient>[0], limits: Partial<GraphLimits>) {
  return createEntraClient(conn, createOutbound(emulatorOutboundPolicy()), {
    limits: { ...DEFAULT_GRAPH_LIMITS, ...limits },
    maxThrottleRetries: 10,
  });
}

async function failure(work: Promise<unknown>): Promise<EntraError> {
  const error = await work.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EntraError);
  return error as EntraError;
}

describe('caps on what Graph may send (issue 20, item 2)', () => {
  it('when a member page is larger than GRAPH_MAX_PAGE_BYTES, then the read fails, not retryable, naming the cap', async () => {
    const { tenant, conn } = await freshTenant({ users: 200, traits: PLAIN_TRAITS });
    const client = clientWith(conn, { maxPageBytes: 4096 });
    const error = await failure(
      client.listGroupUsers({
        groupId: tenant.groups[0].id,
        transitive: false,
        select: ['displayName', 'mail'],
      }),
    );
    expect(error).toMatchObject({ code: 'graph_limit_exceeded', retryable: false });
    expect(error.message).toMatch(
      /a Graph page is larger than 4096 bytes: over the cap GRAPH_MAX_PAGE_BYTES/,
    );
    // a small answer under the same cap is fine, and so is the page under the default cap
    await expect(client.getGroup(tenant.groups[0].id)).resolves.toMatchObject({ id: tenant.groups[0].id });
    const page = await clientWith(conn, {}).listGroupUsers({
      groupId: tenant.groups[0].id,
      transitive: false,
      select: [],
    });
    expect(page.items.length).toBeGreaterThan(0);
  });

  it('when a JSON answer (a search page, a $batch) passes the cap, then it fails the same way', async () => {
    const { conn } = await freshTenant({ users: 60, traits: PLAIN_TRAITS });
    const error = await failure(clientWith(conn, { maxPageBytes: 1024 }).searchUsers({ top: 50 }));
    expect(error.code).toBe('graph_limit_exceeded');
    expect(error.message).toMatch(/GRAPH_MAX_PAGE_BYTES/);
  });

  it('when a photo is larger than GRAPH_MAX_PHOTO_BYTES, then reading it fails naming the cap', async () => {
    const { admin, conn } = await freshTenant({ users: 10, traits: { ...PLAIN_TRAITS, photo: 0.01 } });
    const [withPhoto] = await admin.listUsers({ filter: 'photo' });
    const full = await clientWith(conn, {}).getPhoto(withPhoto.id);
    const cap = full!.data.length - 1;
    const error = await failure(clientWith(conn, { maxPhotoBytes: cap }).getPhoto(withPhoto.id));
    expect(error).toMatchObject({ code: 'graph_limit_exceeded', retryable: false });
    expect(error.message).toMatch(
      new RegExp(
        `photo of user ${withPhoto.id} is larger than ${cap} bytes: over the cap GRAPH_MAX_PHOTO_BYTES`,
      ),
    );
  });

  it("when the sign-in host's discovery document is larger than GRAPH_MAX_DISCOVERY_BYTES, then sign-in fails naming the cap", async () => {
    const { tenant, conn } = await freshTenant({ users: 3 });
    const error = await failure(clientWith(conn, { maxDiscoveryBytes: 200 }).getGroup(tenant.groups[0].id));
    expect(error).toMatchObject({ code: 'graph_limit_exceeded', retryable: false });
    expect(error.message).toMatch(/larger than 200 bytes: over the cap GRAPH_MAX_DISCOVERY_BYTES/);
  });

  it('when a delta round follows more links than GRAPH_MAX_PAGES, then the page past the cap fails naming it', async () => {
    const { tenant, conn } = await freshTenant({
      users: 2100,
      traits: PLAIN_TRAITS,
      groups: [{ displayName: 'Big', users: 2100 }],
    });
    const groupId = tenant.groups[0].id;
    const rounds = async (maxPages: number) => {
      const client = clientWith(conn, { maxPages });
      let link: string | null = null;
      let pages = 0;
      for (;;) {
        const page = await client.groupMembersDelta({ groupId, link });
        pages++;
        if (!page.nextLink) return pages;
        link = page.nextLink;
      }
    };
    expect(await rounds(3)).toBe(3);
    const error = await failure(rounds(2));
    expect(error).toMatchObject({ code: 'graph_limit_exceeded', retryable: false });
    expect(error.message).toMatch(
      /membership delta round of group .* has more than 2 pages: over the cap GRAPH_MAX_PAGES/,
    );
  });

  it('when Retry-After waits add up past GRAPH_MAX_RETRY_WAIT_SECONDS, then the next wait fails the call instead of sleeping', async () => {
    const { tenant, admin, conn } = await freshTenant({ users: 3 });
    await admin.setFaults({ throttleRate: 1, retryAfterSeconds: 1 });
    const started = Date.now();
    const error = await failure(
      clientWith(conn, { maxTotalRetryWaitMs: 2500 }).getGroup(tenant.groups[0].id),
    );
    expect(error).toMatchObject({ code: 'graph_limit_exceeded', retryable: false });
    expect(error.message).toMatch(
      /wait \d+ s in all on Retry-After, more than 3 s: over the cap GRAPH_MAX_RETRY_WAIT_SECONDS/,
    );
    // two waits of a second fit in the budget, the third does not
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
    expect((await admin.counters()).requests.group).toBe(3);
  });
});
