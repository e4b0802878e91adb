// Every workflow the worker registers. Workflow code is replayed from history, so it must be
// deterministic: no I/O, no clocks or randomness outside the SDK's (a lint rule guards imports).
export { pingWorkflow } from './ping';
export { retentionWorkflow } from './retention';
export { groupSyncWorkflow } from './group-sync';
export { recipientSyncWorkflow } from './recipient-sync';
export { importUsersWorkflow } from './import-users';
export { workspaceSyncWorkflow } from './workspace-sync';
export { groupPreviewWorkflow } from './group-preview';
