/**
 * Run in a child process started WITHOUT NODE_EXTRA_CA_CERTS: tries one Graph read against the
 * emulator and prints the resulting error as JSON. Proves nothing bypasses TLS verification.
 */
import { createEntraClient } from '../../../graph/entra-client';
import { EntraError } from '../../../graph/errors';
import { createOutbound } from '../../../net/outbound';
import { parseOutboundAllowHosts } from '../../../net/outbound-policy';

const conn = JSON.parse(process.argv[2]);
// allow-listed like the tests' own processes, so what fails is TLS trust alone
const outbound = createOutbound(parseOutboundAllowHosts(new URL(conn.graphBaseUrl).host));
try {
  await createEntraClient(conn, outbound).getGroup(process.argv[3]);
  process.stdout.write(JSON.stringify({ ok: true }));
} catch (err) {
  const e = err as EntraError;
  process.stdout.write(
    JSON.stringify({ ok: false, code: e.code, retryable: e.retryable, message: e.message }),
  );
}
