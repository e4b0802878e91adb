/**
 * Which user properties the emulator knows and what Graph returns for one that has no value.
 * Real Graph answers 400 for a $select of an unknown property, null for an empty scalar and []
 * for an empty collection; a few non-nullable dates come back as the year-1 sentinel.
 */
const COLLECTIONS = [
  'assignedLicenses', 'assignedPlans', 'businessPhones', 'identities', 'imAddresses', 'interests',
  'licenseAssignmentStates', 'otherMails', 'pastProjects', 'provisionedPlans', 'proxyAddresses',
  'responsibilities', 'schools', 'serviceProvisioningErrors', 'skills', 'onPremisesProvisioningErrors',
]; // prettier-ignore

const NULLABLE_SCALARS = [
  'aboutMe', 'accountEnabled', 'ageGroup', 'city', 'companyName', 'consentProvidedForMinor', 'country',
  'createdDateTime', 'creationType', 'department', 'displayName', 'employeeHireDate', 'employeeId',
  'employeeLeaveDateTime', 'employeeType', 'externalUserState', 'externalUserStateChangeDateTime',
  'faxNumber', 'givenName', 'isManagementRestricted', 'isResourceAccount', 'jobTitle',
  'lastPasswordChangeDateTime', 'legalAgeGroupClassification', 'mail', 'mailNickname', 'mobilePhone',
  'mySite', 'officeLocation', 'onPremisesDistinguishedName', 'onPremisesDomainName',
  'onPremisesImmutableId', 'onPremisesLastSyncDateTime', 'onPremisesSamAccountName',
  'onPremisesSecurityIdentifier', 'onPremisesSyncEnabled', 'onPremisesUserPrincipalName',
  'passwordPolicies', 'postalCode', 'preferredDataLocation', 'preferredLanguage', 'preferredName',
  'securityIdentifier', 'showInAddressList', 'signInSessionsValidFromDateTime', 'state',
  'streetAddress', 'surname', 'usageLocation', 'userPrincipalName', 'userType', 'deletedDateTime',
]; // prettier-ignore

/** Complex properties the emulator does not model: selectable, but left out of the answer. */
const UNMODELLED_COMPLEX = [
  'authorizationInfo', 'customSecurityAttributes', 'employeeOrgData', 'mailboxSettings',
  'passwordProfile', 'print', 'signInActivity',
]; // prettier-ignore

const EXTENSION_ATTRIBUTE_NAMES = Array.from({ length: 15 }, (_, i) => `extensionAttribute${i + 1}`);

export const USER_PROPERTIES: ReadonlySet<string> = new Set([
  'id',
  'birthday',
  'hireDate',
  'deviceEnrollmentLimit',
  'onPremisesExtensionAttributes',
  ...COLLECTIONS,
  ...NULLABLE_SCALARS,
  ...UNMODELLED_COMPLEX,
]);

/** The properties Graph v1.0 returns for a user when the request has no $select. */
export const DEFAULT_USER_SELECT = [
  'businessPhones',
  'displayName',
  'givenName',
  'jobTitle',
  'mail',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
  'surname',
  'userPrincipalName',
  'id',
] as const;

const COLLECTION_SET = new Set(COLLECTIONS);
const UNMODELLED_SET = new Set(UNMODELLED_COMPLEX);
const YEAR_ONE = '0001-01-01T08:00:00Z';

/** The value Graph shows for a selected property the user has no value for; undefined = leave it out. */
export function emptyUserValue(name: string): unknown {
  if (COLLECTION_SET.has(name)) return [];
  if (UNMODELLED_SET.has(name)) return undefined;
  if (name === 'birthday' || name === 'hireDate') return YEAR_ONE;
  if (name === 'deviceEnrollmentLimit') return 5000;
  if (name === 'onPremisesExtensionAttributes') return fullExtensionAttributes({});
  return null;
}

/** Graph always returns all 15 extension attributes, null where unset; the emulator stores them sparsely. */
export function fullExtensionAttributes(
  sparse: Record<string, string | null>,
): Record<string, string | null> {
  const full: Record<string, string | null> = {};
  for (const name of EXTENSION_ATTRIBUTE_NAMES) full[name] = sparse[name] ?? null;
  return full;
}
