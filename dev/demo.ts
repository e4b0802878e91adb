import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/config';
import { encryptSecret } from '../config/secret-box';
import type { Db } from '../db/database';
import { insertApiKey } from '../db/repositories/api-keys';
import { createWorkspace } from '../db/repositories/workspaces';
import { generateApiKey, hashApiKey } from '../api/http/api-keys';
import {
  createDemoTenant,
  DEMO_CLIENT_ID,
  DEMO_CLIENT_SECRET,
  DEMO_GROUP_IDS,
  DEMO_TENANT_ID,
} from '../emulator/demo-tenant';
import { startEmulator } from '../emulator/server';
import { DEFAULT_CARD_TEMPLATE } from '../domain/card';
import { DEFAULT_FIELD_SETTINGS } from '../domain/fields';
import { DEFAULT_SYNC_OPTIONS } from '../domain/sync-options';
import { isFree } from './local-services';

export interface DemoHandle {
  apiKey: string;
  emulatorUrl: string;
  caCertPath: string;
  /** The demo's Engineering group, for the "try" line. */
  groupId: string;
  summary: string;
  stop(): Promise<void>;
}

const DEMO_WORKSPACE = 'Demo workspace (Graph emulator)';

/**
 * When no real Entra connection is configured, runs the Graph emulator with a demo directory and
 * wires a demo workspace to it (connection, linked groups, an API key kept in .data/ so every start
 * prints the same one). Returns null when a real connection exists or DEMO=off.
 */
export async function startDemo(args: {
  db: Db;
  config: Config;
  dataDir: string;
  log: (l: string) => void;
}): Promise<DemoHandle | null> {
  const { db, config, dataDir, log } = args;
  if (process.env.DEMO === 'off') return null;
  const real = await db
    .selectFrom('entraConnections')
    .select('workspaceId')
    .where('tenantId', '!=', DEMO_TENANT_ID)
    .executeTakeFirst();
  if (real) return null;

  const port = (await isFree(8443)) ? 8443 : 0;
  const emulator = await startEmulator({ port, dataDir: path.join(dataDir, 'emulator') });
  const tenant = createDemoTenant(emulator.tenants);
  log(`Graph emulator on ${emulator.url} with the demo directory (${tenant.userCount} users)`);

  const keyFile = path.join(dataDir, 'demo-api-key');
  let apiKey = existsSync(keyFile) ? readFileSync(keyFile, 'utf8').trim() : null;
  const existing = await db
    .selectFrom('entraConnections')
    .select('workspaceId')
    .where('tenantId', '=', DEMO_TENANT_ID)
    .executeTakeFirst();
  let workspaceId = existing?.workspaceId;
  if (!workspaceId) {
    const key = generateApiKey();
    const created = await createWorkspace(db, {
      name: DEMO_WORKSPACE,
      keyHash: key.hash,
      keyPrefix: key.prefix,
      fieldSettings: DEFAULT_FIELD_SETTINGS,
    });
    workspaceId = created.workspace.id;
    apiKey = key.key;
  } else if (!apiKey || !(await keyBelongsTo(db, apiKey, workspaceId))) {
    const key = generateApiKey();
    await insertApiKey(db, workspaceId, key.hash, key.prefix);
    apiKey = key.key;
  }
  writeFileSync(keyFile, apiKey + '\n', { mode: 0o600 });

  // The emulator's port may differ from the last start: the connection always points at this one.
  const connection = {
    tenantId: DEMO_TENANT_ID,
    clientId: DEMO_CLIENT_ID,
    clientSecretEncrypted: encryptSecret(DEMO_CLIENT_SECRET, config.encryptionKey, workspaceId),
    authorityHost: emulator.url,
    graphBaseUrl: emulator.url,
    updatedAt: new Date(),
  };
  await db
    .insertInto('entraConnections')
    .values({ workspaceId, ...connection })
    .onConflict((oc) => oc.column('workspaceId').doUpdateSet(connection))
    .execute();

  for (const group of tenant.groups) {
    const nested = group.id === DEMO_GROUP_IDS.everyone;
    await db
      .insertInto('groups')
      .values({
        workspaceId,
        entraGroupId: group.id,
        name: group.displayName ?? group.id,
        description: group.description,
        syncOptions: JSON.stringify({ ...DEFAULT_SYNC_OPTIONS, includeNestedGroups: nested }),
        cardTemplate: JSON.stringify({
          ...DEFAULT_CARD_TEMPLATE,
          company: { companyName: 'Contoso Demo', website: 'https://contoso.example' },
        }),
      })
      .onConflict((oc) => oc.columns(['workspaceId', 'entraGroupId']).doNothing())
      .execute();
  }
  const engineering = await db
    .selectFrom('groups')
    .select('id')
    .where('workspaceId', '=', workspaceId)
    .where('entraGroupId', '=', DEMO_GROUP_IDS.engineering)
    .executeTakeFirstOrThrow();

  return {
    apiKey,
    emulatorUrl: emulator.url,
    caCertPath: emulator.caCertPath,
    groupId: engineering.id,
    summary: `${tenant.userCount} users, ${tenant.groups.length} groups linked`,
    stop: () => emulator.close(),
  };
}

async function keyBelongsTo(db: Db, key: string, workspaceId: string): Promise<boolean> {
  const row = await db
    .selectFrom('apiKeys')
    .select('id')
    .where('keyHash', '=', hashApiKey(key))
    .where('workspaceId', '=', workspaceId)
    .where('revokedAt', 'is', null)
    .executeTakeFirst();
  return Boolean(row);
}
