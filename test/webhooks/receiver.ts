import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

/** One request a receiver got, with what it answered. */
export interface Received {
  id: string;
  timestamp: string;
  signature: string;
  body: string;
  json: { id: string; type: string; data: Record<string, unknown> };
  status: number;
}

export interface Receiver {
  url: string;
  /** host:port, as OUTBOUND_ALLOW_HOSTS names it */
  host: string;
  received: Received[];
  /** what the next request is answered (default 200; null: never answered) */
  answer: (req: Omit<Received, 'status'>) => number | null;
  close(): Promise<void>;
}

/**
 * An HTTPS receiver on a free port, with the certificate the Graph emulator serves (the tests'
 * processes trust its CA through NODE_EXTRA_CA_CERTS).
 */
export async function startReceiver(): Promise<Receiver> {
  const dir = path.dirname(process.env.NODE_EXTRA_CA_CERTS!);
  const server = https.createServer({
    cert: readFileSync(path.join(dir, 'server.pem')),
    key: readFileSync(path.join(dir, 'server-key.pem')),
  });
  const receiver: Receiver = {
    url: '',
    host: '',
    received: [],
    answer: () => 200,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  server.on('request', (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const got = {
        id: String(req.headers['webhook-id']),
        timestamp: String(req.headers['webhook-timestamp']),
        signature: String(req.headers['webhook-signature']),
        body,
        json: JSON.parse(body) as Received['json'],
      };
      const status = receiver.answer(got);
      if (status === null) return;
      receiver.received.push({ ...got, status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  receiver.host = `localhost:${port}`;
  receiver.url = `https://localhost:${port}/hooks`;
  return receiver;
}

/** Waits until `check` holds, polling; fails with `what` after `ms`. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  what: string,
  ms = 20_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
