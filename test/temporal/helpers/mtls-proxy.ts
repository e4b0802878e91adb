import forge from 'node-forge';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { ensureEmulatorCertificates, serialNumber } from '../../../emulator/certificates';

export interface MtlsProxy {
  /** `localhost:port`: the name the server certificate is for. */
  address: string;
  caPath: string;
  clientCertPath: string;
  clientKeyPath: string;
  /** Connections that presented a client certificate the CA signed. */
  authorizedClients(): number;
  close(): Promise<void>;
}

/** A client certificate signed by the throwaway CA, for `clientAuth`. */
function clientCertificate(caPem: string, caKeyPem: string): { cert: string; key: string } {
  const ca = forge.pki.certificateFromPem(caPem);
  const keys = forge.pki.rsa.generateKeyPair({ bits: 2048 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serialNumber();
  cert.validity.notBefore = new Date(Date.now() - 86_400_000);
  cert.validity.notAfter = new Date(Date.now() + 86_400_000);
  cert.setSubject([{ name: 'commonName', value: 'entra-card-sync worker' }]);
  cert.setIssuer(ca.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', clientAuth: true },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(caKeyPem) as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: forge.pki.privateKeyToPem(keys.privateKey) };
}

/**
 * Terminates mutual TLS (HTTP/2 by ALPN, as gRPC needs) and passes the bytes to a plaintext
 * Temporal server: what a secured cluster looks like to a client, without one to run.
 */
export async function startMtlsProxy(upstream: string): Promise<MtlsProxy> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mtls-proxy-'));
  const certs = ensureEmulatorCertificates(dir);
  const caPem = await readFile(certs.caCertPath, 'utf8');
  const client = clientCertificate(caPem, await readFile(path.join(dir, 'ca-key.pem'), 'utf8'));
  const clientCertPath = path.join(dir, 'client.pem');
  const clientKeyPath = path.join(dir, 'client-key.pem');
  await writeFile(clientCertPath, client.cert);
  await writeFile(clientKeyPath, client.key);

  const [host, port] = [upstream.slice(0, upstream.lastIndexOf(':')), Number(upstream.split(':').pop())];
  let authorized = 0;
  const sockets = new Set<net.Socket>();
  const server = tls.createServer(
    {
      cert: certs.serverCertPem,
      key: certs.serverKeyPem,
      ca: caPem,
      requestCert: true,
      rejectUnauthorized: true,
      ALPNProtocols: ['h2'],
    },
    (socket) => {
      if (socket.authorized) authorized += 1;
      const back = net.connect(port, host);
      sockets.add(socket).add(back);
      socket.pipe(back).pipe(socket);
      const end = () => {
        socket.destroy();
        back.destroy();
      };
      socket.on('error', end).on('close', end);
      back.on('error', end).on('close', end);
    },
  );
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: listening } = server.address() as net.AddressInfo;
  return {
    address: `localhost:${listening}`,
    caPath: certs.caCertPath,
    clientCertPath,
    clientKeyPath,
    authorizedClients: () => authorized,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
