import type { Client } from '@temporalio/client';

/** How often a start that met a closing workflow asks Temporal whether it has closed. */
const POLL_MS = 100;

export interface OpenExecution {
  /** The run id the open execution carries in its memo (set by startSync and by schedules). */
  syncRunId: string | null;
}

/**
 * A run record reads completed a moment before its workflow closes (finishing the record is the
 * workflow's last activity). Waits until no execution of `workflowId` is open, or `deadline`;
 * returns the execution that is still open then, or null once it has closed.
 */
export async function waitForClosingWorkflow(
  temporal: Client,
  workflowId: string,
  deadline: number,
): Promise<OpenExecution | null> {
  for (;;) {
    const open = await openExecution(temporal, workflowId);
    if (!open || Date.now() >= deadline) return open;
    await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_MS, deadline - Date.now())));
  }
}

async function openExecution(temporal: Client, workflowId: string): Promise<OpenExecution | null> {
  try {
    const description = await temporal.workflow.getHandle(workflowId).describe();
    if (description.status.name !== 'RUNNING') return null;
    const memoId = description.memo?.syncRunId;
    return { syncRunId: typeof memoId === 'string' ? memoId : null };
  } catch (err) {
    // Not found: nothing is open any more (or it never was).
    if ((err as Error).name === 'WorkflowNotFoundError') return null;
    throw err;
  }
}
