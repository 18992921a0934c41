/**
 * A realistic demonstration shop, generated deterministically from a seed: a delicatessen with a book
 * and stationery corner (every French VAT rate has articles), EAN-13 codes with exact check digits,
 * suppliers' references, gift boxes composed of other articles, a trade tariff, promotions and
 * customers. The same seed always gives the same shop.
 */
import type { Milli } from '../sales/money.ts';
import { ean13CheckDigit } from './codes.ts';
import type { ArticleInput, CustomerInput, FamilyInput, PromotionInput } from './validation.ts';

/** mulberry32: a small seeded generator, enough for demonstration data (not for secrets). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(random: () => number, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('liste vide');
  return item;
}

function intBetween(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

/** A valid EAN-13 from twelve digits. */
export function ean13(first12: string): string {
  return `${first12}${ean13CheckDigit(first12)}`;
}

interface FamilySpec {
  readonly code: string;
  readonly label: string;
  readonly vatRate: number;
  readonly products: readonly string[];
  readonly qualifiers: readonly string[];
  readonly sizes: readonly string[];
  readonly price: readonly [number, number];
  readonly lotSerial?: boolean;
}

const FAMILIES: readonly FamilySpec[] = [
  {
    code: 'EPICERIE',
    label: 'Épicerie fine',
    vatRate: 550,
    products: [
      'Café moulu',
      'Thé vert',
      'Confiture',
      'Miel de lavande',
      "Huile d'olive",
      'Pâtes fraîches',
      'Riz de Camargue',
      'Chocolat noir',
      'Biscuits sablés',
      'Crème de marrons',
      'Moutarde à l’ancienne',
      'Sel de Guérande',
      'Pâté de campagne',
      'Rillettes du Mans',
    ],
    qualifiers: ['bio', 'artisanal', 'de Provence', 'extra', 'équitable', 'du terroir', 'aux noisettes'],
    sizes: ['125 g', '250 g', '500 g', '1 kg', '37,5 cl'],
    price: [190, 1890],
  },
  {
    code: 'BOISSONS',
    label: 'Boissons sans alcool',
    vatRate: 550,
    products: [
      'Jus de pomme',
      'Limonade',
      'Sirop de menthe',
      'Nectar d’abricot',
      'Eau pétillante',
      'Thé glacé',
    ],
    qualifiers: ['bio', 'artisanal', 'pétillant', 'du Limousin', 'de Normandie'],
    sizes: ['25 cl', '75 cl', '1 l', '1,5 l'],
    price: [150, 690],
  },
  {
    code: 'CAVE',
    label: 'Vins et spiritueux',
    vatRate: 2000,
    products: [
      'Côtes-du-Rhône',
      'Bordeaux supérieur',
      'Crémant d’Alsace',
      'Cidre brut',
      'Calvados',
      'Chablis',
    ],
    qualifiers: ['rouge', 'blanc', 'rosé', 'millésimé', 'vieilles vignes', 'réserve'],
    sizes: ['37,5 cl', '75 cl', '150 cl'],
    price: [590, 4590],
  },
  {
    code: 'LIBRAIRIE',
    label: 'Librairie',
    vatRate: 550,
    products: [
      'Guide des vins',
      'Livre de recettes',
      'Carnet de voyage',
      'Atlas des fromages',
      'Roman policier',
    ],
    qualifiers: ['illustré', 'de poche', 'relié', 'édition collector'],
    sizes: [''],
    price: [790, 3500],
  },
  {
    code: 'PRESSE',
    label: 'Presse',
    vatRate: 210,
    products: ['Quotidien régional', 'Magazine gastronomie', 'Hebdomadaire', 'Revue des vins'],
    qualifiers: ['du jour', 'hors-série', 'édition spéciale'],
    sizes: [''],
    price: [130, 990],
  },
  {
    code: 'PAPETERIE',
    label: 'Papeterie',
    vatRate: 2000,
    products: ['Stylo plume', 'Cahier', 'Carte de vœux', 'Papier cadeau', 'Crayons de couleur', 'Agenda'],
    qualifiers: ['bleu', 'noir', 'recyclé', 'kraft', 'grand format', 'assortis'],
    sizes: ['A5', 'A4', 'x12', ''],
    price: [120, 2490],
  },
  {
    code: 'SALON',
    label: 'Salon de thé (sur place)',
    vatRate: 1000,
    products: ['Café expresso', 'Chocolat chaud', 'Part de tarte', 'Crêpe sucrée', 'Thé en théière'],
    qualifiers: ['maison', 'du jour', 'gourmand'],
    sizes: [''],
    price: [150, 650],
  },
  {
    code: 'ELECTRO',
    label: 'Petit électroménager',
    vatRate: 2000,
    products: ['Moulin à café', 'Bouilloire', 'Machine à expresso', 'Yaourtière'],
    qualifiers: ['inox', 'électrique', 'compact'],
    sizes: [''],
    price: [2490, 18900],
    lotSerial: true,
  },
];

/** Every product name of the demonstration shop (the benchmark names its million articles with them). */
export const DEMO_PRODUCTS: readonly string[] = FAMILIES.flatMap((f) => f.products);

const SECOND_FAMILIES: readonly FamilyInput[] = [
  { level: 2, code: 'BIO', label: 'Agriculture biologique' },
  { level: 2, code: 'LOCAL', label: 'Producteurs locaux' },
  { level: 2, code: 'IMPORT', label: 'Importation' },
  { level: 2, code: 'CADEAU', label: 'Idées cadeaux' },
];

const SUPPLIERS = ['F0000001', 'F0000002', 'F0000003', 'F0000004', 'F0000005', 'F0000006'];

export const DEMO_TARIFF_PRO = 'PRO';

export interface DemoShop {
  readonly families: readonly FamilyInput[];
  /** Parts first, then the gift boxes that are composed of them. */
  readonly articles: readonly ArticleInput[];
  readonly promotions: readonly PromotionInput[];
  readonly stock: readonly { readonly ref: string; readonly quantity: Milli }[];
  readonly customers: readonly CustomerInput[];
}

export interface DemoCounts {
  readonly articles: number;
  readonly boxes: number;
  readonly customers: number;
}

const FIRST_NAMES = [
  'Camille',
  'Louise',
  'Jules',
  'Léa',
  'Hugo',
  'Chloé',
  'Lucas',
  'Inès',
  'Gabriel',
  'Zoé',
  'Noé',
];
const LAST_NAMES = [
  'Martin',
  'Bernard',
  'Dubois',
  'Thomas',
  'Robert',
  'Richard',
  'Petit',
  'Durand',
  'Lefèvre',
  'Moreau',
];
const CITIES: readonly (readonly [string, string])[] = [
  ['33000', 'Bordeaux'],
  ['69003', 'Lyon'],
  ['59000', 'Lille'],
  ['44000', 'Nantes'],
  ['67000', 'Strasbourg'],
  ['31000', 'Toulouse'],
  ['13001', 'Marseille'],
];
const STREETS = [
  'rue de la République',
  'avenue Jean-Jaurès',
  'place du Marché',
  'rue Victor-Hugo',
  'quai des Chartrons',
];

function asciiLower(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

/** A price that looks like a shop's: ends in 0, 5 or 9 cents. */
function shopPrice(random: () => number, [min, max]: readonly [number, number]): number {
  const raw = intBetween(random, min, max);
  return Math.floor(raw / 10) * 10 + pick(random, [0, 5, 9, 9]);
}

export function generateDemoShop(
  seed: number,
  now: Date,
  counts: DemoCounts = { articles: 300, boxes: 12, customers: 60 },
): DemoShop {
  const random = seededRandom(seed);
  const families: FamilyInput[] = [
    ...FAMILIES.map((f) => ({ level: 1 as const, code: f.code, label: f.label })),
    { level: 1, code: 'COFFRETS', label: 'Coffrets cadeaux' },
    ...SECOND_FAMILIES,
  ];
  const articles: ArticleInput[] = [];
  const stock: { ref: string; quantity: Milli }[] = [];
  const promotions: PromotionInput[] = [];
  const perFamily = new Map<string, number>();
  const designations = new Set<string>();
  for (let i = 0; i < counts.articles; i += 1) {
    const family = FAMILIES[i % FAMILIES.length] as FamilySpec;
    const n = (perFamily.get(family.code) ?? 0) + 1;
    perFamily.set(family.code, n);
    const ref = `${family.code.slice(0, 3)}${String(n).padStart(4, '0')}`;
    let designation = [
      pick(random, family.products),
      pick(random, family.qualifiers),
      pick(random, family.sizes),
    ]
      .filter((p) => p !== '')
      .join(' ');
    if (designations.has(designation)) designation = `${designation} n°${n}`;
    designations.add(designation);
    const supplier = SUPPLIERS[i % SUPPLIERS.length] as string;
    const price = shopPrice(random, family.price);
    const second = random() < 0.6 ? pick(random, SECOND_FAMILIES).code : undefined;
    articles.push({
      ref,
      designation,
      ean: ean13(`376${String(1000 + (i % SUPPLIERS.length)).slice(-4)}${String(i).padStart(5, '0')}`),
      ...(i % 17 === 0 ? { otherBarcodes: [`INT${String(i).padStart(6, '0')}`] } : {}),
      family1: family.code,
      ...(second === undefined ? {} : { family2: second }),
      vatRate: family.vatRate,
      // One article in 40 has no price yet: the viseur warns and sells at 0 (seed 001).
      ...(i % 40 === 39 ? {} : { price, prices: { [DEMO_TARIFF_PRO]: Math.round((price * 9) / 10) } }),
      ecoParticipation: family.code === 'ELECTRO' ? pick(random, [30, 50, 100]) : 0,
      lotSerial: family.lotSerial === true,
      supplierRefs: [
        {
          supplierCode: supplier,
          supplierRef: `${family.code.slice(0, 2)}${asciiLower(ref).toUpperCase().slice(3)}`,
        },
      ],
    });
    // One article in 12 is out of stock in the demo depot.
    stock.push({ ref, quantity: i % 12 === 5 ? 0 : intBetween(random, 1, 80) * 1000 });
    if (i % 25 === 3) {
      const start = new Date(now.getTime() - 7 * 86_400_000);
      const end = new Date(now.getTime() + 21 * 86_400_000);
      promotions.push({
        ref,
        label: 'Promotion du mois',
        price: Math.round((price * 8) / 10),
        startsAt: start.toISOString(),
        endsAt: end.toISOString(),
      });
    }
  }
  const parts = articles.filter(
    (a) => a.family1 === 'EPICERIE' || a.family1 === 'CAVE' || a.family1 === 'LIBRAIRIE',
  );
  for (let b = 0; b < counts.boxes; b += 1) {
    const ref = `COF${String(b + 1).padStart(4, '0')}`;
    const chosen = new Set<string>();
    while (chosen.size < 3 && chosen.size < parts.length) chosen.add(pick(random, parts).ref);
    articles.push({
      ref,
      designation: `Coffret ${pick(random, ['gourmand', 'découverte', 'apéritif', 'du terroir'])} n°${b + 1}`,
      ean: ean13(`3761999${String(b).padStart(5, '0')}`),
      family1: 'COFFRETS',
      family2: 'CADEAU',
      vatRate: 2000,
      // Half the boxes have a fixed price; the others are priced as the sum of their parts.
      ...(b % 2 === 0 ? { price: shopPrice(random, [2490, 8900]) } : {}),
      composed: true,
      components: [...chosen].map((r) => ({ ref: r, quantity: 1000 })),
    });
  }

  const customers: CustomerInput[] = [];
  for (let c = 0; c < counts.customers; c += 1) {
    const first = pick(random, FIRST_NAMES);
    const last = pick(random, LAST_NAMES);
    const [postalCode, city] = pick(random, CITIES);
    const hasEmail = random() < 0.7;
    const emailReceipts = hasEmail && random() < 0.5;
    const pro = c % 10 === 9;
    customers.push({
      code: `C${String(c + 1).padStart(5, '0')}`,
      cardNumber: ean13(`29${String(c + 1).padStart(10, '0')}`),
      name: pro ? `${last} SARL` : `${last.toUpperCase()} ${first}`,
      address1: `${intBetween(random, 1, 120)} ${pick(random, STREETS)}`,
      postalCode,
      city,
      email: hasEmail ? `${asciiLower(first)}.${asciiLower(last)}${c + 1}@example.fr` : '',
      phone: `0${intBetween(random, 1, 5)} ${String(intBetween(random, 10_000_000, 99_999_999)).replace(/(\d\d)(?=\d)/g, '$1 ')}`,
      taxExempt: c % 29 === 28,
      ...(pro ? { tariff: DEMO_TARIFF_PRO } : {}),
      loyaltyPoints: intBetween(random, 0, 400),
      visits: intBetween(random, 0, 60),
      consentEmailReceipts: emailReceipts,
      consentMailings: hasEmail && random() < 0.4,
      dematLetterSent: hasEmail,
      dematRefused: !emailReceipts && random() < 0.1,
    });
  }
  return { families, articles, promotions, stock, customers };
}

/**
 * The demonstration store's SIRET: the 999 prefix belongs to no company (INSEE assigns none), the
 * Luhn key is right, so a demo receipt carries a well-formed SIRET that no one can mistake for a shop.
 */
export const DEMO_SIRET = '99900000100019';
