import { log } from '@temporalio/activity';
import type { Db } from '../db/database';
import type { DeltaLinks } from '../db/repositories/group-sync-state';
import { setCheckpoints } from '../db/repositories/sync-run-progress';
import { writeCheckpoint, type CheckpointName, type DeltaRoundState } from './checkpoints';
import type { EntraClient } from '../graph/entra-client';
import { EntraError } from '../graph/errors';
import { userSelect } from '../graph/odata';

/**
 * How a full group run leaves delta links for the next (delta) run. Both rounds are opened before
 * the first member page is read, so whatever changes during the full read is reported by the next
 * delta round (again, at worst: staging the same change twice is harmless).
 *
 * Graph's "sync from now" (`$deltatoken=latest`, users and groups only) answers a deltaLink at once,
 * without the initial round's pages. Where the service refuses it, the initial round is paged
 * through instead (its deltaLink reports changes from the round's start), alongside the member
 * listing so it costs requests but little wall time. Pages of a round are checkpointed one by one;
 * a round whose page link expired after a crash is given up: the run then stores no links, and the
 * next run of the group is full.
 */

type RoundKind = 'members' | 'users';

const CHECKPOINT = { members: 'openMembersDelta', users: 'openUsersDelta' } as const satisfies Record<
  RoundKind,
  CheckpointName
>;

export interface DeltaRoundsContext {
  db: Db;
  client: EntraClient;
  syncRunId: string;
  entraGroupId: string;
  /** The `$select` users/delta tracks: the same as the member listing's. */
  select: string[];
  /** The settings basis the links are made under (stored with them). */
  basis: string;
}

export type DeltaRounds = Record<RoundKind, DeltaRoundState>;

/**
 * The run's rounds from its checkpoint, or opened now when the listing has not started yet (a run
 * resumed mid-listing without rounds makes no links: they would start after members were read).
 */
export async function openDeltaRounds(
  ctx: DeltaRoundsContext,
  checkpoint: Record<string, unknown>,
  listingStarted: boolean,
): Promise<DeltaRounds | null> {
  const stored = {
    members: checkpoint[CHECKPOINT.members] as DeltaRoundState | undefined,
    users: checkpoint[CHECKPOINT.users] as DeltaRoundState | undefined,
  };
  if (stored.members && stored.users) return { members: stored.members, users: stored.users };
  if (listingStarted) return null;
  const [members, users] = await Promise.all([openRound(ctx, 'members'), openRound(ctx, 'users')]);
  const rounds = { members, users };
  await setCheckpoints(ctx.db, ctx.syncRunId, { [CHECKPOINT.members]: members, [CHECKPOINT.users]: users });
  await storeLinksWhenDone(ctx, rounds);
  return rounds;
}

/** Pages the rounds that are not finished (both at once), then stores the links for finishSyncRun. */
export async function finishDeltaRounds(
  ctx: DeltaRoundsContext,
  rounds: DeltaRounds,
  shouldStop: () => boolean,
): Promise<void> {
  await Promise.all(
    (['members', 'users'] as const).map((kind) => drainRound(ctx, kind, rounds[kind], shouldStop)),
  );
  await storeLinksWhenDone(ctx, rounds);
}

export function deltaRoundsDone(rounds: DeltaRounds): boolean {
  return (['members', 'users'] as const).every((k) => rounds[k].givenUp || rounds[k].deltaLink);
}

async function openRound(ctx: DeltaRoundsContext, kind: RoundKind): Promise<DeltaRoundState> {
  try {
    return toState(await requestPage(ctx, kind, latestLink(ctx, kind)));
  } catch (err) {
    if (!(err instanceof EntraError && (err.code === 'delta_token_expired' || err.code === 'bad_request')))
      throw err;
    log.info('Graph refused $deltatoken=latest; paging the initial delta round instead', {
      syncRunId: ctx.syncRunId,
      kind,
      code: err.code,
    });
    return toState(await requestPage(ctx, kind, null));
  }
}

async function drainRound(
  ctx: DeltaRoundsContext,
  kind: RoundKind,
  state: DeltaRoundState,
  shouldStop: () => boolean,
): Promise<void> {
  while (state.link && !state.givenUp && !shouldStop()) {
    try {
      Object.assign(state, toState(await requestPage(ctx, kind, state.link)));
    } catch (err) {
      if (!(err instanceof EntraError && err.code === 'delta_token_expired')) throw err;
      log.warn('an initial delta round expired; this run leaves no delta links (the next sync is full)', {
        syncRunId: ctx.syncRunId,
        kind,
      });
      Object.assign(state, { link: null, deltaLink: null, givenUp: true });
    }
    await writeCheckpoint(ctx.db, ctx.syncRunId, CHECKPOINT[kind], state);
  }
}

async function storeLinksWhenDone(ctx: DeltaRoundsContext, rounds: DeltaRounds): Promise<void> {
  if (!rounds.members.deltaLink || !rounds.users.deltaLink) return;
  const links: DeltaLinks = {
    members: rounds.members.deltaLink,
    users: rounds.users.deltaLink,
    basis: ctx.basis,
  };
  await writeCheckpoint(ctx.db, ctx.syncRunId, 'deltaLinks', links);
}

/** One page of a round; only its links matter here (the full read stages the members). */
async function requestPage(ctx: DeltaRoundsContext, kind: RoundKind, link: string | null) {
  return kind === 'members'
    ? ctx.client.groupMembersDelta({ groupId: ctx.entraGroupId, link })
    : ctx.client.usersDelta({ select: ctx.select, link });
}

function toState(page: { nextLink: string | null; deltaLink: string | null }): DeltaRoundState {
  if (page.deltaLink) return { link: null, deltaLink: page.deltaLink };
  // Neither link: nothing to continue from, so no links from this round.
  return page.nextLink
    ? { link: page.nextLink, deltaLink: null }
    : { link: null, deltaLink: null, givenUp: true };
}

/**
 * The first request of a "sync from now" round, as the Entra client would build its initial round
 * plus `$deltatoken=latest` (the client has no option for it yet; see docs/sync.md).
 */
function latestLink(ctx: DeltaRoundsContext, kind: RoundKind): string {
  if (kind === 'members') {
    const filter = encodeURIComponent(`id eq '${ctx.entraGroupId}'`);
    return `/groups/delta?$filter=${filter}&$select=members&$deltatoken=latest`;
  }
  return `/users/delta?$select=${userSelect(ctx.select)}&$deltatoken=latest`;
}
