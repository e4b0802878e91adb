import { inject } from 'vitest';
import { entraClientFactory } from '../../graph/entra-client';
import type { GraphLimits } from '../../contracts/graph-limits';
import { createOutbound, type Outbound } from '../../net/outbound';
import { parseOutboundAllowHosts, type OutboundPolicy } from '../../net/outbound-policy';

/** The policy the tests run under: Microsoft's clouds plus the emulator's host:port, as OUTBOUND_ALLOW_HOSTS would say. */
export function emulatorOutboundPolicy(): OutboundPolicy {
  return parseOutboundAllowHosts(new URL(inject('emulatorUrl')).host);
}

let shared: Outbound | null = null;
/** One guarded outbound path per test process (one pooled agent, as an entry point builds). */
export function emulatorOutbound(): Outbound {
  shared ??= createOutbound(emulatorOutboundPolicy());
  return shared;
}

/** The real client factory the worker and api build, on the emulator's allow-list. */
export function emulatorEntraClientFor(limits?: GraphLimits) {
  return entraClientFactory(emulatorOutbound(), limits);
}
