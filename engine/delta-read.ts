import type { Db, Trx } from '../db/database';
import {
  readJoinersWithoutData,
  setDeltaMembersFetched,
  stageChangedUsers,
  stageDepartures,
  stageMembershipChanges,
  stageWorkspaceEdits,
  type DeltaStageScope,
} from '../db/repositories/delta-staging';
import { refreshGroupInfo, type SyncGroup } from '../db/repositories/groups';
import type { EntraClient } from '../graph/entra-client';
import { EntraError } from '../graph/errors';
import { writeCheckpoint, type DeltaCheckpoint } from './checkpoints';
import type { Progress } from './heartbeat';
import { settleLater } from './promises';

/** Joiners looked up per transaction (the Graph client batches them 20 per $batch request). */
const JOINER_CHUNK = 500;

export interface DeltaRead {
  db: Db;
  client: EntraClient;
  syncRunId: string;
  workspaceId: string;
  group: SyncGroup & { membersDeltaLink: string; usersDeltaLink: string };
  select: string[];
  /** The settings basis the new links are made under. */
  basis: string;
  progress: Progress;
}

/** The stored links had expired: the caller reads every member instead. */
export class DeltaLinksExpired extends Error {}

/**
 * The delta read of a group run: membership changes from groups/delta, attribute changes from the
 * tenant-wide users/delta (kept only for people who concern this group, by a join in SQL), and
 * user data ($batch) for joiners that users/delta did not carry and for members changed in the
 * workspace since they were last applied (a manual edit, a lock removed). Everything is staged like a full
 * read's members (present / removed / deleted), so the later phases run unchanged. Each page is
 * staged with its checkpoint in one transaction; the new delta links go to the checkpoint.
 * Answers the group's current name.
 */
export async function readDeltaChanges(ctx: DeltaRead, from: DeltaCheckpoint): Promise<string> {
  const { db, client, syncRunId, group, select, progress } = ctx;
  const stage: DeltaStageScope = { syncRunId, workspaceId: ctx.workspaceId, groupId: group.id };
  const excludeGuests = !group.syncOptions.includeGuests;
  let cp = from;
  const save = async (next: DeltaCheckpoint, work: (trx: Trx) => Promise<void>) => {
    await db.transaction().execute(async (trx) => {
      await work(trx);
      await writeCheckpoint(trx, syncRunId, 'fetchDelta', next);
    });
    cp = next;
    progress.set({ step: cp.step, after: cp.after });
  };

  // Round trips overlap: the group's details, the first page of each round, and each next page
  // while the current one is staged. Pages are still staged in order, users/delta only after the
  // members round (its filter needs the joiners); a retry asks for them again.
  const groupInfo = settleLater(client.getGroup(group.entraGroupId));
  const membersPage = (link: string) =>
    settleLater(client.groupMembersDelta({ groupId: group.entraGroupId, link }));
  const usersPage = (link: string) => settleLater(client.usersDelta({ select, link }));
  let nextMembers = cp.step === 'members' ? membersPage(cp.link ?? group.membersDeltaLink) : null;
  let nextUsers =
    cp.step === 'members' || cp.step === 'users'
      ? usersPage(cp.step === 'users' && cp.link ? cp.link : group.usersDeltaLink)
      : null;
  try {
    while (cp.step === 'members') {
      progress.throwIfCancelled();
      const page = await nextMembers!;
      nextMembers = page.nextLink ? membersPage(page.nextLink) : null;
      await save(
        page.nextLink
          ? { ...cp, link: page.nextLink }
          : { ...cp, step: 'users', link: null, membersDeltaLink: page.deltaLink },
        (trx) => stageMembershipChanges(trx, stage, page.added, page.removed),
      );
    }
    while (cp.step === 'users') {
      progress.throwIfCancelled();
      const page = await nextUsers!;
      nextUsers = page.nextLink ? usersPage(page.nextLink) : null;
      const roundDone = !page.nextLink;
      const membersDeltaLink = cp.membersDeltaLink;
      await save(
        roundDone ? { ...cp, step: 'joiners', link: null } : { ...cp, link: page.nextLink },
        async (trx) => {
          await stageChangedUsers(trx, stage, page.users, { excludeGuests });
          await stageDepartures(trx, stage, page.removed, 'deleted');
          // Workspace-side edits since the last run: those members are read again like joiners.
          if (roundDone) await stageWorkspaceEdits(trx, stage);
          // A round without a deltaLink leaves no links: the next run is full.
          if (roundDone && membersDeltaLink && page.deltaLink)
            await writeCheckpoint(trx, syncRunId, 'deltaLinks', {
              members: membersDeltaLink,
              users: page.deltaLink,
              basis: ctx.basis,
            });
        },
      );
    }
  } catch (err) {
    if (err instanceof EntraError && err.code === 'delta_token_expired')
      throw new DeltaLinksExpired(err.message);
    throw err;
  }

  const info = await groupInfo;
  await refreshGroupInfo(db, group.id, info.displayName, info.description);

  while (cp.step === 'joiners') {
    progress.throwIfCancelled();
    const ids = await readJoinersWithoutData(db, syncRunId, cp.after, JOINER_CHUNK);
    const found = ids.length ? await client.getUsersByIds(ids, select) : new Map();
    const users = [...found.values()].filter((u) => u !== null);
    const gone = ids.filter((id) => !found.get(id));
    const last = ids.length < JOINER_CHUNK;
    await save({ ...cp, step: last ? 'done' : 'joiners', after: ids.at(-1) ?? cp.after }, async (trx) => {
      await stageChangedUsers(trx, stage, users, { excludeGuests });
      await stageDepartures(trx, stage, gone, 'deleted');
      if (last) await setDeltaMembersFetched(trx, syncRunId);
    });
  }
  return info.displayName ?? group.name;
}
