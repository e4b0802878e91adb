import { describe, expect, it } from 'vitest';
import { generateDirectory } from '../../emulator/directory';

describe('the seeded directory generator', () => {
  it('when the same seed is used twice, then the directories are identical; another seed differs', () => {
    const snapshot = (seed: number) =>
      JSON.stringify(
        [...generateDirectory({ seed, users: 300 }).users.values()].map((u) => [
          u.id,
          u.props,
          u.deletedDateTime,
        ]),
      );
    expect(snapshot(5)).toBe(snapshot(5));
    expect(snapshot(5)).not.toBe(snapshot(6));
  });

  it('when 100,000 users are generated, then it takes well under 5 s and UPNs are unique', () => {
    const started = performance.now();
    const directory = generateDirectory({
      seed: 1,
      users: 100_000,
      groups: [{ displayName: 'Everyone', users: 'all' }],
    });
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(5000);
    expect(directory.users.size).toBe(100_000);
    const upns = new Set(
      [...directory.users.values()].map((u) => String(u.props.userPrincipalName).toLowerCase()),
    );
    expect(upns.size).toBe(100_000);
    expect([...directory.groups.values()][0].members).toHaveLength(100_000);
  });

  it('when users are generated, then the awkward cases a sync must survive are all there', () => {
    const users = [...generateDirectory({ seed: 2, users: 2000 }).users.values()];
    const values = users.flatMap((u) =>
      Object.values(u.props).filter((v): v is string => typeof v === 'string'),
    );
    const ext = users.map((u) => (u.props.onPremisesExtensionAttributes ?? {}) as Record<string, string>);

    expect(values.some((v) => /[^\u0000-\u007f]/.test(v))).toBe(true); // unicode
    expect(values.some((v) => v.includes(','))).toBe(true);
    expect(values.some((v) => v.includes(';'))).toBe(true);
    expect(values.some((v) => v.includes('\n'))).toBe(true);
    expect(users.some((u) => u.props.mail === null && typeof u.props.userPrincipalName === 'string')).toBe(
      true,
    );
    expect(
      users.some((u) => u.props.userType === 'Guest' && String(u.props.userPrincipalName).includes('#EXT#')),
    ).toBe(true);
    expect(users.some((u) => u.props.accountEnabled === false)).toBe(true);
    expect(users.some((u) => u.deletedDateTime !== null)).toBe(true);
    expect(new Set(users.filter((u) => u.photo).map((u) => u.photo!.contentType))).toEqual(
      new Set(['image/png', 'image/jpeg']),
    );
    expect(
      users.some(
        (u) => Array.isArray(u.props.businessPhones) && (u.props.businessPhones as string[]).length === 2,
      ),
    ).toBe(true);
    expect(users.some((u) => u.props.mobilePhone === null)).toBe(true);
    expect(ext.some((e) => e.extensionAttribute3?.startsWith('https://www.linkedin.com/in/'))).toBe(true);
    expect(ext.some((e) => e.extensionAttribute15?.includes('\n'))).toBe(true);
  });
});
