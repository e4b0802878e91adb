// Every workflow the worker registers. Deterministic code only: see ../STYLE notes in docs/.
export { pingWorkflow } from './ping';
export { groupSyncWorkflow } from './group-sync';
export { recipientSyncWorkflow } from './recipient-sync';
export { importUsersWorkflow } from './import-users';
export { workspaceSyncWorkflow } from './workspace-sync';
