import type { ButtonHTMLAttributes } from 'react';

type Props = ButtonHTMLAttributes<HTMLButtonElement> & { busy: boolean; busyLabel?: string };

/** A button that says it is working (and cannot be pressed twice) while its action runs. */
export function BusyButton({ busy, busyLabel, children, disabled, ...rest }: Props) {
  return (
    <button {...rest} disabled={busy || disabled} aria-busy={busy}>
      {busy ? (busyLabel ?? 'Working…') : children}
    </button>
  );
}
