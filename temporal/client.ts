import { Client, Connection } from '@temporalio/client';
import type { TemporalConnectionOptions } from './connection-options';

export interface TemporalClientOptions {
  /** Built by buildTemporalConnectionOptions: the address, and TLS or an API key when set. */
  connection: TemporalConnectionOptions;
  namespace: string;
}

/** A Temporal client for the API (and the Schedules it manages); the caller closes `connection` on shutdown. */
export async function createTemporalClient(
  opts: TemporalClientOptions,
): Promise<{ client: Client; connection: Connection }> {
  const connection = await Connection.connect(opts.connection);
  return { client: new Client({ connection, namespace: opts.namespace }), connection };
}
