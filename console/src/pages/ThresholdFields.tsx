import type { Schemas } from '../api/client';

type Options = Schemas['SyncOptions'];

const numberOrNull = (v: string): number | null => (v.trim() === '' ? null : Number(v));

/** The deletion threshold that holds a run for approval, and how long the approval may take. */
export function ThresholdFields({
  options: o,
  onChange: set,
}: {
  options: Options;
  onChange: (patch: Partial<Options>) => void;
}) {
  return (
    <fieldset>
      <legend>Hold a run for approval when it would remove more than</legend>
      <div className="field">
        <label htmlFor="th-count">this many recipients (empty: no limit)</label>
        <input
          id="th-count"
          type="number"
          min={0}
          value={o.deletionThreshold.maxCount ?? ''}
          onChange={(e) =>
            set({ deletionThreshold: { ...o.deletionThreshold, maxCount: numberOrNull(e.target.value) } })
          }
        />
      </div>
      <div className="field">
        <label htmlFor="th-percent">this percentage of the group (empty: no limit)</label>
        <input
          id="th-percent"
          type="number"
          min={0}
          max={100}
          value={o.deletionThreshold.maxPercent ?? ''}
          onChange={(e) =>
            set({
              deletionThreshold: { ...o.deletionThreshold, maxPercent: numberOrNull(e.target.value) },
            })
          }
        />
      </div>
      <div className="field">
        <label htmlFor="th-hours">Approval timeout (hours)</label>
        <input
          id="th-hours"
          type="number"
          min={1}
          max={720}
          value={o.approvalTimeoutHours}
          onChange={(e) => set({ approvalTimeoutHours: Number(e.target.value) })}
        />
      </div>
    </fieldset>
  );
}
