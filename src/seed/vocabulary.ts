import { Faker, base, de, en, es, fr, pt_BR, type LocaleDefinition } from '@faker-js/faker';

/**
 * Word pools the generator draws from, built once per process from faker with a FIXED seed.
 *
 * Calling faker per row would cost minutes at a million leads, and faker's own generator would
 * tie the data to call order across the whole run. Pools drawn once with a constant seed are
 * identical in every process (for a given faker version: @faker-js/faker is pinned exactly in
 * package.json, and upgrading it changes the seeded data). The run's seed only picks from them.
 */
export type Vocabulary = {
  peopleByLocale: Record<NameLocale, { first: Word[]; last: Word[] }>;
  companies: Word[];
  /** Second word of composed company names ("Schmidt Logistics"). */
  companyNouns: Word[];
  companySuffixes: readonly string[];
  streetsByLocale: Record<NameLocale, string[]>;
  buzzPhrases: string[];
  hackerPhrases: string[];
  productNames: string[];
  /** Text that exercises every exporter's quoting: commas, quotes, newlines, tabs, backslashes, non-ASCII. */
  trickyTexts: readonly string[];
  titles: readonly string[];
  countries: readonly CountryProfile[];
};

/** A display form and its lower-case ASCII form for email addresses and domains. */
export type Word = { text: string; slug: string };
export type NameLocale = 'en' | 'de' | 'fr' | 'es' | 'pt';

export type CountryProfile = {
  /** ISO 3166-1 alpha-2, as Close stores address and phone countries. */
  code: string;
  weight: number;
  currency: string;
  topLevelDomains: readonly string[];
  /** Name pools used for people of this country, with weights. */
  nameLocales: ReadonlyArray<readonly [NameLocale, number]>;
  streetLocale: NameLocale;
  /** `zip` pattern: `#` → digit, `?` → upper-case letter. */
  cities: ReadonlyArray<{ city: string; state: string | null; zip: string; phonePrefix: string; phoneDigits: number }>;
};

const FAKER_SEED = 20261101;

let cached: Vocabulary | undefined;

/** The pools (built on first use, about 0.2 s). */
export function getVocabulary(): Vocabulary {
  cached ??= buildVocabulary();
  return cached;
}

function buildVocabulary(): Vocabulary {
  const fakers: Record<NameLocale, Faker> = {
    en: seeded([en, base]),
    de: seeded([de, en, base]),
    fr: seeded([fr, en, base]),
    es: seeded([es, en, base]),
    pt: seeded([pt_BR, en, base]),
  };
  const sizes: Record<NameLocale, number> = { en: 1500, de: 400, fr: 400, es: 400, pt: 200 };
  const peopleByLocale = {} as Vocabulary['peopleByLocale'];
  const streetsByLocale = {} as Vocabulary['streetsByLocale'];
  for (const locale of Object.keys(fakers) as NameLocale[]) {
    const faker = fakers[locale];
    peopleByLocale[locale] = {
      first: words(sizes[locale], () => faker.person.firstName()),
      last: words(sizes[locale], () => faker.person.lastName()),
    };
    streetsByLocale[locale] = unique(Math.min(sizes[locale], 600), () => faker.location.street());
  }
  const companies = [
    ...words(3000, () => fakers.en.company.name()),
    ...words(400, () => fakers.de.company.name()),
    ...words(300, () => fakers.fr.company.name()),
    ...words(300, () => fakers.es.company.name()),
  ];
  const nouns = [
    'Logistics', 'Analytics', 'Dental', 'Realty', 'Robotics', 'Bakery', 'Consulting', 'Capital', 'Labs',
    'Foods', 'Software', 'Systems', 'Energy', 'Health', 'Motors', 'Media', 'Studios', 'Outfitters',
    'Pharma', 'Security', 'Solar', 'Textiles', 'Ventures', 'Partners', 'Insurance', 'Legal', 'Travel',
    'Brewing', 'Construction', 'Design', 'Education', 'Fitness', 'Hospitality', 'Marine', 'Mining',
    'Networks', 'Nutrition', 'Printing', 'Recruiting', 'Telecom', 'Trading', 'Veterinary', 'Wines',
  ];
  return Object.freeze({
    peopleByLocale,
    companies,
    companyNouns: nouns.map(word),
    companySuffixes: ['', '', '', ' Inc.', ' LLC', ' Ltd', ' GmbH', ' Group', ' & Co.', ' Corp.', ' S.A.', ' (EMEA)'],
    streetsByLocale,
    buzzPhrases: unique(800, () => fakers.en.company.buzzPhrase()),
    hackerPhrases: unique(800, () => fakers.en.hacker.phrase()),
    productNames: unique(500, () => fakers.en.commerce.productName()),
    trickyTexts: TRICKY_TEXTS,
    titles: TITLES,
    countries: COUNTRIES,
  });
}

function seeded(locale: LocaleDefinition[]): Faker {
  const faker = new Faker({ locale });
  faker.seed(FAKER_SEED);
  return faker;
}

function unique(count: number, make: () => string): string[] {
  const seen = new Set<string>();
  // Bounded: some faker lists are shorter than `count`, so stop after enough misses.
  for (let attempts = 0; seen.size < count && attempts < count * 20; attempts++) seen.add(make());
  return [...seen];
}

function words(count: number, make: () => string): Word[] {
  return unique(count, make).map(word).filter((w) => w.slug.length > 0);
}

function word(text: string): Word {
  return { text, slug: slugify(text) };
}

/** "Müller, Pollich & Söhne" → "mullerpollichsohne": what a company's domain or an email local part looks like. */
export function slugify(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/[^a-z0-9]/g, '');
}

const TITLES = [
  'CEO', 'CTO', 'CFO', 'COO', 'CMO', 'Founder', 'Co-Founder', 'President', 'Owner',
  'VP Sales', 'VP Marketing', 'VP Engineering', 'VP Operations', 'Head of Sales', 'Head of Growth',
  'Head of Procurement', 'Director of IT', 'Director, Business Development', 'Sales Manager',
  'Account Executive', 'Account Manager', 'Marketing Manager', 'Office Manager', 'Operations Manager',
  'Product Manager', 'Software Engineer', 'Senior Software Engineer', 'IT Administrator', 'Buyer',
  'Purchasing Agent', 'Controller', 'HR Manager', 'Executive Assistant', 'Customer Success Manager',
  'Geschäftsführer', 'Directeur général', 'Jefe de Compras', 'Sr. Vice President',
];

const TRICKY_TEXTS = [
  'Met at the "SaaStr" booth; wants a demo next week.',
  'Budget: $12,500, approved by finance, pending legal.',
  'Two offices:\nBerlin (HQ)\nLisbon (support)',
  'Zürich office – contact Søren Ødegård, not the front desk.',
  'Asked for the "Enterprise, annual" plan, 15% discount.',
  'Prefers WhatsApp 📱 over email 🚀',
  'Export path was C:\\Users\\sales\\leads.csv',
  'Columns they track:\tregion\towner\tstage',
  'Déjà vu: they churned in 2024, came back after the price change.',
  '東京 office handles APAC renewals.',
  'Said: "We\'ll sign once the pilot, the SSO and the audit are done".',
  'Line one\r\nLine two (Windows newline)',
  'Naïve question about GDPR, DPA & SOC 2 — sent the trust page.',
  ' leading and trailing spaces ',
  'Semicolon; separated; notes; here',
];

const COUNTRIES: readonly CountryProfile[] = [
  {
    code: 'US', weight: 76, currency: 'USD', topLevelDomains: ['com', 'com', 'com', 'io', 'co', 'net', 'us'],
    nameLocales: [['en', 85], ['es', 15]], streetLocale: 'en',
    cities: [
      { city: 'San Francisco', state: 'CA', zip: '941##', phonePrefix: '+1415', phoneDigits: 7 },
      { city: 'Los Angeles', state: 'CA', zip: '900##', phonePrefix: '+1213', phoneDigits: 7 },
      { city: 'San Diego', state: 'CA', zip: '921##', phonePrefix: '+1619', phoneDigits: 7 },
      { city: 'New York', state: 'NY', zip: '100##', phonePrefix: '+1212', phoneDigits: 7 },
      { city: 'Brooklyn', state: 'NY', zip: '112##', phonePrefix: '+1718', phoneDigits: 7 },
      { city: 'Austin', state: 'TX', zip: '787##', phonePrefix: '+1512', phoneDigits: 7 },
      { city: 'Dallas', state: 'TX', zip: '752##', phonePrefix: '+1214', phoneDigits: 7 },
      { city: 'Houston', state: 'TX', zip: '770##', phonePrefix: '+1713', phoneDigits: 7 },
      { city: 'Chicago', state: 'IL', zip: '606##', phonePrefix: '+1312', phoneDigits: 7 },
      { city: 'Seattle', state: 'WA', zip: '981##', phonePrefix: '+1206', phoneDigits: 7 },
      { city: 'Portland', state: 'OR', zip: '972##', phonePrefix: '+1503', phoneDigits: 7 },
      { city: 'Denver', state: 'CO', zip: '802##', phonePrefix: '+1303', phoneDigits: 7 },
      { city: 'Boston', state: 'MA', zip: '021##', phonePrefix: '+1617', phoneDigits: 7 },
      { city: 'Miami', state: 'FL', zip: '331##', phonePrefix: '+1305', phoneDigits: 7 },
      { city: 'Orlando', state: 'FL', zip: '328##', phonePrefix: '+1407', phoneDigits: 7 },
      { city: 'Atlanta', state: 'GA', zip: '303##', phonePrefix: '+1404', phoneDigits: 7 },
      { city: 'Phoenix', state: 'AZ', zip: '850##', phonePrefix: '+1602', phoneDigits: 7 },
      { city: 'Salt Lake City', state: 'UT', zip: '841##', phonePrefix: '+1801', phoneDigits: 7 },
      { city: 'Minneapolis', state: 'MN', zip: '554##', phonePrefix: '+1612', phoneDigits: 7 },
      { city: 'Nashville', state: 'TN', zip: '372##', phonePrefix: '+1615', phoneDigits: 7 },
      { city: 'Raleigh', state: 'NC', zip: '276##', phonePrefix: '+1919', phoneDigits: 7 },
      { city: 'Philadelphia', state: 'PA', zip: '191##', phonePrefix: '+1215', phoneDigits: 7 },
      { city: 'Pittsburgh', state: 'PA', zip: '152##', phonePrefix: '+1412', phoneDigits: 7 },
      { city: 'Detroit', state: 'MI', zip: '482##', phonePrefix: '+1313', phoneDigits: 7 },
      { city: 'Columbus', state: 'OH', zip: '432##', phonePrefix: '+1614', phoneDigits: 7 },
      { city: 'Kansas City', state: 'MO', zip: '641##', phonePrefix: '+1816', phoneDigits: 7 },
      { city: 'Honolulu', state: 'HI', zip: '968##', phonePrefix: '+1808', phoneDigits: 7 },
    ],
  },
  {
    code: 'CA', weight: 5, currency: 'CAD', topLevelDomains: ['ca', 'com'],
    nameLocales: [['en', 75], ['fr', 25]], streetLocale: 'en',
    cities: [
      { city: 'Toronto', state: 'ON', zip: 'M5V #?#', phonePrefix: '+1416', phoneDigits: 7 },
      { city: 'Vancouver', state: 'BC', zip: 'V6B #?#', phonePrefix: '+1604', phoneDigits: 7 },
      { city: 'Montréal', state: 'QC', zip: 'H2Y #?#', phonePrefix: '+1514', phoneDigits: 7 },
    ],
  },
  {
    code: 'GB', weight: 6, currency: 'GBP', topLevelDomains: ['co.uk', 'com', 'io'],
    nameLocales: [['en', 100]], streetLocale: 'en',
    cities: [
      { city: 'London', state: 'England', zip: 'EC1A #??', phonePrefix: '+4420', phoneDigits: 8 },
      { city: 'Manchester', state: 'England', zip: 'M1 #??', phonePrefix: '+44161', phoneDigits: 7 },
      { city: 'Edinburgh', state: 'Scotland', zip: 'EH1 #??', phonePrefix: '+44131', phoneDigits: 7 },
    ],
  },
  {
    code: 'DE', weight: 6, currency: 'EUR', topLevelDomains: ['de', 'com'],
    nameLocales: [['de', 100]], streetLocale: 'de',
    cities: [
      { city: 'Berlin', state: 'Berlin', zip: '101##', phonePrefix: '+4930', phoneDigits: 8 },
      { city: 'München', state: 'Bayern', zip: '803##', phonePrefix: '+4989', phoneDigits: 8 },
      { city: 'Hamburg', state: 'Hamburg', zip: '200##', phonePrefix: '+4940', phoneDigits: 8 },
      { city: 'Köln', state: 'Nordrhein-Westfalen', zip: '506##', phonePrefix: '+49221', phoneDigits: 7 },
    ],
  },
  {
    code: 'FR', weight: 4, currency: 'EUR', topLevelDomains: ['fr', 'com'],
    nameLocales: [['fr', 100]], streetLocale: 'fr',
    cities: [
      { city: 'Paris', state: 'Île-de-France', zip: '750##', phonePrefix: '+331', phoneDigits: 8 },
      { city: 'Lyon', state: 'Auvergne-Rhône-Alpes', zip: '6900#', phonePrefix: '+334', phoneDigits: 8 },
      { city: 'Marseille', state: "Provence-Alpes-Côte d'Azur", zip: '130##', phonePrefix: '+334', phoneDigits: 8 },
    ],
  },
  {
    code: 'AU', weight: 2, currency: 'AUD', topLevelDomains: ['com.au'],
    nameLocales: [['en', 100]], streetLocale: 'en',
    cities: [
      { city: 'Sydney', state: 'NSW', zip: '20##', phonePrefix: '+612', phoneDigits: 8 },
      { city: 'Melbourne', state: 'VIC', zip: '30##', phonePrefix: '+613', phoneDigits: 8 },
    ],
  },
  {
    code: 'BR', weight: 1, currency: 'BRL', topLevelDomains: ['com.br'],
    nameLocales: [['pt', 100]], streetLocale: 'pt',
    cities: [{ city: 'São Paulo', state: 'SP', zip: '01###-###', phonePrefix: '+55119', phoneDigits: 8 }],
  },
  {
    code: 'JP', weight: 1, currency: 'USD', topLevelDomains: ['co.jp', 'jp'],
    nameLocales: [['en', 100]], streetLocale: 'en',
    cities: [{ city: 'Tokyo', state: '東京都', zip: '100-####', phonePrefix: '+813', phoneDigits: 8 }],
  },
];
