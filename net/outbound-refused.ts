import type { OutboundRefusal, OutboundRule } from './outbound-policy';

/** Thrown (or passed to a socket callback) when a call is refused before any connection is made. */
export class OutboundRefusedError extends Error {
  readonly code = 'EOUTBOUND_REFUSED';
  readonly rule: OutboundRule;

  constructor(refusal: OutboundRefusal) {
    super(refusal.message);
    this.name = 'OutboundRefusedError';
    this.rule = refusal.rule;
  }
}

/** The refusal anywhere in an error's cause chain (fetch, MSAL and the Graph SDK all wrap errors). */
export function findOutboundRefusal(err: unknown): OutboundRefusedError | null {
  for (let current = err, depth = 0; current && depth < 8; depth++) {
    if (current instanceof OutboundRefusedError) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}
