/**
 * A worker's webhook dispatcher in its own process for crash tests: it SIGKILLs itself as the
 * Nth POST is answered, before the pass that sent it records anything. Forked by crash.test.ts.
 */
import { createDatabase } from '../../db/database';
import { startWebhookDispatcher } from '../../delivery/dispatcher';
import { createWebhookSender } from '../../delivery/webhook-sender';
import { parseOutboundAllowHosts } from '../../net/outbound-policy';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`crashing dispatcher needs ${name}`);
  return value;
};

const killAt = Number(env('KILL_AT_SEND'));
const db = createDatabase({ url: env('DATABASE_URL'), max: 4 });
const sender = createWebhookSender(parseOutboundAllowHosts(env('OUTBOUND_ALLOW_HOSTS')), {
  timeoutMs: 2_000,
  maxSockets: 16,
});
let sent = 0;
startWebhookDispatcher({
  db,
  sender: {
    async send(url, headers, body) {
      const result = await sender.send(url, headers, body);
      if (++sent === killAt) {
        process.kill(process.pid, 'SIGKILL');
        await new Promise(() => {});
      }
      return result;
    },
    close: () => sender.close(),
  },
  keys: Buffer.from(env('ENCRYPTION_KEY'), 'hex'),
  publicBase: 'https://cards.example.test',
  log: { warn: (fields, message) => process.stderr.write(`${message} ${String(fields.err)}\n`) },
  pollMs: 25,
  workspaceIds: [env('WORKSPACE_ID')],
});
process.send?.('ready');
