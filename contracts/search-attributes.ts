import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Custom search attributes set on every sync, so operators can filter runs in the Temporal Web UI. */
export const WorkspaceIdKey = defineSearchAttributeKey('WorkspaceId', SearchAttributeType.KEYWORD);
export const GroupIdKey = defineSearchAttributeKey('GroupId', SearchAttributeType.KEYWORD);
export const SyncKindKey = defineSearchAttributeKey('SyncKind', SearchAttributeType.KEYWORD);
export const SyncTriggerKey = defineSearchAttributeKey('SyncTrigger', SearchAttributeType.KEYWORD);

/** Every key above, for whoever registers them with a Temporal server (the dev server, compose's setup job). */
export const SEARCH_ATTRIBUTE_KEYS = [WorkspaceIdKey, GroupIdKey, SyncKindKey, SyncTriggerKey] as const;
