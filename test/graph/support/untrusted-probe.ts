/**
 * Run in a child process started WITHOUT NODE_EXTRA_CA_CERTS: tries one Graph read against the
 * emulator and prints the resulting error as JSON. Proves nothing bypasses TLS verification.
 */
import { createEntraClient } from '../../../graph/entra-client';
import { EntraError } from '../../../graph/errors';

const conn = JSON.parse(process.argv[2]);
try {
  await createEntraClient(conn).getGroup(process.argv[3]);
  process.stdout.write(JSON.stringify({ ok: true }));
} catch (err) {
  const e = err as EntraError;
  process.stdout.write(
    JSON.stringify({ ok: false, code: e.code, retryable: e.retryable, message: e.message }),
  );
}
