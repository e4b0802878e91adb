import {
  AuthError,
  type INetworkModule,
  type NetworkRequestOptions,
  type NetworkResponse,
} from '@azure/msal-node';
import type { Outbound } from '../net/outbound';
import { MICROSOFT_AUTHORITY_HOSTS } from '../net/outbound-policy';
import { findOutboundRefusal } from '../net/outbound-refused';
import { readCappedText, type GraphLimits } from './limits';

/**
 * MSAL's network module on the guarded outbound path: every URL MSAL calls — instance discovery,
 * the OpenID document, and the token endpoint that document names (it receives the client secret)
 * — must pass the policy for sign-in hosts, and each answer is read up to the discovery cap.
 */
export function msalNetworkClient(
  outbound: Outbound,
  limits: Pick<GraphLimits, 'maxDiscoveryBytes'>,
): INetworkModule {
  const send = async <T>(
    url: string,
    init: RequestInit,
    timeoutMs: number | undefined,
  ): Promise<NetworkResponse<T>> => {
    let response: Response;
    try {
      response = await outbound.fetch(
        url,
        { ...init, signal: timeoutMs ? AbortSignal.timeout(timeoutMs) : undefined },
        MICROSOFT_AUTHORITY_HOSTS,
      );
    } catch (err) {
      const refusal = findOutboundRefusal(err);
      const error = refusal
        ? new AuthError('outbound_refused', refusal.message)
        : new AuthError('network_error', `Network request failed: ${(err as Error).message}`);
      throw Object.assign(error, { cause: err });
    }
    let text: string;
    try {
      text = await readCappedText(
        response,
        limits.maxDiscoveryBytes,
        `${new URL(url).host}'s sign-in answer`,
        'maxDiscoveryBytes',
      );
    } catch (err) {
      // MSAL passes on an AuthError as is; anything else it replaces with a bare network_error
      throw Object.assign(new AuthError('graph_limit_exceeded', (err as Error).message), { cause: err });
    }
    const headers: Record<string, string> = {};
    response.headers.forEach((value, key) => (headers[key] = value));
    let body: T;
    try {
      body = JSON.parse(text) as T;
    } catch {
      throw new AuthError(
        'token_parsing_error',
        `Entra ID answered HTTP ${response.status} with a body that is not JSON`,
      );
    }
    return { headers, body, status: response.status };
  };
  return {
    sendGetRequestAsync: <T>(url: string, options?: NetworkRequestOptions, timeout?: number) =>
      send<T>(url, { method: 'GET', headers: options?.headers }, timeout),
    sendPostRequestAsync: <T>(url: string, options?: NetworkRequestOptions) =>
      send<T>(url, { method: 'POST', headers: options?.headers, body: options?.body ?? '' }, 30_000),
  };
}
