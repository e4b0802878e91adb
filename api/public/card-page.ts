import type { CardContent } from '../../domain/render-card';
import { Html, html } from './html';
import { PAGE_STYLE } from './page-style';

export interface CardPageInput {
  content: CardContent;
  /** The page's own address: links to the vCard, photo and QR code hang off it. */
  pageUrl: string;
  indexable: boolean;
}

/** Only these schemes become links; anything else on a card is shown as text. */
const LINK_SCHEMES = new Set(['https:', 'mailto:', 'tel:']);

export function safeLink(value: string): string | null {
  try {
    const url = new URL(value.trim());
    return LINK_SCHEMES.has(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}

const telHref = (phone: string) => `tel:${phone.replace(/[^\d+]/g, '')}`;

function row(label: string, value: Html | string | null | undefined): Html[] {
  if (value === null || value === undefined || value === '') return [];
  return [
    html`<div>
      <dt>${label}</dt>
      <dd>${value}</dd>
    </div>`,
  ];
}

const link = (href: string, text: string) => html`<a href="${href}">${text}</a>`;

function address(r: CardContent['recipient']): Html | null {
  const lines = [
    r.streetAddress,
    [r.postalCode, r.city].filter(Boolean).join(' '),
    r.state,
    r.country,
  ].filter((l): l is string => !!l);
  if (!lines.length) return null;
  return html`${lines.map((l, i) => (i ? html`<br />${l}` : html`${l}`))}`;
}

function customRows(custom: Record<string, string> | undefined): Html[] {
  return Object.entries(custom ?? {}).flatMap(([key, value]) => {
    const href = safeLink(value);
    return row(key, href ? link(href, value) : value);
  });
}

/** The name a card is shown under: display name, else first and last name, else the email. */
export function cardName(content: CardContent): string {
  const r = content.recipient;
  return r.displayName || [r.firstName, r.lastName].filter(Boolean).join(' ') || r.email || 'Contact';
}

/** Built outside the template: its text must be exactly what the CSP hash covers. */
const STYLE_ELEMENT = new Html(`<style>${PAGE_STYLE}</style>`);

function page(title: string, indexable: boolean, body: Html): string {
  const robots = indexable ? null : html`<meta name="robots" content="noindex" />`;
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title}</title>
        ${robots} ${STYLE_ELEMENT}
      </head>
      <body>
        ${body}
      </body>
    </html> `.value;
}

/** The public card page: what the card shows, with "Save contact" and the page's QR code. No script. */
export function renderCardPage({ content, pageUrl, indexable }: CardPageInput): string {
  const r = content.recipient;
  const name = cardName(content);
  const company = r.companyName || content.company.companyName || null;
  const website = content.company.website ? safeLink(content.company.website) : null;
  const photo = content.photo
    ? html`<img class="photo" src="${pageUrl}/photo" alt="${`Photo of ${name}`}" width="128" height="128" />`
    : null;
  const body = html`<main>
    ${photo}
    <h1>${name}</h1>
    <dl>
      ${[
        ...row('Job title', r.jobTitle),
        ...row('Company', company),
        ...row('Department', r.department),
        ...row('Office', r.officeLocation),
        ...row('Mobile', r.mobilePhone ? link(telHref(r.mobilePhone), r.mobilePhone) : null),
        ...row('Phone', r.businessPhone ? link(telHref(r.businessPhone), r.businessPhone) : null),
        ...row('Email', r.email ? link(`mailto:${r.email}`, r.email) : null),
        ...row('Address', address(r)),
        ...row('Website', website ? link(website, content.company.website!) : null),
        ...customRows(r.custom),
      ]}
    </dl>
    <a class="save" href="${`${pageUrl}/vcard`}">Save contact</a>
    <figure>
      <img src="${`${pageUrl}/qr.svg`}" alt="QR code of this page's address" width="160" height="160" />
      <figcaption>Scan to open this card on another device</figcaption>
    </figure>
  </main>`;
  return page(name, indexable, body);
}

/** What a deactivated, deleted or rotated card's address answers (410), or an unknown one (404). */
export function renderGonePage(status: 410 | 404): string {
  const [title, text] =
    status === 410
      ? ['This card is no longer available', 'The person or organisation behind this card has withdrawn it.']
      : ['No card here', 'There is no card at this address. Check the link you were given.'];
  return page(
    title,
    false,
    html`<main>
      <h1>${title}</h1>
      <p class="role">${text}</p>
    </main>`,
  );
}
