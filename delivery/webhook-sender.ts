import https from 'node:https';
import type { LookupFunction } from '../net/guarded-lookup';
import { createGuardedAgent } from '../net/guarded-agent';
import type { OutboundPolicy } from '../net/outbound-policy';
import { checkWebhookUrl } from '../net/webhook-url';

/** What one POST to a receiver came to. */
export interface SendResult {
  statusCode: number | null;
  durationMs: number;
  error: string | null;
}

export interface WebhookSender {
  send(url: string, headers: Record<string, string>, body: string): Promise<SendResult>;
  close(): void;
}

export interface WebhookSenderOptions {
  timeoutMs: number;
  /** connections per receiver host */
  maxSockets: number;
  /** name resolution under the guard; tests point a name at 127.0.0.1 with it */
  lookup?: LookupFunction;
}

/**
 * POSTs over pooled, guarded connections (guarded-agent.ts: the operator's outbound rules apply to
 * the addresses actually connected to). Redirects are answers like any other, never followed; the
 * receiver has `timeoutMs` for the whole answer.
 */
export function createWebhookSender(policy: OutboundPolicy, opts: WebhookSenderOptions): WebhookSender {
  const agent = createGuardedAgent(policy, { maxSockets: opts.maxSockets, lookup: opts.lookup });
  return {
    async send(url, headers, body) {
      const started = performance.now();
      const took = () => Math.round(performance.now() - started);
      const refusal = checkWebhookUrl(url, policy);
      if (refusal) return { statusCode: null, durationMs: 0, error: refusal.message };
      const payload = Buffer.from(body, 'utf8');
      return new Promise<SendResult>((resolve) => {
        let settled = false;
        const finish = (result: Omit<SendResult, 'durationMs'>) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve({ ...result, durationMs: took() });
        };
        const req = https.request(url, {
          method: 'POST',
          agent,
          headers: {
            ...headers,
            'content-type': 'application/json',
            'content-length': String(payload.length),
          },
        });
        const timer = setTimeout(() => {
          finish({ statusCode: null, error: `no answer within ${opts.timeoutMs / 1000} s` });
          req.destroy();
        }, opts.timeoutMs);
        req.on('error', (err) => finish({ statusCode: null, error: describe(err) }));
        req.on('response', (res) => {
          const status = res.statusCode ?? null;
          const location = res.headers.location;
          // the body is not kept; reading it lets the connection serve the next delivery
          res.resume();
          res.on('end', () =>
            finish({
              statusCode: status,
              error:
                status !== null && status >= 300 && status < 400
                  ? `answered ${status}${location ? ` to ${location}` : ''}: redirects are not followed`
                  : status !== null && (status < 200 || status >= 300)
                    ? `answered ${status}`
                    : null,
            }),
          );
          res.on('error', (err) => finish({ statusCode: status, error: describe(err) }));
        });
        req.end(payload);
      });
    },
    close: () => agent.destroy(),
  };
}

function describe(err: Error): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (err.name === 'OutboundRefusedError') return err.message;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND') return 'the host name does not resolve';
  return code ? `${code}: ${err.message}` : err.message;
}
