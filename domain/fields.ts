/** Recipient profile fields that live in their own columns; Field Settings may map each one. */
export const STANDARD_FIELDS = [
  'firstName',
  'lastName',
  'displayName',
  'email',
  'photo',
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
] as const;
export type StandardField = (typeof STANDARD_FIELDS)[number];

/** Custom fields are named `custom.<key>` and stored in `recipients.custom_fields[key]`. */
export const CUSTOM_FIELD_PATTERN = /^custom\.[A-Za-z][A-Za-z0-9_]{0,62}$/;

export function isStandardField(field: string): field is StandardField {
  return (STANDARD_FIELDS as readonly string[]).includes(field);
}
export function isKnownField(field: string): boolean {
  return isStandardField(field) || CUSTOM_FIELD_PATTERN.test(field);
}

/**
 * A Graph source: a user property (`jobTitle`), an element of a collection (`businessPhones[0]`),
 * or a nested property (`onPremisesExtensionAttributes.extensionAttribute3`).
 */
export const GRAPH_SOURCE_PATTERN = /^[A-Za-z][A-Za-z0-9]*(\[\d+\])?(\.[A-Za-z][A-Za-z0-9]*)?$/;

export interface FieldSetting {
  field: string;
  source: string;
  sync: boolean;
  overwrite: boolean;
}

/** What a new workspace starts with: the common Entra mapping, everything synced and overwritten. */
export const DEFAULT_FIELD_SETTINGS: FieldSetting[] = [
  { field: 'firstName', source: 'givenName', sync: true, overwrite: true },
  { field: 'lastName', source: 'surname', sync: true, overwrite: true },
  { field: 'displayName', source: 'displayName', sync: true, overwrite: true },
  { field: 'email', source: 'mail', sync: true, overwrite: true },
  { field: 'photo', source: 'photo', sync: true, overwrite: true },
  { field: 'jobTitle', source: 'jobTitle', sync: true, overwrite: true },
  { field: 'department', source: 'department', sync: true, overwrite: true },
  { field: 'companyName', source: 'companyName', sync: true, overwrite: true },
  { field: 'officeLocation', source: 'officeLocation', sync: true, overwrite: true },
  { field: 'mobilePhone', source: 'mobilePhone', sync: true, overwrite: true },
  { field: 'businessPhone', source: 'businessPhones[0]', sync: true, overwrite: true },
  { field: 'employeeId', source: 'employeeId', sync: true, overwrite: true },
  { field: 'streetAddress', source: 'streetAddress', sync: true, overwrite: true },
  { field: 'city', source: 'city', sync: true, overwrite: true },
  { field: 'state', source: 'state', sync: true, overwrite: true },
  { field: 'postalCode', source: 'postalCode', sync: true, overwrite: true },
  { field: 'country', source: 'country', sync: true, overwrite: true },
];
