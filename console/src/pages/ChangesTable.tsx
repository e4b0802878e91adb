import type { Schemas } from '../api/client';
import { href } from '../app/route';
import { when } from '../ui/format';

/** Per-recipient changes, field: old → new, with the reason. */
export function ChangesTable({ items, label }: { items: Schemas['RecipientChange'][]; label: string }) {
  if (items.length === 0) return <p>No changes recorded.</p>;
  return (
    <div className="table-wrap">
      <table aria-label={label}>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Recipient</th>
            <th scope="col">Change</th>
            <th scope="col">Field: old → new</th>
            <th scope="col">Reason</th>
          </tr>
        </thead>
        <tbody>
          {items.map((c) => (
            <tr key={c.id}>
              <td>{when(c.createdAt)}</td>
              <td>
                {c.recipientId ? (
                  <a href={href('recipients', c.recipientId)}>{c.entraUserId ?? 'recipient'}</a>
                ) : (
                  (c.entraUserId ?? '—')
                )}
              </td>
              <td>
                {c.action.replace(/_/g, ' ')}
                {c.planned ? ' (planned)' : ''} · {c.source}
              </td>
              <td>{c.field ? `${c.field}: ${c.oldValue ?? '∅'} → ${c.newValue ?? '∅'}` : '—'}</td>
              <td>{c.reason ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
