import type { CreateTenantInput, TenantInfo, TenantRegistry } from './tenant-registry';

/** Fixed identifiers, so `npm start` can wire a demo workspace to the emulator without asking. */
export const DEMO_TENANT_ID = 'de0de0de-0000-4000-8000-000000000001';
export const DEMO_CLIENT_ID = 'de000000-c11e-4000-8000-000000000002';
export const DEMO_CLIENT_SECRET = 'demo~emulator-only-secret-not-for-production';

export const DEMO_GROUP_IDS = {
  everyone: 'de000000-9000-4000-8000-000000000010',
  sales: 'de000000-9000-4000-8000-000000000011',
  engineering: 'de000000-9000-4000-8000-000000000012',
  marketing: 'de000000-9000-4000-8000-000000000013',
  leadership: 'de000000-9000-4000-8000-000000000014',
} as const;

/**
 * A few hundred users in several groups, some disabled, guests, people without mail, photos, and one
 * nested group ("Everyone" contains the department groups plus a device, a contact and an app).
 */
export function demoTenantInput(): CreateTenantInput {
  return {
    tenantId: DEMO_TENANT_ID,
    clientId: DEMO_CLIENT_ID,
    clientSecret: DEMO_CLIENT_SECRET,
    seed: 2024,
    users: 300,
    groups: [
      {
        id: DEMO_GROUP_IDS.sales,
        displayName: 'Sales',
        description: 'Account executives, EMEA & Americas',
        users: 80,
        userOffset: 0,
      },
      {
        id: DEMO_GROUP_IDS.engineering,
        displayName: 'Engineering',
        description: 'Builds the product',
        users: 120,
        userOffset: 80,
      },
      {
        id: DEMO_GROUP_IDS.marketing,
        displayName: 'Marketing',
        description: 'Brand, events; web',
        users: 60,
        userOffset: 200,
      },
      {
        id: DEMO_GROUP_IDS.leadership,
        displayName: 'Leadership',
        description: null,
        users: 12,
        userOffset: 260,
      },
      {
        id: DEMO_GROUP_IDS.everyone,
        displayName: 'Everyone',
        description: 'All departments (nested groups) plus the front desk',
        users: 28,
        userOffset: 272,
        nestedGroups: ['Sales', 'Engineering', 'Marketing', 'Leadership'],
        nonUserMembers: 1,
      },
    ],
  };
}

/** Creates the demo tenant, or returns it when it already exists (idempotent). */
export function createDemoTenant(registry: TenantRegistry): TenantInfo {
  return registry.get(DEMO_TENANT_ID) ? registry.info(DEMO_TENANT_ID) : registry.create(demoTenantInput());
}
