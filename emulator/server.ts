import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createAccessTokens } from './access-tokens';
import { serveOpenIdConfiguration, serveToken } from './auth-endpoints';
import { ensureEmulatorCertificates, ensureSigningKey } from './certificates';
import { serveControl } from './control-routes';
import { serveGraph } from './graph-endpoint';
import { send } from './http-io';
import { createTenantRegistry, type TenantRegistry } from './tenant-registry';

export interface EmulatorOptions {
  /** 0 = any free port (default) */
  port?: number;
  /** default 127.0.0.1 */
  host?: string;
  /** where ca.pem, the server certificate and the token-signing key are written and reused */
  dataDir: string;
}

export interface RunningEmulator {
  /** https://127.0.0.1:PORT — both the authority host and the Graph base URL */
  url: string;
  /** the CA to put in NODE_EXTRA_CA_CERTS of every process that calls the emulator */
  caCertPath: string;
  close(): Promise<void>;
  /** in-process control (the same registry the /_emulator/ HTTP API drives) */
  tenants: TenantRegistry;
}

const OPENID = /^\/([^/]+)(?:\/v2\.0)?\/\.well-known\/openid-configuration$/;
const TOKEN = /^\/([^/]+)\/oauth2\/v2\.0\/token$/;

/**
 * Starts the HTTPS Graph emulator: login.microsoftonline.com (OpenID configuration, token endpoint)
 * and graph.microsoft.com (/v1.0) in one server, multi-tenant, controlled under /_emulator/.
 */
export async function startEmulator(opts: EmulatorOptions): Promise<RunningEmulator> {
  const certs = ensureEmulatorCertificates(opts.dataDir);
  const tokens = createAccessTokens(ensureSigningKey(opts.dataDir));
  const registry = createTenantRegistry();

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0];
    const baseUrl = `https://${req.headers.host}`;
    if (path.startsWith('/_emulator/')) return serveControl(req, res, registry);
    if (path.startsWith('/v1.0/')) return serveGraph(req, res, { registry, tokens });
    const openId = OPENID.exec(path);
    if (openId && req.method === 'GET')
      return serveOpenIdConfiguration(res, registry, baseUrl, decodeURIComponent(openId[1]));
    const token = TOKEN.exec(path);
    if (token && req.method === 'POST')
      return serveToken(req, res, { registry, tokens }, decodeURIComponent(token[1]));
    send(
      res,
      404,
      {},
      { error: { code: 'NotFound', message: `The emulator has no ${req.method} ${path}.` } },
    );
  };

  const server = createServer(
    { cert: certs.serverCertPem, key: certs.serverKeyPem, keepAliveTimeout: 5000 },
    (req, res) => {
      route(req, res).catch((err: unknown) => {
        if (!res.headersSent)
          send(res, 500, {}, { error: { code: 'InternalServerError', message: String(err) } });
        else res.destroy();
      });
    },
  );
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `https://${urlHost}:${port}`,
    caCertPath: certs.caCertPath,
    tenants: registry,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
