import {
  checkOutboundUrl,
  MICROSOFT_AUTHORITY_HOSTS,
  MICROSOFT_GRAPH_HOSTS,
  type OutboundPolicy,
} from '../net/outbound-policy';
import { HttpProblem } from './http/problem';

/**
 * A workspace may point its connection at Microsoft's clouds only, or at what the operator
 * allow-listed: checked on the URLs alone, before anything is stored and without any connection.
 * The answer names the rule, never what the host would have answered (no port scanning).
 */
export function requireAllowedConnectionHosts(
  policy: OutboundPolicy,
  urls: { authorityHost: string; graphBaseUrl: string },
): void {
  const refusals = [
    {
      path: 'body.authorityHost',
      refusal: checkOutboundUrl(urls.authorityHost, policy, MICROSOFT_AUTHORITY_HOSTS),
    },
    {
      path: 'body.graphBaseUrl',
      refusal: checkOutboundUrl(urls.graphBaseUrl, policy, MICROSOFT_GRAPH_HOSTS),
    },
  ].filter((r) => r.refusal !== null);
  if (refusals.length === 0) return;
  const first = refusals[0].refusal!;
  throw new HttpProblem(400, `${first.message}`, {
    code: 'outbound_refused',
    rule: first.rule,
    errors: refusals.map((r) => ({ path: r.path, message: r.refusal!.message, rule: r.refusal!.rule })),
  });
}
