import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import forge from 'node-forge';

export interface EmulatorCertificates {
  /** give this to NODE_EXTRA_CA_CERTS in every process that talks to the emulator */
  caCertPath: string;
  serverCertPem: string;
  serverKeyPem: string;
}

const FILES = { ca: 'ca.pem', caKey: 'ca-key.pem', server: 'server.pem', serverKey: 'server-key.pem' };
const SERVER_NAMES = { dns: ['localhost'], ips: ['127.0.0.1', '::1'] };
const DAY_MS = 86_400_000;

/** Writes via a temporary file and rename, so a concurrent reader never sees half a PEM. */
function writeAtomically(path: string, content: string | Buffer): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, content, { mode: 0o600 });
  renameSync(tmp, path);
}

/**
 * A positive random serial in minimal DER: 16 bytes whose first is 0x01..0x7f. A leading zero
 * byte is "illegal padding" to OpenSSL, which then ignores the whole NODE_EXTRA_CA_CERTS file.
 */
export function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f || 0x01;
  return bytes.toString('hex');
}

function makeCa(): { cert: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey } {
  const keys = forge.pki.rsa.generateKeyPair({ bits: 2048 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serialNumber();
  cert.validity.notBefore = new Date(Date.now() - DAY_MS);
  cert.validity.notAfter = new Date(Date.now() + 5 * 365 * DAY_MS);
  const subject = [
    { name: 'commonName', value: 'entra-card-sync Graph emulator CA (throwaway)' },
    { name: 'organizationName', value: 'entra-card-sync tests' },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { cert, key: keys.privateKey };
}

function makeServerCert(ca: { cert: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey }) {
  const keys = forge.pki.rsa.generateKeyPair({ bits: 2048 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serialNumber();
  cert.validity.notBefore = new Date(Date.now() - DAY_MS);
  cert.validity.notAfter = new Date(Date.now() + 365 * DAY_MS);
  cert.setSubject([{ name: 'commonName', value: 'localhost' }]);
  cert.setIssuer(ca.cert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        ...SERVER_NAMES.dns.map((value) => ({ type: 2, value })),
        ...SERVER_NAMES.ips.map((ip) => ({ type: 7, ip })),
      ],
    },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: ca.cert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(ca.key, forge.md.sha256.create());
  return { cert, key: keys.privateKey };
}

function stillUsable(certPem: string): boolean {
  try {
    const cert = forge.pki.certificateFromPem(certPem);
    return cert.validity.notAfter.getTime() - Date.now() > 7 * DAY_MS;
  } catch {
    return false;
  }
}

/**
 * Creates (or reuses from dataDir) a throwaway CA and a server certificate for 127.0.0.1 and localhost.
 * Reuse keeps the CA stable, so a NODE_EXTRA_CA_CERTS set before processes start stays valid across
 * emulator restarts. Call this before spawning processes that must trust the emulator.
 */
export function ensureEmulatorCertificates(dataDir: string): EmulatorCertificates {
  mkdirSync(dataDir, { recursive: true });
  const path = (name: keyof typeof FILES) => join(dataDir, FILES[name]);
  const read = (name: keyof typeof FILES) =>
    existsSync(path(name)) ? readFileSync(path(name), 'utf8') : null;

  let caPem = read('ca');
  let caKeyPem = read('caKey');
  if (!caPem || !caKeyPem || !stillUsable(caPem)) {
    const ca = makeCa();
    caPem = forge.pki.certificateToPem(ca.cert);
    caKeyPem = forge.pki.privateKeyToPem(ca.key);
    writeAtomically(path('caKey'), caKeyPem);
    writeAtomically(path('ca'), caPem);
  }
  let serverPem = read('server');
  let serverKeyPem = read('serverKey');
  const issuedByCa = serverPem && stillUsable(serverPem) && verifiesWith(caPem, serverPem);
  if (!serverPem || !serverKeyPem || !issuedByCa) {
    const ca = { cert: forge.pki.certificateFromPem(caPem), key: forge.pki.privateKeyFromPem(caKeyPem) };
    const server = makeServerCert(ca);
    serverPem = forge.pki.certificateToPem(server.cert);
    serverKeyPem = forge.pki.privateKeyToPem(server.key);
    writeAtomically(path('serverKey'), serverKeyPem);
    writeAtomically(path('server'), serverPem);
  }
  return { caCertPath: path('ca'), serverCertPem: serverPem, serverKeyPem };
}

function verifiesWith(caPem: string, certPem: string): boolean {
  try {
    return forge.pki.certificateFromPem(caPem).verify(forge.pki.certificateFromPem(certPem));
  } catch {
    return false;
  }
}

/** The HS256 key the emulator signs access tokens with; kept so tokens outlive a restart. */
export function ensureSigningKey(dataDir: string): Buffer {
  const path = join(dataDir, 'token-signing.key');
  if (existsSync(path)) return Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
  const key = randomBytes(32);
  mkdirSync(dataDir, { recursive: true });
  writeAtomically(path, key.toString('base64'));
  return key;
}
