import { loadConfig } from '../config/config';
import { ConfigError } from '../config/dev-defaults';
import { createDatabase } from './database';
import { reencryptSecrets } from '../engine/reencrypt-secrets';

/**
 * `npm run rotate-encryption-key`: re-encrypts every stored secret under the first key of
 * ENCRYPTION_KEYS. Put the new key first, keep the old ones after it, run this, restart the
 * processes; once it reports nothing unreadable, the old keys can leave the ring.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.databaseUrl) throw new ConfigError('DATABASE_URL is not set');
  if (config.devDefaultsWarning) console.warn(config.devDefaultsWarning);
  const db = createDatabase({ url: config.databaseUrl, max: 2, application: 'entra-card-sync-rotate-key' });
  try {
    const first = config.encryptionKey.keys[0]!.id;
    const summary = await reencryptSecrets(db, config.encryptionKey);
    console.log(
      `re-encrypted ${summary.reencrypted} secret(s) under key "${first}"; ${summary.current} already were` +
        (summary.unreadable.length
          ? `; ${summary.unreadable.length} could not be opened by any key of ENCRYPTION_KEYS (workspaces ${summary.unreadable.join(', ')}): add the key they were saved with, or save those connections again`
          : ''),
    );
    if (summary.unreadable.length) process.exitCode = 1;
  } finally {
    await db.destroy();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
