import { describe, expect, it } from 'vitest';
import { afterAttempt, RETRY_DELAYS_MS } from '../../domain/webhook-retry';
import { selectedEventTypes } from '../../domain/webhook-events';
import { signWebhook, webhookSigningKey } from '../../domain/webhook-signature';

const at = new Date('2026-12-04T12:00:00Z');
const failed = (statusCode: number | null) => ({ at, statusCode, durationMs: 40, error: 'boom' });

describe('the webhook retry schedule', () => {
  it('when attempts keep failing, then the first retry comes within a minute, delays grow, and the last attempt is over a day after the first', () => {
    expect(RETRY_DELAYS_MS[0]).toBeLessThanOrEqual(60_000);
    for (let i = 1; i < RETRY_DELAYS_MS.length; i++)
      expect(RETRY_DELAYS_MS[i]).toBeGreaterThanOrEqual(RETRY_DELAYS_MS[i - 1]!);
    expect(RETRY_DELAYS_MS.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(24 * 3_600_000);

    let before = 0;
    let when = at.getTime();
    for (const delay of RETRY_DELAYS_MS) {
      const next = afterAttempt({ ...failed(503), at: new Date(when) }, before);
      expect(next.status).toBe('pending');
      expect(next.nextAttemptAt!.getTime()).toBe(when + 40 + delay);
      expect(next.attempt.nextRetryAt).toBe(next.nextAttemptAt!.toISOString());
      when = next.nextAttemptAt!.getTime();
      before++;
    }
    const last = afterAttempt(failed(503), before);
    expect(last).toMatchObject({ status: 'failed', nextAttemptAt: null, attempt: { nextRetryAt: null } });
  });

  it('when the receiver answers 2xx, then it is delivered; 410 keeps it owed for when the endpoint is enabled again; a redirect or no answer is a failure', () => {
    expect(afterAttempt({ at, statusCode: 204, durationMs: 5, error: null }, 3)).toMatchObject({
      status: 'delivered',
      nextAttemptAt: null,
    });
    expect(afterAttempt(failed(410), 0)).toMatchObject({
      status: 'pending',
      nextAttemptAt: at,
      attempt: { statusCode: 410, nextRetryAt: null },
    });
    expect(afterAttempt(failed(301), 0).status).toBe('pending');
    expect(afterAttempt(failed(null), 0).attempt).toMatchObject({ statusCode: null, error: 'boom' });
  });
});

describe('webhook filters and signatures', () => {
  it('when an endpoint names types and subjects, then it gets exactly those types', () => {
    expect(selectedEventTypes(['card.*', 'sync_run.failed'])).toEqual([
      'card.created',
      'card.updated',
      'card.deactivated',
      'sync_run.failed',
    ]);
    expect(selectedEventTypes(['*'])).toHaveLength(10);
  });

  it('when signed under two keys, then the header holds one v1 signature per key over id.timestamp.body', () => {
    // the example of the Standard Webhooks specification's reference libraries
    const key = webhookSigningKey('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
    expect(signWebhook([key], 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}')).toBe(
      'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    );
    const two = signWebhook([key, Buffer.alloc(24, 1)], 'a', 1, '{}').split(' ');
    expect(two).toHaveLength(2);
    expect(two.every((s) => s.startsWith('v1,'))).toBe(true);
  });
});
