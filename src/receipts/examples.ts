/**
 * Example documents, one per kind, modelled on the real tickets of seed 000 (a shoe shop in Bordeaux).
 * Used by the golden-file tests, the benchmark, the PNG renders of docs/receipts/ and as a template
 * for `comptoir receipt … FILE.json`. The signatures here are placeholders, not real ones.
 */
import type {
  ClosureReport,
  DocumentHeader,
  FiscalStamp,
  GiftTicket,
  Invoice,
  SaleTicket,
  ServiceTicket,
  StoreIdentity,
  Voucher,
} from './document.ts';
import { shortCodeOf } from './document.ts';

export const exampleStore: StoreIdentity = {
  sign: 'CHAUSSURES',
  legalName: 'Ste chaussures',
  legalForm: 'SARL au capital de 8 000 €',
  addressLines: ['12 rue Port Neuf'],
  postalCode: '33000',
  city: 'Bordeaux',
  country: 'France',
  siret: '48854988500030',
  naf: '4772A',
  vatNumber: 'FR53488549858',
  phone: '05 59 48 03 54',
  fax: '05 59 01 02 03',
  email: 'mag1@chaussures.example',
  web: 'www.chaussures.example',
  footer: ['Échange ou avoir sous 1 mois', 'sur présentation du ticket.'],
};

const SIGNATURE =
  'MEUCIQDx7Kq3vB1fZ9yWl0aT4sRr2nPq8cJ5hG6uV0iE3kY7wIgQm1Xz2Lp9Tn4Rb6Cd8Fe0Ga2Hb4Jc6Kd8Le0Mf2Ng4Ph';

const DUPLICATE_SIGNATURE =
  'MEQCIBa1Xb2Yc3Zd4Ae5Bf6Cg7Dh8Ei9Fj0Gk1Hl2Im3JnAiB4Ko5Lp6Mq7Nr8Os9Pt0Qu1Rv2Sw3Tx4Uy5Vz6Wa7X';

const fiscal: FiscalStamp = {
  sequence: 825,
  signature: SIGNATURE,
  shortCode: shortCodeOf(SIGNATURE),
  keyId: 'k2026-1',
};

const common: DocumentHeader = {
  currency: 'EUR',
  store: exampleStore,
  software: { name: 'Comptoir', version: '0.1.0' },
  register: 'C1',
  number: '1082000000825',
  issuedAt: { date: '23/11/2026', time: '14:40:58', stamp: '20261123144058' },
  cashier: { code: '3', name: 'Alexandra' },
  seller: { code: 'V3', name: 'Alexandra' },
  fiscal,
};

export const exampleSale: SaleTicket = {
  ...common,
  kind: 'sale',
  customer: {
    code: '108000000046',
    name: 'M. Dupond',
    loyalty: { cardNumber: '2910820000464', points: 3, articles: 0, visits: 0 },
  },
  lines: [
    {
      quantity: 1000,
      reference: '21587146',
      designation: 'Derby cuir noir 39',
      vatCode: '1',
      unitPrice: 8900,
      amount: 8900,
    },
    {
      quantity: 2000,
      reference: '10820000036',
      designation: 'Botte de pluie PVC rouge pointure 22, doublure chaude amovible',
      vatCode: '1',
      unitPrice: 2300,
      amount: 4140,
      discount: { amount: 460, percent: 1000 },
      ecoParticipation: 720,
    },
    {
      quantity: 1000,
      reference: 'KIT-ENTRETIEN',
      designation: 'Kit entretien cuir',
      vatCode: '1',
      unitPrice: 1500,
      amount: 1500,
      components: [
        { quantity: 1000, reference: 'CIR-01', designation: 'Cirage noir' },
        { quantity: 1000, reference: 'BRS-02', designation: 'Brosse crin' },
      ],
    },
    {
      quantity: 1000,
      reference: '9781234567897',
      designation: 'Guide de la chaussure',
      vatCode: '2',
      unitPrice: 1250,
      amount: 1250,
    },
  ],
  vat: [
    { code: '1', rate: 2000, base: 12117, vat: 2423, total: 14540 },
    { code: '2', rate: 550, base: 1185, vat: 65, total: 1250 },
  ],
  totals: {
    totalExclVat: 13302,
    totalVat: 2488,
    totalInclVat: 15790,
  },
  payments: [
    { label: 'Carte bancaire', amount: 10000 },
    { label: 'Espèces', amount: 6000 },
  ],
  change: 210,
  articleCount: 5,
  lineCount: 4,
};

export const exampleDuplicate: SaleTicket = {
  ...exampleSale,
  duplicate: {
    copyNumber: 2,
    printedAt: { date: '24/11/2026', time: '10:02:11', stamp: '20261124100211' },
    reason: 'Demande du client',
    fiscal: {
      sequence: 12,
      signature: DUPLICATE_SIGNATURE,
      shortCode: shortCodeOf(DUPLICATE_SIGNATURE),
      keyId: 'k2026-1',
    },
  },
};

/** The example sale without its change (`Rendu`), for the tickets derived from it. */
const { change: _change, ...saleWithoutChange } = exampleSale;

export const exampleTraining: SaleTicket = {
  ...saleWithoutChange,
  training: true,
  number: 'X1082000000007',
  lines: exampleSale.lines.slice(0, 1),
  vat: [{ code: '1', rate: 2000, base: 7417, vat: 1483, total: 8900 }],
  totals: { totalExclVat: 7417, totalVat: 1483, totalInclVat: 8900 },
  payments: [{ label: 'Espèces', amount: 8900 }],
  articleCount: 1,
  lineCount: 1,
};

export const exampleCancellation: SaleTicket = {
  ...saleWithoutChange,
  number: '1082000000826',
  cancels: '1082000000825',
  lines: exampleSale.lines.map((l) => ({
    ...l,
    quantity: -l.quantity,
    amount: -l.amount,
    ...(l.discount === undefined ? {} : { discount: { ...l.discount, amount: -l.discount.amount } }),
    ...(l.ecoParticipation === undefined ? {} : { ecoParticipation: -l.ecoParticipation }),
  })),
  vat: exampleSale.vat.map((v) => ({ ...v, base: -v.base, vat: -v.vat, total: -v.total })),
  totals: { totalExclVat: -13302, totalVat: -2488, totalInclVat: -15790 },
  payments: [{ label: 'Espèces', amount: -15790 }],
  articleCount: -5,
  customer: { name: 'M. Dupond' },
};

export const exampleGift: GiftTicket = {
  ...common,
  kind: 'gift',
  lines: exampleSale.lines.map(({ quantity, reference, designation }) =>
    reference === undefined ? { quantity, designation } : { quantity, reference, designation },
  ),
  articleCount: 5,
  exchangeNote: 'Échange sous 1 mois sur présentation de ce ticket.',
};

export const exampleCreditNote: Voucher = {
  ...common,
  kind: 'voucher',
  voucherType: 'credit-note',
  voucherNumber: 'AV-C1-000031',
  number: '1082000000827',
  customer: { code: '2910820000464', name: 'M. Dupond' },
  amount: 8900,
  validFrom: '23/11/2026',
  validUntil: '23/11/2027',
  returnCode: '2810820005813',
  originTicket: '1082000000825',
};

export const exampleDeposit: Voucher = {
  ...common,
  kind: 'voucher',
  voucherType: 'deposit',
  voucherNumber: 'V3M1C1D1082-000001',
  number: '1082000000828',
  customer: { code: '2910820000464', name: 'M. Dupond' },
  amount: 3200,
  validFrom: '23/11/2026',
  validUntil: '22/01/2027',
  returnCode: '2810820005806',
  reservationCode: '171082000062',
  originTicket: '1082000000825',
};

export const exampleEarnest: Voucher = {
  ...exampleDeposit,
  voucherType: 'earnest',
  voucherNumber: 'V3M1C1D1082-000002',
  number: '1082000000830',
  amount: 5000,
};

export const examplePrepaidCard: Voucher = {
  ...common,
  kind: 'voucher',
  voucherType: 'prepaid-card',
  voucherNumber: 'CPP-000447',
  number: '1082000000831',
  customer: { code: '2910820000464', name: 'M. Dupond' },
  amount: 10000,
  validUntil: '23/11/2027',
  returnCode: '2710820000447',
};

export const exampleGiftCard: Voucher = {
  ...common,
  kind: 'voucher',
  voucherType: 'gift-card',
  voucherNumber: 'CPP-000446',
  number: '1082000000829',
  amount: 20000,
  validFrom: '23/11/2026',
  validUntil: '23/11/2027',
  returnCode: '2710820000446',
  originTicket: '1082000000825',
};

export const exampleService: ServiceTicket = {
  ...common,
  kind: 'service',
  title: 'TICKET DE RETOUCHE',
  number: 'R1082000000012',
  customer: { code: '2910820000464', name: 'M. Dupond' },
  expectedDelivery: '30/11/2026',
  items: [{ quantity: 1000, reference: '10820000715', designation: 'Retouche ourlet' }],
  instructions: ['Ourlet 3 cm', 'Pantalon gris, garder le revers'],
  originTicket: '1082000000825',
};

export const exampleInvoice: Invoice = {
  ...exampleSale,
  kind: 'invoice',
  invoiceNumber: 'F2026-000142',
  origin: { ticketNumber: '1082000000825', register: 'C1', date: '23/11/2026' },
  customer: {
    code: '108000000046',
    name: 'SARL Dupond Bâtiment',
    addressLines: ['4 allée des Chênes', '33600 Pessac', 'France'],
    vatNumber: 'FR12345678901',
  },
  paymentTerms: 'Facture acquittée : réglée au comptant le 23/11/2026.',
  fiscal: { ...fiscal, sequence: 142 },
};

export const exampleClosure: ClosureReport = {
  ...common,
  kind: 'z-report',
  number: 'Z-C1-000311',
  period: 'day',
  issuedAt: { date: '23/11/2026', time: '19:30:02', stamp: '20261123193002' },
  from: { date: '23/11/2026', time: '09:00:00', stamp: '20261123090000' },
  to: { date: '23/11/2026', time: '19:30:00', stamp: '20261123193000' },
  ticketCount: 42,
  firstTicket: '1082000000801',
  lastTicket: '1082000000842',
  cancellations: 1,
  sales: 245_390,
  returns: 15_790,
  net: 229_600,
  vat: [
    { code: '1', rate: 2000, base: 180_000, vat: 36_000, total: 216_000 },
    { code: '2', rate: 550, base: 12_891, vat: 709, total: 13_600 },
  ],
  payments: [
    { label: 'Carte bancaire', amount: 190_000 },
    { label: 'Espèces', amount: 39_600 },
  ],
  grandTotal: 229_600,
  perpetualTotal: 12_345_678,
  perpetualTotalAbsolute: 12_901_234,
};

/** Every example by a short name (golden files are named after these). */
export const EXAMPLES = {
  sale: exampleSale,
  duplicate: exampleDuplicate,
  training: exampleTraining,
  cancellation: exampleCancellation,
  gift: exampleGift,
  'credit-note': exampleCreditNote,
  deposit: exampleDeposit,
  earnest: exampleEarnest,
  'gift-card': exampleGiftCard,
  'prepaid-card': examplePrepaidCard,
  service: exampleService,
  invoice: exampleInvoice,
  'z-report': exampleClosure,
} as const;
