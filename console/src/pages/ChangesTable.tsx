import type { Schemas } from '../api/client';
import { href } from '../app/route';
import { when } from '../ui/format';
import { TableWrap } from '../ui/TableWrap';

/** Per-recipient changes, field: old → new, with the reason (and whose, unless one recipient's). */
export function ChangesTable({
  items,
  label,
  showRecipient = true,
}: {
  items: Schemas['RecipientChange'][];
  label: string;
  showRecipient?: boolean;
}) {
  if (items.length === 0) return <p>No changes recorded.</p>;
  return (
    <TableWrap label={label}>
      <table>
        <thead>
          <tr>
            <th scope="col">When</th>
            {showRecipient && <th scope="col">Recipient</th>}
            <th scope="col">Change</th>
            <th scope="col">Field: old → new</th>
            <th scope="col">Reason</th>
          </tr>
        </thead>
        <tbody>
          {items.map((c) => (
            <tr key={c.id}>
              <td>{when(c.createdAt)}</td>
              {showRecipient && (
                <td>
                  {c.recipientId ? (
                    <a href={href('recipients', c.recipientId)}>{c.entraUserId ?? 'recipient'}</a>
                  ) : (
                    (c.entraUserId ?? '—')
                  )}
                </td>
              )}
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
    </TableWrap>
  );
}
