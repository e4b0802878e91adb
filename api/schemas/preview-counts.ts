import { z } from 'zod';
import { PREVIEW_COUNT_NAMES, type PreviewCounts } from '../../contracts/sync-runs';

/** A preview run's counts: what a group sync started now would do (docs/sync.md, "Preview"). */
export const PreviewRunCounts = z
  .object(
    Object.fromEntries(PREVIEW_COUNT_NAMES.map((n) => [n, z.number().int()])) as Record<
      keyof PreviewCounts,
      z.ZodNumber
    >,
  )
  .meta({
    id: 'PreviewRunCounts',
    description:
      'kind `preview`: recipients a sync would create, update, reactivate, deactivate, delete, only take out of the group, and members it would skip',
  });

export function toPreviewCounts(counts: Partial<Record<string, unknown>> | null | undefined): PreviewCounts {
  return Object.fromEntries(
    PREVIEW_COUNT_NAMES.map((n) => [n, Number(counts?.[n] ?? 0)]),
  ) as unknown as PreviewCounts;
}
