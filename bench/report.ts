import type { CpuSeconds } from './cpu-usage';
import type { ListingGaps } from './listing-gaps';

export interface CaseResult {
  case: string;
  members: number;
  syncType: string;
  wallSeconds: number;
  pagingFloorSeconds: number;
  ratioToFloor: number | null;
  membersPerSecond: number;
  graphRequests: number;
  sqlStatements: number;
  historyEvents: number;
  workerPeakRssMb: number;
  cardVersionsWritten: number;
  activitySeconds: Record<string, number>;
  /** CPU seconds per process during the case: where the wall time went on two cores. */
  cpuSeconds: CpuSeconds;
  /** Member pages of a full listing: gaps between their requests, and the listing's time above the floor. */
  listing: ListingGaps | null;
  counts: unknown;
  /** the webhook delivery case: card.created events the receiver got, and when the last came */
  webhooks?: { delivered: number; deliveredAtRunEnd: number; secondsAfterRunEnd: number | null };
  /** The photo cases (`--photos`) only. */
  photos?: PhotoFigures;
}

/** What a photo case asked of Graph and stored (`npm run bench -- --photos`). */
export interface PhotoFigures {
  bytesDownloaded: number;
  /** $batch requests, throttled ones included */
  batches: number;
  metadataReads: number;
  downloads: number;
  throttled: number;
  earlyRetries: number;
  /** recipients of the workspace with a photo after the case */
  photosStored: number;
  /** distinct photo contents stored (all workspaces) */
  blobs: number;
  /** photo changes the run recorded */
  photoChanges: number;
}

export interface BenchReport {
  ranAt: string;
  machine: string;
  latencyMs: number;
  results: CaseResult[];
}

/** The photo cases' table: the usual columns plus what was downloaded and written. */
function renderPhotoTable(report: BenchReport): string {
  const header =
    '| members | case | type | wall s | Graph req | $batch | photo MB downloaded | photos stored | photo changes | card versions | 429s | early retries | worker peak RSS MB |';
  const rule = '|' + ' --- |'.repeat(13);
  const rows = report.results.map((r) => {
    const p = r.photos!;
    return [
      r.members,
      r.case,
      r.syncType,
      r.wallSeconds.toFixed(1),
      r.graphRequests,
      p.batches,
      (p.bytesDownloaded / 1e6).toFixed(1),
      p.photosStored,
      p.photoChanges,
      r.cardVersionsWritten,
      p.throttled,
      p.earlyRetries,
      r.workerPeakRssMb.toFixed(0),
    ].join(' | ');
  });
  return [
    `Ran ${report.ranAt} on ${report.machine}; Graph latency ${report.latencyMs} ms per request ($batch: one request).`,
    '',
    header,
    rule,
    ...rows.map((row) => `| ${row} |`),
  ].join('\n');
}

/** The markdown table the README shows. */
export function renderTable(report: BenchReport): string {
  if (report.results.length && report.results.every((r) => r.photos)) return renderPhotoTable(report);
  const header =
    '| members | case | type | wall s | floor s | × floor | members/s | Graph req | SQL stmts | history events | worker peak RSS MB | card versions |';
  const rule = '|' + ' --- |'.repeat(12);
  const rows = report.results.map((r) =>
    [
      r.members,
      r.case,
      r.syncType,
      r.wallSeconds.toFixed(1),
      r.pagingFloorSeconds.toFixed(1),
      r.ratioToFloor === null ? '–' : r.ratioToFloor.toFixed(2),
      Math.round(r.membersPerSecond),
      r.graphRequests,
      r.sqlStatements,
      r.historyEvents,
      r.workerPeakRssMb.toFixed(0),
      r.cardVersionsWritten,
    ].join(' | '),
  );
  return [
    `Ran ${report.ranAt} on ${report.machine}; Graph latency ${report.latencyMs} ms per request.`,
    '',
    header,
    rule,
    ...rows.map((row) => `| ${row} |`),
    ...webhookRows(report.results),
  ].join('\n');
}

/** The webhook case's delivery, under the table: the sync's own row is in it. */
function webhookRows(results: CaseResult[]): string[] {
  const cases = results.filter((r) => r.webhooks);
  if (!cases.length) return [];
  return [
    '',
    "| members | card.created delivered | by the run's end | last one after the run's end, s |",
    '|' + ' --- |'.repeat(4),
    ...cases.map(
      (r) =>
        `| ${r.members} | ${r.webhooks!.delivered} | ${r.webhooks!.deliveredAtRunEnd} | ${r.webhooks!.secondsAfterRunEnd?.toFixed(1) ?? 'not all within 300 s'} |`,
    ),
  ];
}
