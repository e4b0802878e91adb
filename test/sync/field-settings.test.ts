import { describe, expect, it } from 'vitest';
import {
  decidePhoto,
  effectiveFieldSettings,
  planRecipientFields,
  type CurrentFields,
} from '../../domain/field-settings';
import { PROFILE_COLUMNS, type ProfileValues } from '../../domain/recipient';
import { DEFAULT_FIELD_SETTINGS, type FieldSetting } from '../../domain/fields';
import { graphSelectFor, readGraphSource } from '../../domain/graph-source';

const user = {
  id: 'u1',
  mail: 'ada@contoso.example',
  userPrincipalName: 'ada@contoso.example',
  givenName: 'Ada',
  surname: 'Lovelace',
  jobTitle: 'Engineer',
  businessPhones: ['+1 555 0100', '+1 555 0101'],
  onPremisesExtensionAttributes: {
    extensionAttribute3: 'https://linkedin.example/ada',
    extensionAttribute4: null,
  },
};

function profile(values: Partial<ProfileValues>): ProfileValues {
  return { ...(Object.fromEntries(PROFILE_COLUMNS.map((c) => [c, null])) as ProfileValues), ...values };
}
function current(values: Partial<ProfileValues>, extra: Partial<CurrentFields> = {}): CurrentFields {
  return {
    values: profile({ email: 'ada@contoso.example', ...values }),
    customFields: {},
    lockedFields: [],
    ...extra,
  };
}
const only = (...settings: FieldSetting[]) => settings;
const jobTitle = (sync: boolean, overwrite: boolean): FieldSetting => ({
  field: 'jobTitle',
  source: 'jobTitle',
  sync,
  overwrite,
});

describe('Graph source paths', () => {
  it('when a source indexes a collection or names a nested property, then that value is read', () => {
    expect(readGraphSource(user, 'businessPhones[0]')).toBe('+1 555 0100');
    expect(readGraphSource(user, 'businessPhones[1]')).toBe('+1 555 0101');
    expect(readGraphSource(user, 'businessPhones[5]')).toBeNull();
    expect(readGraphSource(user, 'onPremisesExtensionAttributes.extensionAttribute3')).toBe(
      'https://linkedin.example/ada',
    );
    expect(readGraphSource(user, 'onPremisesExtensionAttributes.extensionAttribute4')).toBeNull();
    expect(readGraphSource(user, 'department')).toBeNull();
  });

  it('when settings map fields, then $select holds the base properties plus each synced top-level property', () => {
    const select = graphSelectFor([
      ...effectiveFieldSettings([]),
      {
        field: 'custom.linkedin',
        source: 'onPremisesExtensionAttributes.extensionAttribute3',
        sync: true,
        overwrite: true,
      },
      { field: 'custom.unused', source: 'faxNumber', sync: false, overwrite: true },
    ]);
    expect(select).toEqual(
      expect.arrayContaining([
        'id',
        'accountEnabled',
        'userType',
        'mail',
        'userPrincipalName',
        'businessPhones',
        'onPremisesExtensionAttributes',
        'givenName',
      ]),
    );
    expect(select).not.toContain('photo');
    expect(select).not.toContain('faxNumber');
    expect(new Set(select).size).toBe(select.length);
  });
});

describe('Field Settings', () => {
  it('when a recipient is new, then every synced field takes the Entra value and unsynced ones stay empty', () => {
    const plan = planRecipientFields(
      [jobTitle(false, true), { field: 'firstName', source: 'givenName', sync: true, overwrite: false }],
      user,
      null,
    );
    expect(plan.email).toBe('ada@contoso.example');
    expect(plan.values.firstName).toBe('Ada');
    expect(plan.values.jobTitle).toBeNull();
    expect(plan.changes).toEqual([]);
  });

  it('when sync is on and overwrite is on, then a different workspace value is replaced and recorded old → new', () => {
    const plan = planRecipientFields(only(jobTitle(true, true)), user, current({ jobTitle: 'Intern' }));
    expect(plan.values.jobTitle).toBe('Engineer');
    expect(plan.changes).toEqual([{ field: 'jobTitle', oldValue: 'Intern', newValue: 'Engineer' }]);
  });

  it('when overwrite is off, then a workspace value survives and an empty one is filled', () => {
    expect(
      planRecipientFields(only(jobTitle(true, false)), user, current({ jobTitle: 'Intern' })).changes,
    ).toEqual([]);
    expect(
      planRecipientFields(only(jobTitle(true, false)), user, current({ jobTitle: null })).changes,
    ).toEqual([{ field: 'jobTitle', oldValue: null, newValue: 'Engineer' }]);
  });

  it('when sync is off, then the workspace value is never touched', () => {
    const plan = planRecipientFields(only(jobTitle(false, true)), user, current({ jobTitle: 'Intern' }));
    expect(plan.values.jobTitle).toBe('Intern');
    expect(plan.changes).toEqual([]);
  });

  it('when a field is locked, then it is not overwritten even though the field overwrites', () => {
    const plan = planRecipientFields(
      only(jobTitle(true, true)),
      user,
      current({ jobTitle: 'Intern' }, { lockedFields: ['jobTitle'] }),
    );
    expect(plan.changes).toEqual([]);
  });

  it('when Entra cleared a value, then it is cleared only where the field overwrites', () => {
    const cleared = { ...user, jobTitle: null };
    expect(
      planRecipientFields(only(jobTitle(true, true)), cleared, current({ jobTitle: 'Engineer' })).changes,
    ).toEqual([{ field: 'jobTitle', oldValue: 'Engineer', newValue: null }]);
    expect(
      planRecipientFields(only(jobTitle(true, false)), cleared, current({ jobTitle: 'Engineer' })).changes,
    ).toEqual([]);
  });

  it('when email is set not to sync, then it is synced anyway, falling back to userPrincipalName without mail', () => {
    const settings = only({ field: 'email', source: 'mail', sync: false, overwrite: false });
    const changed = planRecipientFields(settings, { ...user, mail: 'ada.l@contoso.example' }, current({}));
    expect(changed.changes).toEqual([
      { field: 'email', oldValue: 'ada@contoso.example', newValue: 'ada.l@contoso.example' },
    ]);
    expect(
      planRecipientFields(settings, { ...user, mail: null, userPrincipalName: 'upn@contoso.example' }, null)
        .email,
    ).toBe('upn@contoso.example');
    expect(
      planRecipientFields(settings, { id: 'x', mail: null, userPrincipalName: null }, null).email,
    ).toBeNull();
  });

  it('when the email field is locked, then the stored email stays', () => {
    const plan = planRecipientFields(
      DEFAULT_FIELD_SETTINGS,
      { ...user, mail: 'new@contoso.example' },
      current({}, { lockedFields: ['email'] }),
    );
    expect(plan.email).toBe('ada@contoso.example');
    expect(plan.changes.find((c) => c.field === 'email')).toBeUndefined();
  });

  it('when a custom field maps an extension attribute, then it lands in customFields and other custom keys are kept', () => {
    const settings = only({
      field: 'custom.linkedin',
      source: 'onPremisesExtensionAttributes.extensionAttribute3',
      sync: true,
      overwrite: true,
    });
    const plan = planRecipientFields(settings, user, current({}, { customFields: { badge: 'B-7' } }));
    expect(plan.customFields).toEqual({ badge: 'B-7', linkedin: 'https://linkedin.example/ada' });
    expect(plan.changes).toEqual([
      { field: 'custom.linkedin', oldValue: null, newValue: 'https://linkedin.example/ada' },
    ]);
  });

  it('when a collection element is mapped, then businessPhones[0] feeds businessPhone', () => {
    expect(planRecipientFields(DEFAULT_FIELD_SETTINGS, user, null).values.businessPhone).toBe('+1 555 0100');
  });

  it('when values only differ by surrounding blanks, then nothing changes', () => {
    const plan = planRecipientFields(
      only(jobTitle(true, true)),
      { ...user, jobTitle: '  Engineer ' },
      current({ jobTitle: 'Engineer' }),
    );
    expect(plan.changes).toEqual([]);
  });
});

describe('photo decisions', () => {
  const photo = (sync: boolean, overwrite: boolean): FieldSetting[] => [
    { field: 'photo', source: 'photo', sync, overwrite },
  ];

  it('when the photo hash is unchanged, then the photo is not rewritten', () => {
    expect(decidePhoto(photo(true, true), [], 'h1', { hash: 'h1' })).toBe('keep');
  });
  it('when the photo changed and overwrites, then it is written; without overwrite only an empty photo is filled', () => {
    expect(decidePhoto(photo(true, true), [], 'h1', { hash: 'h2' })).toBe('write');
    expect(decidePhoto(photo(true, false), [], 'h1', { hash: 'h2' })).toBe('keep');
    expect(decidePhoto(photo(true, false), [], null, { hash: 'h2' })).toBe('write');
  });
  it('when Entra has no photo any more, then it is cleared only where the field overwrites', () => {
    expect(decidePhoto(photo(true, true), [], 'h1', null)).toBe('clear');
    expect(decidePhoto(photo(true, false), [], 'h1', null)).toBe('keep');
  });
  it('when the photo is locked or does not sync, then it is kept', () => {
    expect(decidePhoto(photo(true, true), ['photo'], 'h1', { hash: 'h2' })).toBe('keep');
    expect(decidePhoto(photo(false, true), [], 'h1', { hash: 'h2' })).toBe('keep');
  });
});
