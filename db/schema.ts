import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** Columns are snake_case in Postgres; the CamelCasePlugin maps them to these camelCase names. */
export interface Database {
  workspaces: WorkspacesTable;
  apiKeys: ApiKeysTable;
  entraConnections: EntraConnectionsTable;
  fieldSettings: FieldSettingsTable;
  groups: GroupsTable;
  recipients: RecipientsTable;
  recipientPhotos: RecipientPhotosTable;
  groupMemberships: GroupMembershipsTable;
  groupSkippedMembers: GroupSkippedMembersTable;
  cards: CardsTable;
  cardVersions: CardVersionsTable;
  cardEvents: CardEventsTable;
  syncRuns: SyncRunsTable;
  syncStagedMembers: SyncStagedMembersTable;
  recipientChanges: RecipientChangesTable;
  schedules: SchedulesTable;
  workerCounters: WorkerCountersTable;
}

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, T | string, T | string>;
/** A JSON column with a database default: optional on insert. */
type JsonWithDefault<T> = ColumnType<T, T | string | undefined, T | string>;

export interface WorkspacesTable {
  id: Generated<string>;
  name: string;
  createdAt: CreatedAt;
}

export interface ApiKeysTable {
  id: Generated<string>;
  workspaceId: ColumnType<string, string, never>;
  keyHash: string;
  prefix: string;
  createdAt: CreatedAt;
  revokedAt: Date | null;
}

export interface EntraConnectionsTable {
  workspaceId: ColumnType<string, string, never>;
  tenantId: string;
  clientId: string;
  clientSecretEncrypted: string;
  authorityHost: string;
  graphBaseUrl: string;
  updatedAt: Timestamp;
}

export interface FieldSettingsTable {
  workspaceId: ColumnType<string, string, never>;
  field: string;
  source: string;
  sync: boolean;
  overwrite: boolean;
}

export type DisabledUsersOption = 'keep' | 'deactivate' | 'delete';
export type RemovedUsersOption = 'keep' | 'remove_from_group' | 'deactivate' | 'delete';
export type DeletedUsersOption = 'deactivate' | 'delete';

export interface SyncOptions {
  includeNestedGroups: boolean;
  disabledUsers: DisabledUsersOption;
  removedUsers: RemovedUsersOption;
  deletedUsers: DeletedUsersOption;
  createCardsForNewMembers: boolean;
  includeGuests: boolean;
  deletionThreshold: { maxCount: number | null; maxPercent: number | null };
}

export interface CardTemplate {
  /** Recipient fields the card shows, in order. */
  fields: string[];
  /** Static company fields shown on every card of the group (website, logoUrl, companyName...). */
  company: Record<string, string>;
}

export interface GroupsTable {
  id: Generated<string>;
  workspaceId: ColumnType<string, string, never>;
  entraGroupId: ColumnType<string, string, never>;
  name: string;
  description: string | null;
  syncOptions: Json<SyncOptions>;
  cardTemplate: Json<CardTemplate>;
  /** groups/delta and users/delta links for the next delta sync; written only when a run completes. */
  membersDeltaLink: string | null;
  usersDeltaLink: string | null;
  /** Hash of the settings the delta links were made under (sync options, field settings, card template). */
  deltaLinksBasis: string | null;
  lastFullSyncAt: Date | null;
  lastSyncedAt: Date | null;
  createdAt: CreatedAt;
  updatedAt: Timestamp;
}

export type RecipientStatus = 'active' | 'deactivated' | 'deleted';

/** Recipient profile fields, as stored; names double as Field Settings `field` values. */
export interface RecipientProfileColumns {
  email: string;
  firstName: string | null;
  lastName: string | null;
  displayName: string | null;
  jobTitle: string | null;
  department: string | null;
  companyName: string | null;
  officeLocation: string | null;
  mobilePhone: string | null;
  businessPhone: string | null;
  employeeId: string | null;
  streetAddress: string | null;
  city: string | null;
  state: string | null;
  postalCode: string | null;
  country: string | null;
}

export interface RecipientsTable extends RecipientProfileColumns {
  id: Generated<string>;
  workspaceId: ColumnType<string, string, never>;
  entraUserId: string | null;
  status: Generated<RecipientStatus>;
  statusReason: string | null;
  photoHash: string | null;
  customFields: JsonWithDefault<Record<string, string | null>>;
  lockedFields: ColumnType<string[], string[] | undefined, string[]>;
  accountEnabled: boolean | null;
  userType: string | null;
  createdAt: CreatedAt;
  updatedAt: Timestamp;
}

export interface RecipientPhotosTable {
  recipientId: string;
  contentHash: string;
  contentType: string;
  data: Buffer;
  updatedAt: Timestamp;
}

export interface GroupMembershipsTable {
  groupId: string;
  recipientId: string;
  createdAt: CreatedAt;
}

/** Members of the Entra group without a membership here (skipped, excluded guests): delta syncs watch them too. */
export interface GroupSkippedMembersTable {
  groupId: string;
  entraUserId: string;
  createdAt: CreatedAt;
}

export type CardStatus = 'active' | 'deactivated';

export interface CardsTable {
  id: Generated<string>;
  workspaceId: ColumnType<string, string, never>;
  recipientId: ColumnType<string, string, never>;
  groupId: ColumnType<string, string, never>;
  status: Generated<CardStatus>;
  version: number;
  content: Json<Record<string, unknown>>;
  contentHash: string;
  createdAt: CreatedAt;
  updatedAt: Timestamp;
}

export interface CardVersionsTable {
  cardId: string;
  version: number;
  status: CardStatus;
  content: Json<Record<string, unknown>>;
  contentHash: string;
  syncRunId: string | null;
  createdAt: CreatedAt;
}

export type CardEventType = 'card.created' | 'card.updated' | 'card.deactivated';

export interface CardEventsTable {
  id: Generated<string>;
  workspaceId: string;
  cardId: string;
  version: number;
  type: CardEventType;
  content: Json<Record<string, unknown>>;
  syncRunId: string | null;
  createdAt: CreatedAt;
  deliveredAt: Date | null;
}

export type SyncRunKind = 'group' | 'recipient' | 'workspace' | 'import';
export type SyncRunStatus = 'running' | 'waiting_approval' | 'completed' | 'failed' | 'canceled';
export type SyncTrigger = 'api' | 'schedule' | 'workspace';

export interface SyncCounts {
  membersFetched: number;
  recipientsCreated: number;
  recipientsUpdated: number;
  recipientsUnchanged: number;
  recipientsDeactivated: number;
  recipientsDeleted: number;
  recipientsReactivated: number;
  cardsCreated: number;
  cardsUpdated: number;
  cardsUnchanged: number;
  cardsDeactivated: number;
  skipped: number;
}

export interface SyncRunError {
  code: string;
  message: string;
}

export interface SyncRunsTable {
  id: Generated<string>;
  workspaceId: ColumnType<string, string, never>;
  kind: SyncRunKind;
  /** recipient runs: info | cards | full */
  mode: string | null;
  /** group runs: full | delta */
  syncType: string | null;
  trigger: SyncTrigger;
  status: Generated<SyncRunStatus>;
  phase: Generated<string>;
  groupId: string | null;
  recipientId: string | null;
  parentRunId: string | null;
  params: JsonWithDefault<Record<string, unknown>>;
  counts: JsonWithDefault<Partial<SyncCounts>>;
  /** Per-phase resume points, written in the same transaction as the work they cover. */
  checkpoint: JsonWithDefault<Record<string, unknown>>;
  error: Json<SyncRunError> | null;
  workflowId: string;
  temporalRunId: string | null;
  startedAt: CreatedAt;
  finishedAt: Date | null;
}

export type StagedChange = 'present' | 'removed' | 'deleted';

export interface SyncStagedMembersTable {
  syncRunId: string;
  entraUserId: string;
  change: Generated<StagedChange>;
  data: Json<Record<string, unknown>> | null;
  recipientId: string | null;
  outcome: string | null;
}

export type RecipientChangeSource = 'sync' | 'manual';

export interface RecipientChangesTable {
  id: Generated<string>;
  workspaceId: string;
  syncRunId: string | null;
  recipientId: string | null;
  entraUserId: string | null;
  /** created | updated | deactivated | deleted | reactivated | removed_from_group | skipped | photo */
  action: string;
  field: string | null;
  oldValue: string | null;
  newValue: string | null;
  reason: string | null;
  source: RecipientChangeSource;
  createdAt: CreatedAt;
}

export interface SchedulesTable {
  id: Generated<string>;
  workspaceId: ColumnType<string, string, never>;
  groupId: string | null;
  temporalScheduleId: string;
  spec: Json<Record<string, unknown>>;
  timezone: string;
  note: string | null;
  createdAt: CreatedAt;
}

export interface WorkerCountersTable {
  name: string;
  /** Prometheus label set as sorted JSON, e.g. {"status":"200"}. */
  labels: string;
  value: number;
  updatedAt: Timestamp;
}

export type WorkspaceRow = Selectable<WorkspacesTable>;
export type GroupRow = Selectable<GroupsTable>;
export type NewGroup = Insertable<GroupsTable>;
export type GroupUpdate = Updateable<GroupsTable>;
export type RecipientRow = Selectable<RecipientsTable>;
export type NewRecipient = Insertable<RecipientsTable>;
export type RecipientUpdate = Updateable<RecipientsTable>;
export type CardRow = Selectable<CardsTable>;
export type SyncRunRow = Selectable<SyncRunsTable>;
export type NewSyncRun = Insertable<SyncRunsTable>;
export type FieldSettingRow = Selectable<FieldSettingsTable>;
