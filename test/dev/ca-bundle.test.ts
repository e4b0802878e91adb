import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeCaBundle } from '../../dev/ca-bundle';
import { StartupError } from '../../dev/startup-error';
import { ensureEmulatorCertificates, type EmulatorCertificates } from '../../emulator/certificates';

/** An HTTPS server on 127.0.0.1 with the given certificate, answering 200 "ok". */
async function httpsServer(certs: EmulatorCertificates): Promise<{ url: string; close(): Promise<void> }> {
  const server = https.createServer({ cert: certs.serverCertPem, key: certs.serverKeyPem }, (_req, res) =>
    res.end('ok'),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** What a worker or api process started with this NODE_EXTRA_CA_CERTS gets from `url`. */
function fetchInChild(url: string, caFile: string): Promise<string> {
  const script = `fetch(${JSON.stringify(url)}).then(r => r.text()).then(t => console.log(t), e => console.log('failed: ' + (e.cause?.code ?? e.message)))`;
  return new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      ['-e', script],
      { env: { PATH: process.env.PATH, NODE_EXTRA_CA_CERTS: caFile } },
      (err, stdout) => (err ? reject(err) : resolve(stdout.trim())),
    ),
  );
}

describe("npm start's trust bundle (issue 19: an operator's CA)", () => {
  let tmp: string;
  let operator: EmulatorCertificates;
  let demo: EmulatorCertificates;
  let operatorServer: Awaited<ReturnType<typeof httpsServer>>;
  let demoServer: Awaited<ReturnType<typeof httpsServer>>;

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'ecs-ca-bundle-'));
    // Two unrelated CAs: the operator's own (a corporate proxy's, say) and the demo emulator's.
    operator = ensureEmulatorCertificates(path.join(tmp, 'operator-ca'));
    demo = ensureEmulatorCertificates(path.join(tmp, 'demo-ca'));
    operatorServer = await httpsServer(operator);
    demoServer = await httpsServer(demo);
  });
  afterAll(async () => {
    await operatorServer?.close();
    await demoServer?.close();
    await rm(tmp, { recursive: true, force: true });
  });

  it("when the operator passed NODE_EXTRA_CA_CERTS, then the children trust both the operator's CA and the demo's", async () => {
    const bundle = await writeCaBundle({
      dataDir: path.join(tmp, 'data'),
      operatorCaFile: operator.caCertPath,
      demoCaFile: demo.caCertPath,
    });
    expect(path.dirname(bundle)).toBe(path.join(tmp, 'data'));
    expect(await fetchInChild(operatorServer.url, bundle)).toBe('ok');
    expect(await fetchInChild(demoServer.url, bundle)).toBe('ok');
  });

  it("when only the demo's CA is passed (the old behaviour), then the operator's server is not trusted (control)", async () => {
    expect(await fetchInChild(operatorServer.url, demo.caCertPath)).toMatch(/^failed: /);
    expect(await fetchInChild(demoServer.url, demo.caCertPath)).toBe('ok');
  });

  it('when no operator CA is set, then the bundle holds the demo CA alone', async () => {
    const bundle = await writeCaBundle({
      dataDir: path.join(tmp, 'data-alone'),
      operatorCaFile: undefined,
      demoCaFile: demo.caCertPath,
    });
    expect(await fetchInChild(demoServer.url, bundle)).toBe('ok');
    expect(await fetchInChild(operatorServer.url, bundle)).toMatch(/^failed: /);
  });

  it("when the operator's CA file cannot be read, then the start fails with one line naming it", async () => {
    const missing = path.join(tmp, 'no-such-ca.pem');
    const err = await writeCaBundle({
      dataDir: path.join(tmp, 'data-missing'),
      operatorCaFile: missing,
      demoCaFile: demo.caCertPath,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StartupError);
    expect((err as Error).message).toBe(
      `NODE_EXTRA_CA_CERTS=${missing} cannot be read (ENOENT): fix the path or unset it`,
    );
  });
});
