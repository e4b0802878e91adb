import type { GraphProps, PhotoSizes, UserTraitRates } from './directory-types';
import { lazyPhoto, makeJpegPhoto, makePngPhoto, sizedJpegPhoto } from './photos';
import { createPrng, mixSeeds, type Prng } from './prng';
import {
  COMPANY_NAMES,
  DEPARTMENTS,
  GIVEN_NAMES,
  GUEST_DOMAINS,
  JOB_TITLES,
  OFFICES,
  SURNAMES,
  mailSlug,
} from './sample-values';
import { UserRecord, type PropsSource } from './user-record';

export const DEFAULT_TRAITS: UserTraitRates = {
  disabled: 0.04,
  guest: 0.03,
  softDeleted: 0.01,
  noMail: 0.05,
  photo: 0.05,
};

const TRAIT_BITS = { guest: 1, disabled: 2, noMail: 4, photo: 8, softDeleted: 16 } as const;

/** The first users get one awkward trait each (when its rate is above 0), so small tenants show every case. */
const FORCED_TRAIT_BY_INDEX: Record<number, keyof UserTraitRates> = {
  1: 'guest',
  2: 'disabled',
  3: 'noMail',
  4: 'photo',
  5: 'softDeleted',
};

export interface UserGeneratorContext {
  /** the sequential stream: ids, names, traits (things that must be decided in order) */
  prng: Prng;
  /** per-user detail streams are derived from this */
  seed: number;
  domain: string;
  traits: UserTraitRates;
  /** sized photos (bench); null = tiny generated images */
  photoBytes: PhotoSizes | null;
  /** how often each mail local part was handed out, for collision-free UPNs */
  localPartCounts: Map<string, number>;
  /** the instant the directory was "created"; dates are spread over the five years before it */
  epochMs: number;
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

function uniqueLocalPart(ctx: UserGeneratorContext, base: string): string {
  // a digit-free base plus a per-base counter can never collide with another base's numbered form
  const clean = base.replace(/[0-9]/g, '') || 'user';
  const seen = ctx.localPartCounts.get(clean) ?? 0;
  ctx.localPartCounts.set(clean, seen + 1);
  return seen === 0 ? clean : [clean, seen + 1].join(''); // join: a flat string, not a long-lived concat tree
}

/** The few numbers a generated user's properties are rebuilt from (see materialize). */
class GeneratedUserProps implements PropsSource {
  constructor(
    private readonly ctx: UserGeneratorContext,
    private readonly index: number,
    private readonly given: number,
    private readonly surname: number,
    private readonly traits: number,
    private readonly local: string,
  ) {}

  /** Rebuilt on every read. One object literal per branch: spreading into a literal with many more
   * properties is a slow path in V8, which would make 999-user pages expensive. */
  materialize(): GraphProps {
    const { ctx, index, local } = this;
    const prng = createPrng(mixSeeds(ctx.seed, index));
    const givenName = GIVEN_NAMES[this.given];
    const surname = SURNAMES[this.surname];
    const office = prng.pick(OFFICES);
    const style = prng.int(30);
    const displayName =
      style < 3
        ? `${surname}, ${givenName}`
        : style === 3
          ? `${givenName} ${surname} (Contractor)`
          : `${givenName} ${surname}`;
    const accountEnabled = (this.traits & TRAIT_BITS.disabled) === 0;
    const createdDateTime = isoSeconds(ctx.epochMs - prng.int(5 * 365) * 86_400_000);
    if (this.traits & TRAIT_BITS.guest) {
      const guestDomain = prng.pick(GUEST_DOMAINS);
      return {
        displayName,
        givenName,
        surname,
        accountEnabled,
        createdDateTime,
        preferredLanguage: office.preferredLanguage,
        usageLocation: office.usageLocation,
        userType: 'Guest',
        creationType: 'Invitation',
        externalUserState: 'Accepted',
        mail: `${local}@${guestDomain}`,
        userPrincipalName: `${local}_${guestDomain}#EXT#@${ctx.domain}`,
        mailNickname: `${local}_${guestDomain}#EXT#`,
        companyName: 'Fabrikam; Partner',
      };
    }
    const address = `${local}@${ctx.domain}`;
    const noMail = (this.traits & TRAIT_BITS.noMail) !== 0;
    const phones: string[] = [];
    for (let i = prng.int(3); i > 0; i--)
      phones.push(office.phonePrefix + prng.int(10000).toString().padStart(4, '0'));
    return {
      displayName,
      givenName,
      surname,
      accountEnabled,
      createdDateTime,
      preferredLanguage: office.preferredLanguage,
      usageLocation: office.usageLocation,
      userType: 'Member',
      userPrincipalName: address,
      mailNickname: local,
      mail: noMail ? null : address,
      proxyAddresses: noMail ? [] : [`SMTP:${address}`],
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
      businessPhones: phones,
      mobilePhone: prng.chance(0.7) ? `+1 206 555 ${prng.int(10000).toString().padStart(4, '0')}` : null,
      onPremisesExtensionAttributes: extensionAttributes(prng, local, index),
    };
  }
}

function rollTraits(ctx: UserGeneratorContext, index: number): number {
  let bits = 0;
  for (const trait of ['guest', 'disabled', 'noMail', 'photo', 'softDeleted'] as const) {
    const rate = ctx.traits[trait];
    if (rate > 0 && (FORCED_TRAIT_BY_INDEX[index] === trait || ctx.prng.chance(rate)))
      bits |= TRAIT_BITS[trait];
  }
  return bits;
}

/** One realistic, sometimes awkward, user. Deterministic for a given context state and index. */
export function generateUser(ctx: UserGeneratorContext, index: number): UserRecord {
  const { prng } = ctx;
  const given = prng.int(GIVEN_NAMES.length);
  const surname = prng.int(SURNAMES.length);
  const traits = rollTraits(ctx, index);
  const base = `${mailSlug(GIVEN_NAMES[given])}.${mailSlug(SURNAMES[surname])}`.replace(/^\.|\.$/g, '');
  const local = uniqueLocalPart(ctx, base);
  const user = new UserRecord(prng.uuid(), new GeneratedUserProps(ctx, index, given, surname, traits, local));
  if (traits & TRAIT_BITS.photo) {
    const rgb: [number, number, number] = [prng.int(256), prng.int(256), prng.int(256)];
    const etag = `W/"${ctx.seed}-${index}-${rgb.join('.')}"`;
    const sizes = ctx.photoBytes;
    // sizes come from the colours already drawn, so the user stream stays the same with or without them
    if (sizes)
      user.photo = sizedJpegPhoto(
        rgb[1],
        sizes.min + (((rgb[0] << 16) | (rgb[1] << 8) | rgb[2]) % (sizes.max - sizes.min + 1)),
        `${ctx.seed}:${user.id}`,
      );
    // some PNG, some JPEG: stored photos must not assume one format
    else
      user.photo =
        rgb[0] % 2 === 0
          ? lazyPhoto('image/png', () => makePngPhoto(rgb), etag)
          : lazyPhoto('image/jpeg', () => makeJpegPhoto(rgb[1]), etag);
  }
  if (traits & TRAIT_BITS.softDeleted) user.deletedDateTime = isoSeconds(ctx.epochMs - 86_400_000);
  return user;
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
