import type { Client, WorkflowHandle } from '@temporalio/client';
import type { SearchAttributePair } from '@temporalio/common';
import { ApplicationFailure } from '@temporalio/common';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { approveSignal, progressQuery } from '../../contracts/progress';
import { GroupIdKey, SyncKindKey, SyncTriggerKey, WorkspaceIdKey } from '../../contracts/search-attributes';
import type { SyncRunKind, SyncTrigger } from '../../contracts/sync-runs';
import {
  groupPreviewWorkflowId,
  groupSyncWorkflowId,
  importWorkflowId,
  recipientSyncWorkflowId,
  workspaceSyncWorkflowId,
} from '../../contracts/workflows';
import type { ActivityStubs } from '../helpers/stub-activities';

export interface ScenarioContext {
  client: Client;
  taskQueue: string;
}

/** One recorded run: which activities answer how, and how the run is driven to its end. */
export interface HistoryScenario {
  name: string;
  workflowType: string;
  overrides?: Partial<ActivityStubs>;
  groupIds?: string[];
  /** Starts the run, drives it, and returns the ids of every workflow whose history to keep. */
  run(ctx: ScenarioContext): Promise<string[]>;
}

/** Search attributes and memo as the API or a Schedule sets them at start. */
function startedBy(
  how: 'api' | 'schedule' | 'bare',
  kind: SyncRunKind,
  ids: { workspaceId: string; syncRunId?: string; groupId?: string },
) {
  if (how === 'bare') return {};
  const trigger: SyncTrigger = how;
  const typedSearchAttributes: SearchAttributePair[] = [
    { key: WorkspaceIdKey, value: ids.workspaceId },
    { key: SyncKindKey, value: kind },
    { key: SyncTriggerKey, value: trigger },
  ];
  if (ids.groupId) typedSearchAttributes.push({ key: GroupIdKey, value: ids.groupId });
  const memo =
    how === 'api'
      ? { syncRunId: ids.syncRunId, workspaceId: ids.workspaceId }
      : {
          scheduleId: 'schedule-1',
          workspaceId: ids.workspaceId,
          ...(ids.groupId ? { groupId: ids.groupId } : {}),
        };
  return { typedSearchAttributes, memo };
}

async function untilWaiting(handle: WorkflowHandle): Promise<void> {
  for (;;) {
    const progress = await handle.query(progressQuery);
    if (progress.status === 'waiting_approval') return;
    await sleep(50);
  }
}

function groupRun(
  name: string,
  opts: { full?: boolean; how?: 'api' | 'schedule' | 'bare'; overrides?: Partial<ActivityStubs> },
  drive?: (handle: WorkflowHandle) => Promise<void>,
): HistoryScenario {
  return {
    name,
    workflowType: 'groupSyncWorkflow',
    overrides: opts.overrides,
    async run({ client, taskQueue }) {
      const workspaceId = randomUUID();
      const groupId = randomUUID();
      const how = opts.how ?? 'api';
      const syncRunId = how === 'api' ? randomUUID() : undefined;
      const trigger: SyncTrigger = how === 'schedule' ? 'schedule' : 'api';
      const handle = await client.workflow.start('groupSyncWorkflow', {
        taskQueue,
        workflowId: groupSyncWorkflowId(groupId),
        args: [{ workspaceId, groupId, trigger, syncRunId, full: opts.full }],
        ...startedBy(how, 'group', { workspaceId, syncRunId, groupId }),
      });
      if (drive) await drive(handle);
      await handle.result().catch(() => undefined);
      return [handle.workflowId];
    },
  };
}

const exceeding = {
  planCleanUp: async () => ({
    counts: { membersFetched: 10 },
    wouldRemove: 8,
    memberCount: 10,
    exceedsThreshold: true,
    reason: 'would remove 8 of 10 members (over 20%)',
  }),
};

function recipientRun(mode: 'info' | 'cards' | 'full'): HistoryScenario {
  return {
    name: `recipient-${mode}`,
    workflowType: 'recipientSyncWorkflow',
    async run({ client, taskQueue }) {
      const workspaceId = randomUUID();
      const recipientId = randomUUID();
      const syncRunId = randomUUID();
      const handle = await client.workflow.start('recipientSyncWorkflow', {
        taskQueue,
        workflowId: recipientSyncWorkflowId(recipientId),
        args: [{ workspaceId, recipientId, mode, trigger: 'api', syncRunId }],
        ...startedBy('api', 'recipient', { workspaceId, syncRunId }),
      });
      await handle.result();
      return [handle.workflowId];
    },
  };
}

function workspaceRun(name: string, how: 'api' | 'schedule' | 'bare', groups: number): HistoryScenario {
  const groupIds = Array.from({ length: groups }, () => randomUUID());
  return {
    name,
    workflowType: 'workspaceSyncWorkflow',
    groupIds,
    async run({ client, taskQueue }) {
      const workspaceId = randomUUID();
      const syncRunId = how === 'api' ? randomUUID() : undefined;
      const handle = await client.workflow.start('workspaceSyncWorkflow', {
        taskQueue,
        workflowId: workspaceSyncWorkflowId(workspaceId),
        args: [{ workspaceId, syncRunId, trigger: how === 'schedule' ? 'schedule' : 'api', concurrency: 2 }],
        ...startedBy(how, 'workspace', { workspaceId, syncRunId }),
      });
      await handle.result();
      return [handle.workflowId, ...groupIds.map(groupSyncWorkflowId)];
    },
  };
}

/** Every workflow type, along each path worth keeping a history of. */
export const HISTORY_SCENARIOS: HistoryScenario[] = [
  groupRun('group-full', { full: true }),
  groupRun('group-delta', {}),
  groupRun('group-delta-fell-back', {
    overrides: { fetchDeltaChanges: async () => ({ counts: {}, fellBack: true }) },
  }),
  groupRun('group-scheduled', { how: 'schedule' }),
  groupRun('group-bare-start', { full: true, how: 'bare' }),
  groupRun('group-held-approved', { full: true, overrides: exceeding }, async (handle) => {
    await untilWaiting(handle);
    await handle.signal(approveSignal, { approvedBy: 'recorder' });
  }),
  // The hold's timer fires after a second: the run goes on without its cleanup.
  groupRun(
    'group-held-timed-out',
    {
      full: true,
      overrides: {
        planCleanUp: async () => ({ ...(await exceeding.planCleanUp()), approvalTimeoutHours: 1 / 3600 }),
      },
    },
    untilWaiting,
  ),
  groupRun('group-held-canceled', { full: true, overrides: exceeding }, async (handle) => {
    await untilWaiting(handle);
    await handle.cancel();
  }),
  groupRun('group-missing-permission', {
    full: true,
    overrides: {
      fetchMembers: async () => {
        throw ApplicationFailure.nonRetryable('grant GroupMember.Read.All to the app', 'missing_permission');
      },
    },
  }),
  recipientRun('info'),
  recipientRun('cards'),
  recipientRun('full'),
  {
    name: 'import-users',
    workflowType: 'importUsersWorkflow',
    async run({ client, taskQueue }) {
      const workspaceId = randomUUID();
      const syncRunId = randomUUID();
      const handle = await client.workflow.start('importUsersWorkflow', {
        taskQueue,
        workflowId: importWorkflowId(syncRunId),
        args: [{ workspaceId, syncRunId, trigger: 'api', userCount: 2 }],
        ...startedBy('api', 'import', { workspaceId, syncRunId }),
      });
      await handle.result();
      return [handle.workflowId];
    },
  },
  {
    name: 'group-preview',
    workflowType: 'groupPreviewWorkflow',
    async run({ client, taskQueue }) {
      const workspaceId = randomUUID();
      const groupId = randomUUID();
      const syncRunId = randomUUID();
      const handle = await client.workflow.start('groupPreviewWorkflow', {
        taskQueue,
        workflowId: groupPreviewWorkflowId(groupId),
        args: [{ workspaceId, groupId, trigger: 'api', syncRunId }],
        ...startedBy('api', 'preview', { workspaceId, syncRunId, groupId }),
      });
      await handle.result();
      return [handle.workflowId];
    },
  },
  workspaceRun('workspace-api', 'api', 3),
  workspaceRun('workspace-scheduled', 'schedule', 2),
  workspaceRun('workspace-bare-start', 'bare', 2),
  {
    name: 'workspace-skipped',
    workflowType: 'workspaceSyncWorkflow',
    overrides: { beginWorkspaceRun: async () => ({ started: false, runningSyncRunId: 'run-going' }) },
    async run({ client, taskQueue }) {
      const workspaceId = randomUUID();
      const handle = await client.workflow.start('workspaceSyncWorkflow', {
        taskQueue,
        workflowId: workspaceSyncWorkflowId(workspaceId),
        args: [{ workspaceId, trigger: 'schedule' }],
        ...startedBy('schedule', 'workspace', { workspaceId }),
      });
      await handle.result();
      return [handle.workflowId];
    },
  },
  {
    name: 'retention',
    workflowType: 'retentionWorkflow',
    async run({ client, taskQueue }) {
      const handle = await client.workflow.start('retentionWorkflow', {
        taskQueue,
        workflowId: `retention-${randomUUID()}`,
        args: [{ retentionDays: 180 }],
      });
      await handle.result();
      return [handle.workflowId];
    },
  },
  {
    name: 'ping',
    workflowType: 'pingWorkflow',
    async run({ client, taskQueue }) {
      const handle = await client.workflow.start('pingWorkflow', {
        taskQueue,
        workflowId: `ping-${randomUUID()}`,
        args: ['recorder'],
      });
      await handle.result();
      return [handle.workflowId];
    },
  },
];
