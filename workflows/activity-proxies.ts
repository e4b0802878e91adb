import { ActivityCancellationType, proxyActivities } from '@temporalio/workflow';
import type { SyncActivities } from '../activities';
import { NON_RETRYABLE_FAILURES } from '../contracts/failures';

const nonRetryableErrorTypes = [...NON_RETRYABLE_FAILURES];

/** Short database work is retried until the database answers, unless the failure is one a retry cannot fix. */
const untilTheDatabaseAnswers = {
  initialInterval: '1 second',
  maximumInterval: '30 seconds',
  nonRetryableErrorTypes,
};

/** Run-record writes: short, retried until the database answers. */
export const bookkeeping = proxyActivities<
  Pick<SyncActivities, 'beginSyncRun' | 'setSyncRunStatus' | 'finishSyncRun' | 'chooseSyncType'>
>({
  startToCloseTimeout: '30 seconds',
  retry: untilTheDatabaseAnswers,
});

/**
 * The workspace sync's own run record and group list. Longer than a run-record write: ending the
 * run reads every child run of the workspace.
 */
export const workspaceBookkeeping = proxyActivities<
  Pick<SyncActivities, 'beginWorkspaceRun' | 'listLinkedGroupIds' | 'finishWorkspaceRun'>
>({
  startToCloseTimeout: '1 minute',
  retry: untilTheDatabaseAnswers,
});

/**
 * Chunked phases over staged members: long, heartbeating (a killed worker is noticed within the
 * heartbeat timeout, and the retry resumes from the database checkpoint). A cancellation waits
 * for the activity to stop, so a canceled run never has a chunk committed after it.
 */
export const chunked = proxyActivities<
  Pick<
    SyncActivities,
    | 'fetchMembers'
    | 'fetchDeltaChanges'
    | 'planCleanUp'
    | 'applyFieldSettings'
    | 'cleanUpUsers'
    | 'updateCards'
    | 'fetchUsersByIds'
    | 'planPreview'
  >
>({
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '15 seconds',
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 10,
    nonRetryableErrorTypes,
  },
});

/** One Graph request for one person. */
export const single = proxyActivities<Pick<SyncActivities, 'fetchRecipientUser'>>({
  startToCloseTimeout: '2 minutes',
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
    maximumAttempts: 8,
    nonRetryableErrorTypes,
  },
});

/** Housekeeping over whole tables (retention): one long statement each, retried until it ends. */
export const maintenance = proxyActivities<Pick<SyncActivities, 'pruneExpiredHistory'>>({
  startToCloseTimeout: '1 hour',
  retry: { initialInterval: '1 minute', maximumInterval: '30 minutes', nonRetryableErrorTypes },
});
