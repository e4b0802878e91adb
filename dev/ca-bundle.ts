import { readFile, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { StartupError } from './startup-error';

/**
 * NODE_EXTRA_CA_CERTS names one file, so trusting the demo emulator's CA next to one the operator
 * already passed (a corporate proxy's, a test server's) takes one file holding both.
 * Returns the bundle's path, in the data folder.
 */
export async function writeCaBundle(args: {
  dataDir: string;
  /** The operator's NODE_EXTRA_CA_CERTS, if any. */
  operatorCaFile: string | undefined;
  demoCaFile: string;
}): Promise<string> {
  const parts: string[] = [];
  if (args.operatorCaFile) {
    try {
      parts.push((await readFile(args.operatorCaFile, 'utf8')).trim());
    } catch (err) {
      throw new StartupError(
        `NODE_EXTRA_CA_CERTS=${args.operatorCaFile} cannot be read (${(err as NodeJS.ErrnoException).code}): fix the path or unset it`,
      );
    }
  }
  parts.push((await readFile(args.demoCaFile, 'utf8')).trim());
  await mkdir(args.dataDir, { recursive: true });
  const bundle = path.join(args.dataDir, 'ca-bundle.pem');
  await writeFile(bundle, parts.join('\n') + '\n', { mode: 0o644 });
  return bundle;
}
