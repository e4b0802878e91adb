import { decryptSecret, type SecretKeys } from '../config/secret-box';
import type { DispatchEndpoint } from '../db/repositories/webhook-dispatch';
import { signWebhook, webhookSigningKey } from '../domain/webhook-signature';
import type { SendResult, WebhookSender } from './webhook-sender';

/** The keys that sign: the endpoint's secret, and the one it replaced while that still signs. */
export function signingKeysOf(keys: SecretKeys, endpoint: DispatchEndpoint): Buffer[] {
  const open = (sealed: string) => webhookSigningKey(decryptSecret(sealed, keys, endpoint.workspaceId));
  const previousSigns =
    endpoint.previousSecretEncrypted &&
    endpoint.previousSecretExpiresAt &&
    endpoint.previousSecretExpiresAt > new Date();
  return [
    open(endpoint.secretEncrypted),
    ...(previousSigns ? [open(endpoint.previousSecretEncrypted!)] : []),
  ];
}

/** One attempt: the same `webhook-id` every time, a fresh timestamp and signature. */
export function sendSigned(
  sender: WebhookSender,
  url: string,
  keys: Buffer[],
  body: { id: unknown },
): Promise<SendResult> {
  const id = String(body.id);
  const json = JSON.stringify(body);
  const timestamp = Math.floor(Date.now() / 1000);
  return sender.send(
    url,
    {
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signWebhook(keys, id, timestamp, json),
      'user-agent': 'entra-card-sync-webhooks',
    },
    json,
  );
}
