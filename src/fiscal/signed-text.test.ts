import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RecordFields, RecordRef, SalePayload } from './record.ts';
import { buildSignedText, escapeText, SignedTextError } from './signed-text.ts';

const PREV = 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCdEfGhIj';
const ORIGINAL: RecordRef = {
  register: 'C1',
  chain: 'TICKET',
  sequence: 41,
  type: 'TICKET',
  signature: PREV,
};

const sale: SalePayload = {
  currency: 'EUR',
  operator: 'marie',
  customer: 'DIVERS',
  pricesIncludeTax: true,
  lines: [
    { label: 'Café', quantity: 2000, unitPrice: 150, totalHt: 273, totalTtc: 300, vatRate: 1000 },
    {
      label: 'Vin rouge, 75 cl | AOC',
      quantity: 1000,
      unitPrice: 1290,
      totalHt: 1075,
      totalTtc: 1290,
      vatRate: 2000,
    },
  ],
  perRate: [
    { rate: 1000, ht: 273, vat: 27, ttc: 300 },
    { rate: 2000, ht: 1075, vat: 215, ttc: 1290 },
  ],
  totalHt: 1348,
  totalTtc: 1590,
  payments: [
    { mode: 'CB', amount: 1000 },
    { mode: 'ESP', amount: 590 },
  ],
};

const header = {
  format: 'CPT1',
  register: 'C1',
  softwareVersion: '0.1.0',
  keyId: '0123456789abcdef',
  timestamp: { utc: '20261123142501', offset: '+0100' },
} as const;

describe('signed text: golden texts (exact bytes)', () => {
  test('first ticket of the chain: flag Y, empty previous signature, escaped label', () => {
    const fields: RecordFields = {
      ...header,
      chain: 'TICKET',
      sequence: 1,
      type: 'TICKET',
      payload: sale,
      previousSignature: '',
    };
    assert.equal(
      buildSignedText(fields),
      'CPT1|ES256|C1|TICKET|1|TICKET|20261123142501+0100|0.1.0|0123456789abcdef|EUR|marie|DIVERS|Y||' +
        '1000,273,27,300;2000,1075,215,1290|1348|1590|' +
        'Café,2000,150,273,300,1000;Vin rouge\\, 75 cl \\| AOC,1000,1290,1075,1290,2000|CB,1000;ESP,590||Y|',
    );
  });

  test('cancellation: opposite amounts, reference to the original, flag N and previous signature', () => {
    const fields: RecordFields = {
      ...header,
      chain: 'TICKET',
      sequence: 42,
      type: 'CANCELLATION',
      payload: {
        ...sale,
        cancels: ORIGINAL,
        lines: [
          { label: 'Café', quantity: -2000, unitPrice: 150, totalHt: -273, totalTtc: -300, vatRate: 1000 },
        ],
        perRate: [{ rate: 1000, ht: -273, vat: -27, ttc: -300 }],
        totalHt: -273,
        totalTtc: -300,
        payments: [{ mode: 'ESP', amount: -300 }],
      },
      previousSignature: PREV,
    };
    assert.equal(
      buildSignedText(fields),
      `CPT1|ES256|C1|TICKET|42|CANCELLATION|20261123142501+0100|0.1.0|0123456789abcdef|EUR|marie|DIVERS|Y|C1,TICKET,41,TICKET,${PREV}|` +
        `1000,-273,-27,-300|-273|-300|Café,-2000,150,-273,-300,1000|ESP,-300||N|${PREV}`,
    );
  });

  test('duplicate: original reference, copy number, reason, operator', () => {
    const fields: RecordFields = {
      ...header,
      chain: 'DUPLICATE',
      sequence: 3,
      type: 'DUPLICATE',
      payload: { original: ORIGINAL, copyNumber: 2, reason: 'Perte; demande du client', operator: 'marie' },
      previousSignature: PREV,
    };
    assert.equal(
      buildSignedText(fields),
      `CPT1|ES256|C1|DUPLICATE|3|DUPLICATE|20261123142501+0100|0.1.0|0123456789abcdef|C1,TICKET,41,TICKET,${PREV}|2|Perte\\; demande du client|marie|N|${PREV}`,
    );
  });

  test('duplicate of an invoice: a 5th field names the copied document', () => {
    const fields: RecordFields = {
      ...header,
      chain: 'DUPLICATE',
      sequence: 4,
      type: 'DUPLICATE',
      payload: {
        original: ORIGINAL,
        copyNumber: 1,
        reason: 'Comptabilité',
        operator: 'marie',
        document: 'invoice',
      },
      previousSignature: PREV,
    };
    assert.equal(
      buildSignedText(fields),
      `CPT1|ES256|C1|DUPLICATE|4|DUPLICATE|20261123142501+0100|0.1.0|0123456789abcdef|C1,TICKET,41,TICKET,${PREV}|1|Comptabilité|marie|invoice|N|${PREV}`,
    );
  });

  test("duplicate of a sale's 2nd deposit voucher: document and rank in the 5th field", () => {
    const fields: RecordFields = {
      ...header,
      chain: 'DUPLICATE',
      sequence: 5,
      type: 'DUPLICATE',
      payload: {
        original: ORIGINAL,
        copyNumber: 3,
        reason: 'Bon perdu',
        operator: 'marie',
        document: 'deposit',
        index: 2,
      },
      previousSignature: PREV,
    };
    assert.equal(
      buildSignedText(fields),
      `CPT1|ES256|C1|DUPLICATE|5|DUPLICATE|20261123142501+0100|0.1.0|0123456789abcdef|C1,TICKET,41,TICKET,${PREV}|3|Bon perdu|marie|deposit,2|N|${PREV}`,
    );
  });

  test('duplicate: an unknown document, or a bad rank, is refused in French', () => {
    const base = { original: ORIGINAL, copyNumber: 1, reason: 'x', operator: 'marie' };
    const fieldsOf = (extra: object) =>
      ({
        ...header,
        chain: 'DUPLICATE',
        sequence: 4,
        type: 'DUPLICATE',
        payload: { ...base, ...extra },
        previousSignature: PREV,
      }) as RecordFields;
    const refused: [object, RegExp][] = [
      [{ document: 'ticket' }, /Document copié inconnu : ticket/],
      [{ document: 'facture' }, /Document copié inconnu : facture/],
      [{ document: 'Invoice' }, /Document copié inconnu/],
      [{ index: 2 }, /Rang de document sans document copié/],
      [{ document: 'invoice', index: 2 }, /Un seul document invoice par vente/],
      [{ document: 'credit-note', index: 2 }, /Un seul document credit-note/],
      [{ document: 'deposit', index: 1 }, /Rang de document invalide : 1/],
      [{ document: 'deposit', index: 0 }, /Rang de document invalide/],
      [{ document: 'deposit', index: 2.5 }, /Rang de document invalide/],
    ];
    for (const [extra, message] of refused) {
      assert.throws(
        () => buildSignedText(fieldsOf(extra)),
        (e: unknown) => e instanceof SignedTextError && message.test(e.message),
        JSON.stringify(extra),
      );
    }
  });

  test('daily closure: period, ranges, per-rate and per-payment totals, grand totals', () => {
    const fields: RecordFields = {
      ...header,
      chain: 'CLOSURE',
      sequence: 7,
      type: 'CLOSURE',
      payload: {
        kind: 'DAY',
        currency: 'EUR',
        periodLabel: '2026-11-23',
        periodStart: { utc: '20261122200000', offset: '+0100' },
        periodEnd: { utc: '20261123200000', offset: '+0100' },
        tickets: { from: 42, to: 43 },
        duplicates: { from: 3, to: 3 },
        closures: { from: 1, to: 0 },
        perRate: [{ rate: 1000, ht: 0, vat: 0, ttc: 0 }],
        perPayment: [{ mode: 'ESP', amount: 0 }],
        ticketCount: 1,
        cancellationCount: 1,
        duplicateCount: 1,
        salesTtc: 300,
        returnsTtc: 300,
        periodTotal: 0,
        periodTotalAbs: 600,
        perpetualTotal: 123456,
        perpetualTotalAbs: 234567,
        lastTicketSignature: PREV,
      },
      previousSignature: PREV,
    };
    assert.equal(
      buildSignedText(fields),
      'CPT1|ES256|C1|CLOSURE|7|CLOSURE|20261123142501+0100|0.1.0|0123456789abcdef|DAY|EUR|2026-11-23|' +
        '20261122200000+0100|20261123200000+0100|42,43|3,3|1,0|1000,0,0,0|ESP,0|1|1|1|300|300|0|600|123456|234567|' +
        `${PREV}|N|${PREV}`,
    );
  });

  test('JET event, movement and archive', () => {
    assert.equal(
      buildSignedText({
        ...header,
        chain: 'JET',
        sequence: 1,
        type: 'JET',
        payload: { code: 90, description: 'Défaut\nd’intégrité', operator: '', data: 'C1/TICKET/42' },
        previousSignature: '',
      }),
      'CPT1|ES256|C1|JET|1|JET|20261123142501+0100|0.1.0|0123456789abcdef|90|Défaut\\x0Ad’intégrité||C1/TICKET/42|Y|',
    );
    assert.equal(
      buildSignedText({
        ...header,
        chain: 'MOVEMENT',
        sequence: 2,
        type: 'MOVEMENT',
        payload: {
          currency: 'EUR',
          kind: 'PAY_OUT',
          mode: 'ESP',
          amount: -2500,
          reason: 'Achat timbres',
          operator: 'marie',
        },
        previousSignature: PREV,
      }),
      `CPT1|ES256|C1|MOVEMENT|2|MOVEMENT|20261123142501+0100|0.1.0|0123456789abcdef|EUR|PAY_OUT|ESP|-2500|Achat timbres|marie|N|${PREV}`,
    );
    // A count (the opening float, a closing count) adds the expected amount and the pieces counted.
    assert.equal(
      buildSignedText({
        ...header,
        chain: 'MOVEMENT',
        sequence: 3,
        type: 'MOVEMENT',
        payload: {
          currency: 'EUR',
          kind: 'COUNT',
          mode: 'CASH',
          amount: 12050,
          reason: 'Comptage de fermeture',
          operator: 'marie',
          count: {
            expected: 12060,
            pieces: [
              { value: 5000, count: 2 },
              { value: 2000, count: 1 },
              { value: 10, count: 5 },
            ],
          },
        },
        previousSignature: PREV,
      }),
      `CPT1|ES256|C1|MOVEMENT|3|MOVEMENT|20261123142501+0100|0.1.0|0123456789abcdef|EUR|COUNT|CASH|12050|Comptage de fermeture|marie|12060|5000,2;2000,1;10,5|N|${PREV}`,
    );
    assert.equal(
      buildSignedText({
        ...header,
        chain: 'ARCHIVE',
        sequence: 1,
        type: 'ARCHIVE',
        payload: {
          periodLabel: '2026-11',
          periodStart: { utc: '20261031230000', offset: '+0100' },
          periodEnd: { utc: '20261130230000', offset: '+0100' },
          recordCount: 1234,
          contentSha256: 'ab'.repeat(32),
          operator: 'gerant',
        },
        previousSignature: '',
      }),
      `CPT1|ES256|C1|ARCHIVE|1|ARCHIVE|20261123142501+0100|0.1.0|0123456789abcdef|2026-11|20261031230000+0100|20261130230000+0100|1234|${'ab'.repeat(32)}|gerant|Y|`,
    );
  });
});

describe('signed text: escaping', () => {
  test('separators, backslash and control characters are escaped, other text is kept verbatim', () => {
    assert.equal(escapeText('a|b;c,d\\e'), 'a\\|b\\;c\\,d\\\\e');
    assert.equal(escapeText('l1\r\nl2\t\u0000\u007f'), 'l1\\x0D\\x0Al2\\x09\\x00\\x7F');
    assert.equal(escapeText('Œuf « bio » 5,5 € — 🍷'), 'Œuf « bio » 5\\,5 € — 🍷');
  });

  test('two different field lists never give the same text', () => {
    const a = escapeText('x|y');
    const b = `${escapeText('x')}|${escapeText('y')}`;
    assert.notEqual(a, b);
  });

  test('a lone surrogate is refused rather than silently replaced', () => {
    assert.throws(() => escapeText('a\uD800b'), SignedTextError);
  });
});

describe('signed text: refused fields', () => {
  const base: RecordFields = {
    ...header,
    chain: 'TICKET',
    sequence: 1,
    type: 'TICKET',
    payload: sale,
    previousSignature: '',
  };

  test('a non-integer amount', () => {
    assert.throws(
      () => buildSignedText({ ...base, payload: { ...sale, totalTtc: 15.9 } }),
      (e: unknown) =>
        e instanceof SignedTextError && /Entier invalide pour le total TTC : 15.9/.test(e.message),
    );
  });

  test('a type written in the wrong chain', () => {
    assert.throws(
      () => buildSignedText({ ...base, chain: 'JET' } as RecordFields),
      /ne s'écrit pas dans la chaîne JET/,
    );
  });

  test('a first record with a previous signature, a later one without', () => {
    assert.throws(() => buildSignedText({ ...base, previousSignature: PREV }), /premier enregistrement/);
    assert.throws(() => buildSignedText({ ...base, sequence: 2 }), /Signature précédente manquante/);
    assert.throws(() => buildSignedText({ ...base, sequence: 0 }), /Séquence invalide/);
  });

  test('a bad timestamp and an unknown format version', () => {
    assert.throws(
      () => buildSignedText({ ...base, timestamp: { utc: '2026-11-23', offset: '+0100' } }),
      /Horodatage invalide/,
    );
    assert.throws(() => buildSignedText({ ...base, format: 'CPT9' }), /Version de format inconnue : CPT9/);
  });
});
