/**
 * Value pools for the directory generator. They mix plain ASCII with the values that break naive
 * code: accents, non-Latin scripts, apostrophes, commas, semicolons and embedded newlines.
 */
// prettier-ignore
export const GIVEN_NAMES = [
  'Anna', 'James', 'Maria', 'David', 'Sarah', 'Michael', 'Laura', 'Daniel', 'Emma', 'Thomas',
  'José', 'Zoë', 'Søren', 'Łukasz', 'Chloé', 'Björn', 'Siobhán', 'Mårten', 'İlkay', 'Żaneta',
  'François', 'Núria', 'Dmitrij', 'Ζωή', 'Дмитрий', 'Ngọc', 'さくら', '민준', 'محمد', 'Aoife', "D'Arcy",
  'Jean-Luc', 'Mary Ann', 'Renée', 'Øystein', 'Ana', 'Priya', 'Wei', 'Oluwaseun', 'Kai',
] as const;

// prettier-ignore
export const SURNAMES = [
  'Smith', 'Johnson', 'Müller', 'García', 'Nguyễn', "O'Brien", 'Van der Berg', 'Kowalski', 'Rossi',
  'Dubois', 'Jensen', 'Đặng', 'Ivanova', 'Иванов', '佐藤', '김', 'Al-Hassan', 'Ó Súilleabháin',
  'Papadopoulos', 'Schäfer', 'Łukasiewicz', 'Fernández-López', 'Okafor', 'Patel', 'Chen', 'Yılmaz',
  'Brown', 'Wilson', 'Taylor', 'Andersson', 'Nowak', 'Smith-Jones', 'de la Cruz', 'Lindqvist',
] as const;

// prettier-ignore
export const JOB_TITLES = [
  'Software Engineer', 'Senior Software Engineer', 'Account Executive', 'Product Manager',
  'Director, Sales & Marketing', 'VP; Operations', 'Head of People', 'Designer', 'Data Analyst',
  'Customer Success Manager', 'Office Manager', 'Chief Executive Officer', 'Recruiter',
  'Engineering Manager', 'Support Specialist', 'Intern', 'Legal Counsel', 'Controller',
] as const;

// prettier-ignore
export const DEPARTMENTS = [
  'Engineering', 'Sales', 'Marketing', 'Sales; EMEA', 'Finance', 'People & Culture', 'Legal',
  'Customer Success', 'Operations', 'Research, Development', 'Executive',
] as const;

export const COMPANY_NAMES = ['Contoso Ltd.', 'Contoso, Inc.', 'Contoso GmbH', 'Fabrikam; Partner'] as const;

export interface Office {
  officeLocation: string;
  streetAddress: string;
  city: string;
  state: string | null;
  postalCode: string;
  country: string;
  usageLocation: string;
  phonePrefix: string;
  preferredLanguage: string;
}

export const OFFICES: readonly Office[] = [
  {
    officeLocation: 'Seattle HQ',
    streetAddress: '1 Microsoft Way',
    city: 'Redmond',
    state: 'WA',
    postalCode: '98052',
    country: 'United States',
    usageLocation: 'US',
    phonePrefix: '+1 425 555 ',
    preferredLanguage: 'en-US',
  },
  {
    officeLocation: 'München, 3. OG',
    streetAddress: 'Walter-Gropius-Straße 5',
    city: 'München',
    state: 'Bayern',
    postalCode: '80807',
    country: 'Deutschland',
    usageLocation: 'DE',
    phonePrefix: '+49 89 5555 ',
    preferredLanguage: 'de-DE',
  },
  {
    officeLocation: 'London; Floor 2',
    streetAddress: 'Building 4\nCardinal Place, 100 Victoria St',
    city: 'London',
    state: null,
    postalCode: 'SW1E 5JL',
    country: 'United Kingdom',
    usageLocation: 'GB',
    phonePrefix: '+44 20 7946 ',
    preferredLanguage: 'en-GB',
  },
  {
    officeLocation: 'São Paulo',
    streetAddress: 'Av. Presidente Juscelino Kubitschek, 2041',
    city: 'São Paulo',
    state: 'SP',
    postalCode: '04543-011',
    country: 'Brasil',
    usageLocation: 'BR',
    phonePrefix: '+55 11 5555 ',
    preferredLanguage: 'pt-BR',
  },
  {
    officeLocation: '東京',
    streetAddress: '港区港南 2-16-3',
    city: '東京都',
    state: null,
    postalCode: '108-0075',
    country: '日本',
    usageLocation: 'JP',
    phonePrefix: '+81 3 5555 ',
    preferredLanguage: 'ja-JP',
  },
];

export const GUEST_DOMAINS = [
  'fabrikam.com',
  'partner.example',
  'gmail.com',
  'müller-consulting.de',
] as const;

const slugCache = new Map<string, string>();

/** ASCII-folds a name for use in mail and UPN local parts (ß → ss, é → e, non-Latin → dropped). */
export function mailSlug(value: string): string {
  let slug = slugCache.get(value);
  if (slug === undefined) {
    slug = foldToAscii(value);
    slugCache.set(value, slug);
  }
  return slug;
}

function foldToAscii(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/ß/g, 'ss')
    .replace(/[łŁ]/g, 'l')
    .replace(/[øØ]/g, 'o')
    .replace(/[đĐ]/g, 'd')
    .replace(/ı/g, 'i')
    .replace(/[^A-Za-z0-9]/g, '')
    .toLowerCase();
}
