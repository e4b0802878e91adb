import type { Socket } from 'node:net';
import { isIP } from 'node:net';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import { guardedLookup, type LookupFunction } from './guarded-lookup';
import { nonPublicKind } from './ip-ranges';
import { isAllowListed, type OutboundPolicy } from './outbound-policy';
import { OutboundRefusedError } from './outbound-refused';

export interface GuardedAgentOptions {
  /** name resolution under the guard; tests point a name at 127.0.0.1 with it */
  lookup?: LookupFunction;
  maxSockets?: number;
}

/**
 * An https.Agent whose every connection is checked as it is made: an allow-listed host:port
 * connects as is; anything else must reach a public address (an IP literal is checked here,
 * a name by the guarded lookup, on the addresses the socket will actually use).
 */
export function createGuardedAgent(policy: OutboundPolicy, opts: GuardedAgentOptions = {}): https.Agent {
  const lookup = guardedLookup(opts.lookup);
  const plainLookup = opts.lookup;
  class GuardedAgent extends https.Agent {
    override createConnection(
      options: https.RequestOptions,
      callback?: (err: Error | null, stream: Duplex) => void,
    ): Duplex | null | undefined {
      const host = String(options.host ?? options.hostname ?? 'localhost').replace(/^\[|\]$/g, '');
      const port = Number(options.port ?? 443);
      const hostForList = isIP(host) === 6 ? `[${host}]` : host;
      if (isAllowListed(policy, hostForList, port)) {
        const connectOptions = plainLookup ? { ...options, lookup: plainLookup } : options;
        return super.createConnection(connectOptions, callback) as Socket;
      }
      if (isIP(host)) {
        const kind = nonPublicKind(host);
        if (kind) {
          const err = new OutboundRefusedError({
            rule: 'public_address',
            message: `outbound rule public_address: ${hostForList}:${port} is a ${kind} address; list it in the operator's OUTBOUND_ALLOW_HOSTS to allow it`,
          });
          process.nextTick(() => callback?.(err, undefined as unknown as Duplex));
          return undefined;
        }
        return super.createConnection(options, callback) as Socket;
      }
      return super.createConnection({ ...options, lookup }, callback) as Socket;
    }
  }
  return new GuardedAgent({ keepAlive: true, maxSockets: opts.maxSockets ?? 64 });
}
