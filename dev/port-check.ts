import net from 'node:net';
import { StartupError } from './startup-error';

/** Fails with one line naming the port, what wanted it and the variable that moves it. */
export async function ensurePortFree(port: number, what: string, variable: string): Promise<void> {
  const free = await new Promise<boolean>((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    // Unspecified address, as the api listens: a listener on any interface makes it busy.
    srv.listen(port, () => srv.close(() => resolve(true)));
  });
  if (!free) {
    throw new StartupError(
      `port ${port} (${what}) is already in use: stop what listens there, or set ${variable} to another port (e.g. ${variable}=${port + 1})`,
    );
  }
}
