import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/config';
import { ConfigError } from '../../config/dev-defaults';
import { DEV_ENCRYPTION_KEY } from '../../config/encryption-keys';

const STRONG_TOKEN = 'a'.repeat(40);
const KEY_A = Buffer.alloc(32, 1).toString('base64');
const KEY_B = Buffer.alloc(32, 2).toString('hex');

function refusal(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).not.toContain('\n');
    return err as ConfigError;
  }
  throw new Error('expected loadConfig to refuse');
}

describe('production refuses development defaults (issue 20, item 4)', () => {
  it('when NODE_ENV=production has no ADMIN_TOKEN or the development one, then start is refused in one line', () => {
    expect(refusal({ NODE_ENV: 'production', ENCRYPTION_KEYS: `k1:${KEY_A}` }).message).toMatch(
      /^refusing to start with NODE_ENV=production: ADMIN_TOKEN is unset or the development token; set ADMIN_TOKEN/,
    );
    expect(
      refusal({ NODE_ENV: 'production', ADMIN_TOKEN: 'dev-admin-token', ENCRYPTION_KEYS: `k1:${KEY_A}` })
        .message,
    ).toMatch(/development token/);
  });

  it('when the production ADMIN_TOKEN is shorter than 32 characters, then start is refused', () => {
    expect(
      refusal({ NODE_ENV: 'production', ADMIN_TOKEN: 'x'.repeat(31), ENCRYPTION_KEYS: `k1:${KEY_A}` })
        .message,
    ).toMatch(/ADMIN_TOKEN is shorter than 32 characters/);
  });

  it('when production has no encryption key, or the fixed development key, then start is refused', () => {
    expect(refusal({ NODE_ENV: 'production', ADMIN_TOKEN: STRONG_TOKEN }).message).toMatch(
      /ENCRYPTION_KEYS is unset or holds the development key/,
    );
    const dev = DEV_ENCRYPTION_KEY.toString('base64');
    expect(
      refusal({ NODE_ENV: 'production', ADMIN_TOKEN: STRONG_TOKEN, ENCRYPTION_KEY: dev }).message,
    ).toMatch(/development key/);
    expect(
      refusal({
        NODE_ENV: 'production',
        ADMIN_TOKEN: STRONG_TOKEN,
        ENCRYPTION_KEYS: `new:${KEY_A},old:${dev}`,
      }).message,
    ).toMatch(/development key/);
  });

  it('when production has a strong token and its own keys, then it starts with no warning', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      ADMIN_TOKEN: STRONG_TOKEN,
      ENCRYPTION_KEYS: `k2:${KEY_B},k1:${KEY_A}`,
    });
    expect(config.devDefaultsWarning).toBeNull();
    expect(config.encryptionKey.keys.map((k) => k.id)).toEqual(['k2', 'k1']);
    expect(config.encryptionKey.keys[0]!.key.equals(Buffer.alloc(32, 2))).toBe(true);
  });

  it('when a local process uses either default, then it gets one warning line naming them', () => {
    expect(loadConfig({}).devDefaultsWarning).toBe(
      'using the development ADMIN_TOKEN and the development encryption key: fine for a local demo, refused with NODE_ENV=production',
    );
    expect(loadConfig({ ADMIN_TOKEN: 'mine' }).devDefaultsWarning).toMatch(
      /^using the development encryption key/,
    );
    expect(loadConfig({ ADMIN_TOKEN: 'mine', ENCRYPTION_KEY: KEY_A }).devDefaultsWarning).toBeNull();
    expect(loadConfig({ ENCRYPTION_KEY: KEY_A }).encryptionKey.keys[0]!.id).toBe('default');
  });

  it('when ENCRYPTION_KEYS, OUTBOUND_ALLOW_HOSTS or a GRAPH_MAX_* value is malformed, then the message names it', () => {
    expect(() => loadConfig({ ENCRYPTION_KEYS: KEY_A })).toThrow(/ENCRYPTION_KEYS entry/);
    expect(() => loadConfig({ ENCRYPTION_KEYS: 'k1:short' })).toThrow(
      /ENCRYPTION_KEYS key "k1" must be 32 bytes/,
    );
    expect(() => loadConfig({ ENCRYPTION_KEYS: `k1:${KEY_A},k1:${KEY_B}` })).toThrow(/names key "k1" twice/);
    expect(() => loadConfig({ OUTBOUND_ALLOW_HOSTS: 'https://x.test' })).toThrow(
      /OUTBOUND_ALLOW_HOSTS entry/,
    );
    expect(() => loadConfig({ GRAPH_MAX_PAGES: '0' })).toThrow(
      /GRAPH_MAX_PAGES=0 is not a positive whole number/,
    );
    const config = loadConfig({
      GRAPH_MAX_PAGES: '10',
      GRAPH_MAX_RETRY_WAIT_SECONDS: '30',
      METRICS_TOKEN: 'm',
    });
    expect(config.graphLimits).toMatchObject({ maxPages: 10, maxTotalRetryWaitMs: 30_000 });
    expect(config.metricsToken).toBe('m');
  });
});

describe('WEBHOOK_DELIVERY', () => {
  it('when unset, on or off, then the worker sends webhooks, or leaves them to other workers; anything else is refused', () => {
    expect(loadConfig({}).webhookDelivery).toBe(true);
    expect(loadConfig({ WEBHOOK_DELIVERY: 'on' }).webhookDelivery).toBe(true);
    expect(loadConfig({ WEBHOOK_DELIVERY: 'off' }).webhookDelivery).toBe(false);
    expect(() => loadConfig({ WEBHOOK_DELIVERY: 'sometimes' })).toThrow(
      /WEBHOOK_DELIVERY=sometimes must be on or off/,
    );
  });
});
