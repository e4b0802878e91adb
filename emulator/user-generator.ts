import { lazyPngPhoto } from './photos.js';
import type { Prng } from './prng.js';
import type { GraphProps, UserRecord, UserTraitRates } from './directory-types.js';
import {
  COMPANY_NAMES,
  DEPARTMENTS,
  GIVEN_NAMES,
  GUEST_DOMAINS,
  JOB_TITLES,
  OFFICES,
  SURNAMES,
  mailSlug,
} from './sample-values.js';

export const DEFAULT_TRAITS: UserTraitRates = {
  disabled: 0.04,
  guest: 0.03,
  softDeleted: 0.01,
  noMail: 0.05,
  photo: 0.05,
};

/** The first users get one awkward trait each (when its rate is above 0), so small tenants show every case. */
const FORCED_TRAIT_BY_INDEX: Record<number, keyof UserTraitRates> = {
  1: 'guest',
  2: 'disabled',
  3: 'noMail',
  4: 'photo',
  5: 'softDeleted',
};

export interface UserGeneratorContext {
  prng: Prng;
  domain: string;
  traits: UserTraitRates;
  /** how often each mail local part was handed out, for collision-free UPNs */
  localPartCounts: Map<string, number>;
  /** the instant the directory was "created"; dates are spread over the five years before it */
  epochMs: number;
}

function uniqueLocalPart(ctx: UserGeneratorContext, base: string): string {
  // a digit-free base plus a per-base counter can never collide with another base's numbered form
  const clean = base.replace(/[0-9]/g, '') || 'user';
  const seen = ctx.localPartCounts.get(clean) ?? 0;
  ctx.localPartCounts.set(clean, seen + 1);
  return seen === 0 ? clean : `${clean}${seen + 1}`;
}

const isoCache = new Map<number, string>();

/** ISO 8601 without milliseconds, as Graph writes dates; memoised because generation repeats days. */
function isoSeconds(ms: number): string {
  let iso = isoCache.get(ms);
  if (iso === undefined) {
    iso = new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
    isoCache.set(ms, iso);
  }
  return iso;
}

function has(ctx: UserGeneratorContext, index: number, trait: keyof UserTraitRates): boolean {
  const rate = ctx.traits[trait];
  if (rate <= 0) return false;
  return FORCED_TRAIT_BY_INDEX[index] === trait || ctx.prng.chance(rate);
}

/** One realistic, sometimes awkward, user. Deterministic for a given PRNG state. */
export function generateUser(ctx: UserGeneratorContext, index: number): UserRecord {
  const { prng } = ctx;
  const givenName = prng.pick(GIVEN_NAMES);
  const surname = prng.pick(SURNAMES);
  const office = prng.pick(OFFICES);
  const guest = has(ctx, index, 'guest');
  const disabled = has(ctx, index, 'disabled');
  const noMail = has(ctx, index, 'noMail');
  const withPhoto = has(ctx, index, 'photo');
  const softDeleted = has(ctx, index, 'softDeleted');
  const style = prng.int(30);
  const displayName =
    style < 3 ? `${surname}, ${givenName}` : style === 3 ? `${givenName} ${surname} (Contractor)` : `${givenName} ${surname}`;
  const local = uniqueLocalPart(ctx, `${mailSlug(givenName)}.${mailSlug(surname)}`.replace(/^\.|\.$/g, ''));
  const props: GraphProps = {
    displayName,
    givenName,
    surname,
    accountEnabled: !disabled,
    createdDateTime: isoSeconds(ctx.epochMs - prng.int(5 * 365) * 86_400_000),
    preferredLanguage: office.preferredLanguage,
    usageLocation: office.usageLocation,
  };
  if (guest) {
    const guestDomain = prng.pick(GUEST_DOMAINS);
    Object.assign(props, {
      userType: 'Guest',
      creationType: 'Invitation',
      externalUserState: 'Accepted',
      mail: `${local}@${guestDomain}`,
      userPrincipalName: `${local}_${guestDomain}#EXT#@${ctx.domain}`,
      mailNickname: `${local}_${guestDomain}#EXT#`,
      companyName: 'Fabrikam; Partner',
    });
  } else {
    Object.assign(props, {
      userType: 'Member',
      userPrincipalName: `${local}@${ctx.domain}`,
      mailNickname: local,
      mail: noMail ? null : `${local}@${ctx.domain}`,
      jobTitle: prng.pick(JOB_TITLES),
      department: prng.pick(DEPARTMENTS),
      companyName: prng.pick(COMPANY_NAMES),
      officeLocation: office.officeLocation,
      streetAddress: office.streetAddress,
      city: office.city,
      state: office.state,
      postalCode: office.postalCode,
      country: office.country,
      employeeId: prng.chance(0.9) ? `E${String(10000 + index).padStart(6, '0')}` : null,
      employeeType: prng.chance(0.1) ? 'Contractor' : 'Employee',
      businessPhones: Array.from({ length: prng.int(3) }, () => office.phonePrefix + prng.int(10000).toString().padStart(4, '0')),
      mobilePhone: prng.chance(0.7) ? `+1 206 555 ${prng.int(10000).toString().padStart(4, '0')}` : null,
      onPremisesExtensionAttributes: extensionAttributes(prng, local, index),
    });
    if (noMail) props.proxyAddresses = [];
    else props.proxyAddresses = [`SMTP:${local}@${ctx.domain}`];
  }
  return {
    id: prng.uuid(),
    props,
    deletedDateTime: softDeleted ? isoSeconds(ctx.epochMs - 86_400_000) : null,
    photo: withPhoto ? lazyPngPhoto([prng.int(256), prng.int(256), prng.int(256)]) : null,
    changedAt: 0,
  };
}

/** Sparse extension attributes: a cost centre, a LinkedIn URL, a headshot URL, some awkward free text. */
function extensionAttributes(prng: Prng, local: string, index: number): Record<string, string> {
  const ext: Record<string, string> = { extensionAttribute1: `CC-${1000 + prng.int(9000)}` };
  if (prng.chance(0.7)) ext.extensionAttribute3 = `https://www.linkedin.com/in/${local.replace(/\./g, '-')}`;
  if (prng.chance(0.5)) ext.extensionAttribute5 = `https://cdn.contoso.example/headshots/${index}.jpg`;
  if (prng.chance(0.2)) ext.extensionAttribute7 = 'Team A, Team B; Guild "Platform"';
  if (prng.chance(0.05)) ext.extensionAttribute15 = 'Note: line one;\nline two, with a comma';
  return ext;
}
