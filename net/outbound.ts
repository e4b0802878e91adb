import type https from 'node:https';
import { createGuardedAgent, type GuardedAgentOptions } from './guarded-agent';
import { fetchThroughAgent, type FetchLike } from './guarded-fetch';
import { checkOutboundUrl, MICROSOFT_HOSTS, type OutboundPolicy } from './outbound-policy';
import { OutboundRefusedError } from './outbound-refused';

/**
 * The one way out of the process: the operator's policy, a guarded agent (one per process, so
 * connections are pooled) and a fetch that checks each URL before it connects.
 */
export interface Outbound {
  policy: OutboundPolicy;
  agent: https.Agent;
  /** refuses (OutboundRefusedError) a URL outside `hosts` (Microsoft's by default) and the allow-list */
  fetch(input: string | URL | Request, init?: RequestInit, hosts?: readonly string[]): Promise<Response>;
}

export function createOutbound(policy: OutboundPolicy, opts: GuardedAgentOptions = {}): Outbound {
  const agent = createGuardedAgent(policy, opts);
  const send: FetchLike = fetchThroughAgent(agent);
  return {
    policy,
    agent,
    async fetch(input, init, hosts = MICROSOFT_HOSTS) {
      const url = input instanceof Request ? input.url : String(input);
      const refusal = checkOutboundUrl(url, policy, hosts);
      if (refusal) throw new OutboundRefusedError(refusal);
      return send(input, init);
    },
  };
}
