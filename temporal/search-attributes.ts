/** Custom search attributes set on every sync, so operators can filter in the Temporal Web UI. */
export const SEARCH_ATTRIBUTES = ['WorkspaceId', 'GroupId', 'SyncKind', 'SyncTrigger'] as const;
export type SearchAttributeName = (typeof SEARCH_ATTRIBUTES)[number];
