import { describe, expect, it } from 'vitest';
import { DEFAULT_FIELD_SETTINGS } from '../../domain/fields';
import { DEFAULT_GRAPH_LIMITS } from '../../contracts/graph-limits';
import { CLEAN, useSyncStack } from './helpers/sync-stack';
import {
  createWorkspace,
  linkGroup,
  runRecord,
  saveFieldSettings,
  startGroupSync,
} from './helpers/sync-fixture';

const NO_PHOTO = DEFAULT_FIELD_SETTINGS.filter((s) => s.field !== 'photo');

/** Issue 20, item 2, on the real stack: each cap ends the run `failed` with a message naming it. */
function useFailedRun(stack: ReturnType<typeof useSyncStack>) {
  return async (opts: {
    seed: number;
    users: number;
    photos: boolean;
    before?: (workspaceId: string) => Promise<void>;
  }) => {
    const { db, key } = stack;
    const ws = await createWorkspace(db, key, {
      seed: opts.seed,
      users: opts.users,
      traits: { ...CLEAN, photo: opts.photos ? 1 : 0 },
      groups: [{ displayName: 'All', users: 'all' }],
    });
    if (!opts.photos) await saveFieldSettings(db, ws.id, NO_PHOTO);
    await opts.before?.(ws.id);
    const groupId = await linkGroup(db, ws.id, ws.tenant.groups[0]!.id);
    const started = await startGroupSync(db, stack.temporal.client, stack.worker.taskQueue, ws.id, groupId);
    await started.result().catch(() => undefined);
    return runRecord(db, started.syncRunId);
  };
}

describe('a run against a Graph that sends pages over GRAPH_MAX_PAGE_BYTES', () => {
  const stack = useSyncStack({ graphLimits: { ...DEFAULT_GRAPH_LIMITS, maxPageBytes: 16 * 1024 } });
  const syncOnce = useFailedRun(stack);

  it('when a member page is larger than the cap, then the run fails naming GRAPH_MAX_PAGE_BYTES', async () => {
    const run = await syncOnce({ seed: 2001, users: 300, photos: false });
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ code: 'graph_limit_exceeded' });
    expect(run.error!.message).toMatch(/larger than 16384 bytes: over the cap GRAPH_MAX_PAGE_BYTES/);
  });

  it('when the stored connection points where the outbound policy refuses, then the run fails as outbound_refused', async () => {
    const run = await syncOnce({
      seed: 2002,
      users: 3,
      photos: false,
      before: async (workspaceId) => {
        await stack.db
          .updateTable('entraConnections')
          .set({ authorityHost: 'https://169.254.169.254', graphBaseUrl: 'https://169.254.169.254' })
          .where('workspaceId', '=', workspaceId)
          .execute();
      },
    });
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ code: 'outbound_refused' });
    expect(run.error!.message).toMatch(/outbound rule public_address: 169\.254\.169\.254 is refused/);
  });
});

describe('a run against a Graph that sends photos over GRAPH_MAX_PHOTO_BYTES', () => {
  const stack = useSyncStack({ graphLimits: { ...DEFAULT_GRAPH_LIMITS, maxPhotoBytes: 100 } });
  const syncOnce = useFailedRun(stack);

  it('when a photo is larger than the cap, then the run fails naming GRAPH_MAX_PHOTO_BYTES', async () => {
    const run = await syncOnce({ seed: 2003, users: 5, photos: true });
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ code: 'graph_limit_exceeded' });
    expect(run.error!.message).toMatch(
      /photo of user .* is larger than 100 bytes: over the cap GRAPH_MAX_PHOTO_BYTES/,
    );
  });
});

describe('a run whose member listing has more pages than GRAPH_MAX_PAGES', () => {
  const stack = useSyncStack({ graphLimits: { ...DEFAULT_GRAPH_LIMITS, maxPages: 2 } });
  const syncOnce = useFailedRun(stack);

  it('when the listing has 3 pages and the cap is 2, then the run fails naming GRAPH_MAX_PAGES', async () => {
    const run = await syncOnce({ seed: 2004, users: 2500, photos: false });
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ code: 'graph_limit_exceeded' });
    expect(run.error!.message).toMatch(/has more than 2 pages: over the cap GRAPH_MAX_PAGES/);
  });

  it('when the listing has exactly 2 pages, then the run completes', async () => {
    const run = await syncOnce({ seed: 2005, users: 1500, photos: false });
    expect(run.status).toBe('completed');
    expect(run.counts.membersFetched).toBe(1500);
  });
});
