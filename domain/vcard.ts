/**
 * vCard 4.0 (RFC 6350) for one card version: UTF-8, CRLF line ends, escaped text, lines folded at
 * 75 octets without splitting a UTF-8 sequence, UID stable across versions, REV from the version.
 */

/** A card's rendered content (domain/render-card.ts `CardContent`), as far as the vCard needs it. */
export interface VCardContent {
  recipient: {
    displayName?: string | null;
    firstName?: string | null;
    lastName?: string | null;
    email?: string | null;
    jobTitle?: string | null;
    department?: string | null;
    companyName?: string | null;
    officeLocation?: string | null;
    mobilePhone?: string | null;
    businessPhone?: string | null;
    streetAddress?: string | null;
    city?: string | null;
    state?: string | null;
    postalCode?: string | null;
    country?: string | null;
    employeeId?: string | null;
    custom?: Record<string, string | null> | null;
  };
  company?: Record<string, string> | null;
  photo?: { contentHash: string; contentType: string } | null;
}

export interface RenderVCardInput {
  cardId: string;
  version: number;
  /** When this version was written: becomes REV. */
  updatedAt: Date;
  content: VCardContent;
  photo?: { contentType: string; data: Buffer } | null;
  /**
   * The recipient's names as stored now, read when the vCard is made: N needs them even when the
   * template hides them (the card's content keeps only what the card shows).
   */
  person?: {
    firstName: string | null;
    lastName: string | null;
    displayName: string | null;
    email: string | null;
  } | null;
}

const MAX_LINE_OCTETS = 75;

/**
 * RFC 6350 §3.4: backslash, comma and line breaks are always escaped; a semicolon must be escaped
 * inside a field of a compound property (N, ORG, ADR) and is left alone elsewhere, where escaping
 * it is optional and some parsers would keep the backslash.
 */
export function escapeText(value: string, compound = false): string {
  const escaped = value
    .replace(/\\/g, '\\\\')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n');
  return compound ? escaped.replace(/;/g, '\\;') : escaped;
}
const field = (value: string | null | undefined) => escapeText(value ?? '', true);

/**
 * RFC 6350 §3.2: a line longer than 75 octets continues on the next line after CRLF + space.
 * Counts bytes of whole code points, so a multi-byte character is never cut in two.
 */
export function foldLine(line: string): string {
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of line) {
    const size = Buffer.byteLength(char, 'utf8');
    // Continuation lines start with one space, which counts toward their 75 octets.
    const limit = parts.length === 0 ? MAX_LINE_OCTETS : MAX_LINE_OCTETS - 1;
    if (octets + size > limit) {
      parts.push(current);
      current = '';
      octets = 0;
    }
    current += char;
    octets += size;
  }
  parts.push(current);
  return parts.join('\r\n ');
}

/** `20261127T101500Z` (RFC 6350 timestamp, UTC). */
function revTimestamp(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

const present = (v: string | null | undefined): v is string => typeof v === 'string' && v.trim() !== '';
const isWebUrl = (v: string) => /^https?:\/\/[^\s]+$/i.test(v);

export function renderVCard(input: RenderVCardInput): string {
  const r = input.content.recipient ?? {};
  const company = input.content.company ?? {};
  const lines: string[] = ['BEGIN:VCARD', 'VERSION:4.0', `UID:urn:uuid:${input.cardId}`];

  const person = input.person ?? null;
  // What the card shows comes first; the recipient's stored names fill what the template hides.
  const firstName = [r.firstName, person?.firstName].find(present);
  const lastName = [r.lastName, person?.lastName].find(present);
  // FN is required exactly once (RFC 6350 §6.2.1), so it falls back until something is known.
  const fullName =
    [r.displayName].find(present) ??
    ([firstName, lastName].filter(present).join(' ') || undefined) ??
    [r.email, person?.displayName, person?.email].find(present) ??
    '';
  lines.push(`FN:${escapeText(fullName)}`);
  if (firstName || lastName) lines.push(`N:${field(lastName)};${field(firstName)};;;`);
  const org = [r.companyName, company.companyName].find(present);
  if (org || present(r.department)) {
    lines.push(`ORG:${field(org)}${present(r.department) ? `;${field(r.department)}` : ''}`);
  }
  if (present(r.jobTitle)) lines.push(`TITLE:${escapeText(r.jobTitle)}`);
  if (present(r.email)) lines.push(`EMAIL;TYPE=work:${escapeText(r.email)}`);
  // Text values keep the number as the directory wrote it; a tel: URI would need normalising.
  if (present(r.mobilePhone)) lines.push(`TEL;VALUE=text;TYPE=cell:${escapeText(r.mobilePhone)}`);
  if (present(r.businessPhone)) lines.push(`TEL;VALUE=text;TYPE=work:${escapeText(r.businessPhone)}`);
  const address = [r.streetAddress, r.city, r.state, r.postalCode, r.country];
  if (address.some(present)) {
    lines.push(`ADR;TYPE=work:;;${address.map(field).join(';')}`);
  }
  if (present(r.officeLocation)) lines.push(`X-OFFICE-LOCATION:${escapeText(r.officeLocation)}`);
  if (present(company.website) && isWebUrl(company.website)) lines.push(`URL;TYPE=work:${company.website}`);
  for (const value of Object.values(r.custom ?? {})) {
    if (present(value) && isWebUrl(value)) lines.push(`URL:${value}`);
  }
  if (present(company.logoUrl) && isWebUrl(company.logoUrl)) lines.push(`LOGO:${company.logoUrl}`);
  // Only a card that shows a photo has one, whatever bytes the caller found.
  if (input.content.photo && input.photo && /^image\/[a-z0-9.+-]+$/i.test(input.photo.contentType)) {
    lines.push(`PHOTO:data:${input.photo.contentType};base64,${input.photo.data.toString('base64')}`);
  }
  lines.push(`REV:${revTimestamp(input.updatedAt)}`, 'PRODID:-//entra-card-sync//vCard 4.0//EN', 'END:VCARD');
  return lines.map(foldLine).join('\r\n') + '\r\n';
}
