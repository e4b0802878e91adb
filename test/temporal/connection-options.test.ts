import { Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { loadConfig } from '../../config/config';
import { parseTemporalSecurity, PLAINTEXT_TEMPORAL } from '../../config/temporal-security';
import { buildTemporalConnectionOptions, describeTemporalSecurity } from '../../temporal/connection-options';
import { startMtlsProxy, type MtlsProxy } from './helpers/mtls-proxy';

describe('Temporal connection options', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'temporal-tls-'));
    await writeFile(path.join(dir, 'client.pem'), 'CERT');
    await writeFile(path.join(dir, 'client.key'), 'KEY');
    await writeFile(path.join(dir, 'ca.pem'), 'CA');
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('when nothing is set, then the options are the address alone, as for the dev server', async () => {
    const config = loadConfig({ TEMPORAL_ADDRESS: 'localhost:7233' });
    expect(config.temporalSecurity).toEqual(PLAINTEXT_TEMPORAL);
    const options = await buildTemporalConnectionOptions('localhost:7233', config.temporalSecurity, () => {
      throw new Error('a plain setup reads no file');
    });
    expect(options).toEqual({ address: 'localhost:7233' });
    expect(describeTemporalSecurity(options)).toBe('plaintext');
  });

  it('when TEMPORAL_TLS_CERT, _KEY and _CA are set, then the files are read into an mTLS config with the CA', async () => {
    const security = parseTemporalSecurity({
      TEMPORAL_TLS_CERT: path.join(dir, 'client.pem'),
      TEMPORAL_TLS_KEY: path.join(dir, 'client.key'),
      TEMPORAL_TLS_CA: path.join(dir, 'ca.pem'),
      TEMPORAL_TLS_SERVER_NAME: 'temporal.internal',
    });
    const options = await buildTemporalConnectionOptions('temporal.internal:7233', security);
    expect(options).toEqual({
      address: 'temporal.internal:7233',
      tls: {
        clientCertPair: { crt: Buffer.from('CERT'), key: Buffer.from('KEY') },
        serverRootCACertificate: Buffer.from('CA'),
        serverNameOverride: 'temporal.internal',
      },
    });
    expect(describeTemporalSecurity(options)).toBe('tls, client certificate, private CA');
  });

  it('when only TEMPORAL_API_KEY is set, then the connection is TLS with the system CAs and the key', async () => {
    const options = await buildTemporalConnectionOptions(
      'eu-west-1.aws.api.temporal.io:7233',
      parseTemporalSecurity({ TEMPORAL_API_KEY: 'cloud-key' }),
    );
    expect(options).toEqual({ address: 'eu-west-1.aws.api.temporal.io:7233', tls: {}, apiKey: 'cloud-key' });
    expect(describeTemporalSecurity(options)).toBe('tls, API key');
  });

  it('when only one of the certificate and key is set, or a file cannot be read, then start-up fails naming the variable', async () => {
    expect(() => parseTemporalSecurity({ TEMPORAL_TLS_CERT: '/x.pem' })).toThrow(/TEMPORAL_TLS_KEY/);
    expect(() => loadConfig({ TEMPORAL_TLS_KEY: '/x.key' })).toThrow(/set both or neither/);
    await expect(
      buildTemporalConnectionOptions(
        'h:7233',
        parseTemporalSecurity({ TEMPORAL_TLS_CA: path.join(dir, 'none.pem') }),
      ),
    ).rejects.toThrow(/TEMPORAL_TLS_CA=.*none\.pem could not be read/);
  });
});

describe('Temporal over mutual TLS (a TLS proxy in front of the dev server)', () => {
  let proxy: MtlsProxy;
  beforeAll(async () => {
    proxy = await startMtlsProxy(inject('temporalAddress'));
  });
  afterAll(async () => proxy?.close());

  it('when the client certificate and CA are given, then the api client and the worker connection both reach Temporal through it', async () => {
    const options = await buildTemporalConnectionOptions(
      proxy.address,
      parseTemporalSecurity({
        TEMPORAL_TLS_CERT: proxy.clientCertPath,
        TEMPORAL_TLS_KEY: proxy.clientKeyPath,
        TEMPORAL_TLS_CA: proxy.caPath,
      }),
    );
    const connection = await Connection.connect(options);
    try {
      const info = await connection.workflowService.getSystemInfo({});
      expect(info.capabilities).toBeTruthy();
    } finally {
      await connection.close();
    }
    const native = await NativeConnection.connect(options);
    await native.close();
    expect(proxy.authorizedClients()).toBeGreaterThanOrEqual(2);
  });

  it('when no client certificate is given, then the proxy refuses the connection', async () => {
    const options = await buildTemporalConnectionOptions(
      proxy.address,
      parseTemporalSecurity({ TEMPORAL_TLS_CA: proxy.caPath }),
    );
    const attempt = Connection.connect({ ...options, connectTimeout: 3000 }).then(async (c) => {
      try {
        await c.workflowService.getSystemInfo({});
      } finally {
        await c.close();
      }
    });
    await expect(attempt).rejects.toThrow();
  });
});
