import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { serialNumber } from '../../emulator/certificates';
import { freshTenant } from './support/emulator';

const probe = path.join(path.dirname(fileURLToPath(import.meta.url)), 'support', 'untrusted-probe.ts');

describe('TLS trust of the emulator', () => {
  it('when a process starts without NODE_EXTRA_CA_CERTS, then calls fail with tls_untrusted saying how to trust the CA', async () => {
    const { tenant, conn } = await freshTenant({ users: 2 });
    const env = { ...process.env };
    delete env.NODE_EXTRA_CA_CERTS;
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', probe, JSON.stringify(conn), tenant.groups[0].id],
      {
        env,
        encoding: 'utf8',
        timeout: 30_000,
      },
    );
    const result = JSON.parse(child.stdout);
    expect(result).toMatchObject({ ok: false, code: 'tls_untrusted', retryable: false });
    expect(result.message).toMatch(/NODE_EXTRA_CA_CERTS=.*ca\.pem/);
  });

  it('when certificates are made, then every serial is positive minimal DER, which OpenSSL needs to load the CA at all', () => {
    // A leading zero byte made about one CA in 256 "illegal padding", and Node then ignored the file.
    for (let i = 0; i < 5000; i++) {
      const serial = serialNumber();
      expect(serial).toMatch(/^[0-9a-f]{32}$/);
      const first = parseInt(serial.slice(0, 2), 16);
      expect(first).toBeGreaterThanOrEqual(0x01);
      expect(first).toBeLessThanOrEqual(0x7f);
    }
  });
});
