/** Per-group Sync Options (DESIGN §3): what cleanup does, and what a group sync reads. */

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
  /** How long a run held by the threshold waits for approval; then its cleanup is skipped. */
  approvalTimeoutHours: number;
}

/** What a newly linked group starts with. */
export const DEFAULT_SYNC_OPTIONS: SyncOptions = {
  includeNestedGroups: false,
  disabledUsers: 'deactivate',
  removedUsers: 'remove_from_group',
  deletedUsers: 'deactivate',
  createCardsForNewMembers: true,
  includeGuests: false,
  deletionThreshold: { maxCount: 50, maxPercent: 10 },
  approvalTimeoutHours: 72,
};
