/** A recipient's profile as the sync and the API see it. */

export type RecipientStatus = 'active' | 'deactivated' | 'deleted';

/** Recipient profile fields, as stored; names double as Field Settings `field` values. */
export interface RecipientProfileColumns {
  email: string;
  firstName: string | null;
  lastName: string | null;
  displayName: string | null;
  jobTitle: string | null;
  department: string | null;
  companyName: string | null;
  officeLocation: string | null;
  mobilePhone: string | null;
  businessPhone: string | null;
  employeeId: string | null;
  streetAddress: string | null;
  city: string | null;
  state: string | null;
  postalCode: string | null;
  country: string | null;
}

/** Columns holding profile text (everything but the photo, which has its own table). */
export type ProfileColumn = keyof RecipientProfileColumns;

/** Every text column of a recipient profile, email included. */
export const PROFILE_COLUMNS: readonly ProfileColumn[] = [
  'email',
  'firstName',
  'lastName',
  'displayName',
  'jobTitle',
  'department',
  'companyName',
  'officeLocation',
  'mobilePhone',
  'businessPhone',
  'employeeId',
  'streetAddress',
  'city',
  'state',
  'postalCode',
  'country',
];

export type ProfileValues = { [K in keyof RecipientProfileColumns]: string | null };

/**
 * The profile columns of a row (null where missing). A plain loop rather than an object built from
 * entries: this runs for every member of a sync (docs/sync.md has the measurement).
 */
export function profileValuesOf(row: Record<string, unknown>): ProfileValues {
  const values = {} as Record<ProfileColumn, string | null>;
  for (const c of PROFILE_COLUMNS) values[c] = (row[c] as string | null | undefined) ?? null;
  return values;
}

/** A recipient as the sync reads and writes it (no timestamps). */
export interface SyncRecipient {
  id: string;
  entraUserId: string | null;
  status: RecipientStatus;
  statusReason: string | null;
  values: ProfileValues;
  customFields: Record<string, string | null>;
  lockedFields: string[];
  photoHash: string | null;
  accountEnabled: boolean | null;
  userType: string | null;
  /** What the sync last applied the recipient from (db/repositories/staged-members.ts); null = apply in full next time. */
  entraSourceHash: string | null;
  /** The row version read (Postgres `xmin`); writes go through only while it is unchanged. Null for a new recipient. */
  rowVersion: string | null;
}
