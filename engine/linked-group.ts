import { groupNotLinkedMessage } from '../contracts/failures';
import type { Conn } from '../db/database';
import { loadSyncGroup, type SyncGroup } from '../db/repositories/groups';
import { notRetryable } from './errors';

/** The run's group with its options completed; a group unlinked meanwhile fails the run for good. */
export async function requireLinkedGroup(db: Conn, workspaceId: string, groupId: string): Promise<SyncGroup> {
  const group = await loadSyncGroup(db, workspaceId, groupId);
  if (!group) throw notRetryable('invalid_input', groupNotLinkedMessage(groupId));
  return group;
}
