import type { Client, WorkflowHandleWithFirstExecutionRunId as WorkflowHandle } from '@temporalio/client';
import { randomBytes, randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { createActivities, type SyncActivities } from '../../../activities';
import { encryptSecret } from '../../../config/secret-box';
import type { Db } from '../../../db/database';
import type { CardTemplate } from '../../../domain/card';
import type { SyncOptions } from '../../../domain/sync-options';
import {
  createEmulatorControl,
  type CreateTenantInput,
  type EmulatedTenant,
} from '../../../emulator/control-client';
import type { GraphLimits } from '../../../contracts/graph-limits';
import { emulatorEntraClientFor } from '../../helpers/outbound';
import { DEFAULT_CARD_TEMPLATE } from '../../../domain/card';
import { DEFAULT_SYNC_OPTIONS } from '../../../domain/sync-options';
import { type FieldSetting } from '../../../domain/fields';
import type { SyncResult } from '../../../workflows/sync-run';
import {
  groupSyncWorkflowId,
  importWorkflowId,
  recipientSyncWorkflowId,
  type RecipientSyncMode,
} from '../../../contracts/workflows';
import { progressQuery, type SyncProgress } from '../../../contracts/progress';

/** Options that never hold a run for approval, so tests about other things are not held. */
export const NO_THRESHOLD: SyncOptions['deletionThreshold'] = { maxCount: null, maxPercent: null };

export interface Workspace {
  id: string;
  tenant: EmulatedTenant;
  control: ReturnType<ReturnType<typeof createEmulatorControl>['tenant']>;
}

/** Real activities on the emulator, with a test encryption key (and, when given, lowered Graph caps). */
export function testActivities(db: Db, encryptionKey: Buffer, graphLimits?: GraphLimits): SyncActivities {
  return createActivities({
    db,
    encryptionKey,
    entraClientFor: emulatorEntraClientFor(graphLimits),
    graphLimits,
  });
}

export const testEncryptionKey = (): Buffer => randomBytes(32);

/** A workspace connected to a fresh emulator tenant (its own directory, counters and faults). */
export async function createWorkspace(
  db: Db,
  encryptionKey: Buffer,
  tenantInput: CreateTenantInput = {},
): Promise<Workspace> {
  const emulator = createEmulatorControl(inject('emulatorUrl'));
  const tenant = await emulator.createTenant(tenantInput);
  const { id } = await db
    .insertInto('workspaces')
    .values({ name: `test ${tenant.tenantId}` })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('entraConnections')
    .values({
      workspaceId: id,
      tenantId: tenant.tenantId,
      clientId: tenant.clientId,
      clientSecretEncrypted: encryptSecret(tenant.clientSecret, encryptionKey, id),
      authorityHost: tenant.authorityHost,
      graphBaseUrl: tenant.graphBaseUrl,
    })
    .execute();
  return { id, tenant, control: emulator.tenant(tenant.tenantId) };
}

export async function linkGroup(
  db: Db,
  workspaceId: string,
  entraGroupId: string,
  opts: { syncOptions?: Partial<SyncOptions>; cardTemplate?: CardTemplate } = {},
): Promise<string> {
  const row = await db
    .insertInto('groups')
    .values({
      workspaceId,
      entraGroupId,
      name: 'linked group',
      syncOptions: JSON.stringify({
        ...DEFAULT_SYNC_OPTIONS,
        deletionThreshold: NO_THRESHOLD,
        ...opts.syncOptions,
      }),
      cardTemplate: JSON.stringify(opts.cardTemplate ?? DEFAULT_CARD_TEMPLATE),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function setGroupOptions(db: Db, groupId: string, options: Partial<SyncOptions>): Promise<void> {
  const { syncOptions } = await db
    .selectFrom('groups')
    .select('syncOptions')
    .where('id', '=', groupId)
    .executeTakeFirstOrThrow();
  await db
    .updateTable('groups')
    .set({ syncOptions: JSON.stringify({ ...syncOptions, ...options }) })
    .where('id', '=', groupId)
    .execute();
}

export async function saveFieldSettings(
  db: Db,
  workspaceId: string,
  settings: FieldSetting[],
): Promise<void> {
  await db.deleteFrom('fieldSettings').where('workspaceId', '=', workspaceId).execute();
  await db
    .insertInto('fieldSettings')
    .values(settings.map((s) => ({ workspaceId, ...s })))
    .execute();
}

/** What the API does: the run record first, then the workflow with the run's id. */
async function insertRun(
  db: Db,
  run: {
    workspaceId: string;
    kind: 'group' | 'recipient' | 'import';
    workflowId: string;
    groupId?: string;
    recipientId?: string;
    mode?: string;
    params?: object;
  },
): Promise<string> {
  const id = randomUUID();
  await db
    .insertInto('syncRuns')
    .values({
      id,
      workspaceId: run.workspaceId,
      kind: run.kind,
      trigger: 'api',
      workflowId: run.workflowId,
      groupId: run.groupId ?? null,
      recipientId: run.recipientId ?? null,
      mode: run.mode ?? null,
      params: JSON.stringify(run.params ?? {}),
      counts: '{}',
      checkpoint: '{}',
    })
    .execute();
  return id;
}

export interface StartedSync {
  syncRunId: string;
  handle: WorkflowHandle;
  result(): Promise<SyncResult>;
}

/** Polls the run's progress query until it reaches a state (no timing assumptions). */
export async function waitForProgress(
  started: StartedSync,
  done: (p: SyncProgress) => boolean,
): Promise<SyncProgress> {
  for (;;) {
    const p = await started.handle.query(progressQuery);
    if (done(p)) return p;
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function startGroupSync(
  db: Db,
  client: Client,
  taskQueue: string,
  workspaceId: string,
  groupId: string,
  opts: { withRunRecord?: boolean; full?: boolean } = {},
): Promise<StartedSync> {
  const workflowId = groupSyncWorkflowId(groupId);
  const syncRunId =
    opts.withRunRecord === false
      ? undefined
      : await insertRun(db, { workspaceId, kind: 'group', workflowId, groupId });
  const handle = await client.workflow.start('groupSyncWorkflow', {
    taskQueue,
    workflowId,
    args: [{ workspaceId, groupId, trigger: syncRunId ? 'api' : 'schedule', syncRunId, full: opts.full }],
  });
  return wrap(handle, syncRunId);
}

export async function startRecipientSync(
  db: Db,
  client: Client,
  taskQueue: string,
  workspaceId: string,
  recipientId: string,
  mode: RecipientSyncMode,
): Promise<StartedSync> {
  const workflowId = recipientSyncWorkflowId(recipientId);
  const syncRunId = await insertRun(db, { workspaceId, kind: 'recipient', workflowId, recipientId, mode });
  const handle = await client.workflow.start('recipientSyncWorkflow', {
    taskQueue,
    workflowId,
    args: [{ workspaceId, recipientId, mode, trigger: 'api', syncRunId }],
  });
  return wrap(handle, syncRunId);
}

export async function startImport(
  db: Db,
  client: Client,
  taskQueue: string,
  workspaceId: string,
  entraUserIds: string[],
  opts: { createCards?: boolean } = {},
): Promise<StartedSync> {
  const syncRunId = randomUUID();
  const workflowId = importWorkflowId(syncRunId);
  await db
    .insertInto('syncRuns')
    .values({
      id: syncRunId,
      workspaceId,
      kind: 'import',
      trigger: 'api',
      workflowId,
      params: JSON.stringify({ entraUserIds }),
      counts: '{}',
      checkpoint: '{}',
    })
    .execute();
  const handle = await client.workflow.start('importUsersWorkflow', {
    taskQueue,
    workflowId,
    args: [
      {
        workspaceId,
        trigger: 'api',
        syncRunId,
        userCount: entraUserIds.length,
        createCards: opts.createCards,
      },
    ],
  });
  return wrap(handle, syncRunId);
}

function wrap(handle: WorkflowHandle, syncRunId: string | undefined): StartedSync {
  return {
    syncRunId: syncRunId ?? '',
    handle,
    result: async () => {
      const r = (await handle.result()) as SyncResult;
      return r;
    },
  };
}

/** Runs a group sync to its end and returns the run record. */
export async function syncGroup(
  db: Db,
  client: Client,
  taskQueue: string,
  workspaceId: string,
  groupId: string,
  opts: { full?: boolean } = {},
) {
  const run = await startGroupSync(db, client, taskQueue, workspaceId, groupId, opts);
  await run.result();
  return runRecord(db, run.syncRunId);
}

export async function runRecord(db: Db, syncRunId: string) {
  return db.selectFrom('syncRuns').selectAll().where('id', '=', syncRunId).executeTakeFirstOrThrow();
}
