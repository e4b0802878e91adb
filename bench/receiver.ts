import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

/** A webhook receiver that answers 200 at once and counts what it got, by event type. */
export interface BenchReceiver {
  url: string;
  /** host:port for OUTBOUND_ALLOW_HOSTS */
  host: string;
  count(type: string): number;
  /** when the last request came (performance.now()) */
  lastAt(): number;
  reset(): void;
  close(): Promise<void>;
}

/** Serves HTTPS with the emulator's certificate (the worker trusts its CA). */
export async function startBenchReceiver(emulatorDataDir: string): Promise<BenchReceiver> {
  const server = https.createServer({
    cert: readFileSync(path.join(emulatorDataDir, 'server.pem')),
    key: readFileSync(path.join(emulatorDataDir, 'server-key.pem')),
    keepAliveTimeout: 30_000,
  });
  let counts = new Map<string, number>();
  let last = 0;
  server.on('request', (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      res.writeHead(200).end();
      // the type sits near the start of the body: no need to parse 100,000 bodies whole
      const type = /"type":"([^"]+)"/.exec(Buffer.concat(chunks).toString('utf8', 0, 200))?.[1] ?? '?';
      counts.set(type, (counts.get(type) ?? 0) + 1);
      last = performance.now();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://localhost:${port}/hooks`,
    host: `localhost:${port}`,
    count: (type) => counts.get(type) ?? 0,
    lastAt: () => last,
    reset: () => {
      counts = new Map();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
