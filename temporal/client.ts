import { Client, Connection } from '@temporalio/client';

export interface TemporalClientOptions {
  address: string;
  namespace: string;
}

/** A Temporal client for the API and scripts; the caller closes `connection` on shutdown. */
export async function createTemporalClient(
  opts: TemporalClientOptions,
): Promise<{ client: Client; connection: Connection }> {
  const connection = await Connection.connect({ address: opts.address });
  return { client: new Client({ connection, namespace: opts.namespace }), connection };
}
