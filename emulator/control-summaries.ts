import type { UserRecord } from './directory-types';

/** A user as the control API lists it: enough for a test to pick the case it needs. */
export interface UserSummary {
  id: string;
  displayName: unknown;
  userPrincipalName: unknown;
  mail: unknown;
  accountEnabled: unknown;
  userType: unknown;
  deleted: boolean;
  hasPhoto: boolean;
}

export function summarizeUser(user: UserRecord): UserSummary {
  const { displayName, userPrincipalName, mail, accountEnabled, userType } = user.props;
  return {
    id: user.id,
    displayName,
    userPrincipalName,
    mail,
    accountEnabled,
    userType,
    deleted: !!user.deletedDateTime,
    hasPhoto: !!user.photo,
  };
}

type Props = () => Record<string, unknown>;

/** `?filter=` of GET /_emulator/tenants/{t}/users; props are passed lazily (generated users are rebuilt on read). */
export const USER_FILTERS: Record<string, (user: UserRecord, props: Props) => boolean> = {
  visible: (u) => !u.deletedDateTime,
  member: (u, props) => !u.deletedDateTime && props().userType !== 'Guest',
  guest: (u, props) => !u.deletedDateTime && props().userType === 'Guest',
  disabled: (u, props) => !u.deletedDateTime && props().accountEnabled === false,
  deleted: (u) => !!u.deletedDateTime,
  photo: (u) => !u.deletedDateTime && !!u.photo,
  noMail: (u, props) => !u.deletedDateTime && !props().mail,
};
