/** The ADMIN_TOKEN a local start uses when none is set; production refuses it. */
export const DEV_ADMIN_TOKEN = 'dev-admin-token';

/** Shortest ADMIN_TOKEN production accepts (it guards every workspace). */
export const MIN_ADMIN_TOKEN_LENGTH = 32;

/** A configuration a process must not start with; entry points print its message as one line. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * Production refuses the development admin token and encryption key (and short tokens); outside
 * production, using either default earns one warning line, returned for the entry point to log.
 */
export function checkDevDefaults(opts: {
  production: boolean;
  adminToken: string | undefined;
  devEncryptionKey: boolean;
}): string | null {
  const devToken = !opts.adminToken || opts.adminToken === DEV_ADMIN_TOKEN;
  if (opts.production) {
    const problems: string[] = [];
    if (devToken) problems.push('ADMIN_TOKEN is unset or the development token');
    else if (opts.adminToken!.length < MIN_ADMIN_TOKEN_LENGTH)
      problems.push(`ADMIN_TOKEN is shorter than ${MIN_ADMIN_TOKEN_LENGTH} characters`);
    if (opts.devEncryptionKey) problems.push('ENCRYPTION_KEYS is unset or holds the development key');
    if (problems.length > 0)
      throw new ConfigError(
        `refusing to start with NODE_ENV=production: ${problems.join(' and ')}; set ADMIN_TOKEN (e.g. openssl rand -hex 32) and ENCRYPTION_KEYS=<id>:<32 bytes base64> (e.g. k1:$(openssl rand -base64 32))`,
      );
    return null;
  }
  const defaults = [
    devToken && 'the development ADMIN_TOKEN',
    opts.devEncryptionKey && 'the development encryption key',
  ].filter(Boolean);
  return defaults.length > 0
    ? `using ${defaults.join(' and ')}: fine for a local demo, refused with NODE_ENV=production`
    : null;
}
