import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { nonPublicKind } from './ip-ranges';
import { OutboundRefusedError } from './outbound-refused';

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/** The shape net.connect / tls.connect accept as their `lookup` option. */
export type LookupFunction = (hostname: string, options: LookupOptions, callback: LookupCallback) => void;

/**
 * A `lookup` for sockets that refuses a name resolving to a loopback, private, link-local or
 * metadata address. It runs when the socket connects, on the addresses it will use, so a name that
 * resolves to a public address when a URL is checked and to 127.0.0.1 later (DNS rebinding) is refused.
 */
export function guardedLookup(base: LookupFunction = dnsLookup as unknown as LookupFunction): LookupFunction {
  return (hostname, options, callback) => {
    const opts: LookupOptions =
      typeof options === 'object' && options !== null ? options : { family: options };
    base(hostname, { ...opts, all: true }, (err, addresses) => {
      if (err) return callback(err, opts.all ? [] : '');
      const list = addresses as LookupAddress[];
      const refused = list.find((a) => nonPublicKind(a.address) !== null);
      if (refused) {
        const kind = nonPublicKind(refused.address);
        return callback(
          new OutboundRefusedError({
            rule: 'public_address',
            message: `outbound rule public_address: ${hostname} resolves to ${refused.address}, a ${kind} address; list it in the operator's OUTBOUND_ALLOW_HOSTS to allow it`,
          }) as unknown as NodeJS.ErrnoException,
          opts.all ? [] : '',
        );
      }
      if (list.length === 0)
        return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '');
      if (opts.all) return callback(null, list);
      return callback(null, list[0].address, list[0].family);
    });
  };
}
