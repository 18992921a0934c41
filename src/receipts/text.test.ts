import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { type ReceiptDocument, shortCodeOf } from './document.ts';
import { EXAMPLES, exampleDuplicate, exampleGift, exampleSale, exampleTraining } from './examples.ts';
import { LayoutError, layoutDocument, wrap } from './layout.ts';
import { renderText } from './text.ts';

// Golden files: reviewed renders committed next to this test. To accept a deliberate change, run
// `UPDATE_GOLDEN=1 node --import tsx --test src/receipts/text.test.ts`, then review the git diff.
const goldenDir = join(import.meta.dirname, '__golden__');
const update = process.env.UPDATE_GOLDEN === '1';
/** The text with its line breaks and padding folded, to find a mention that was wrapped. */
const flat = (text: string): string => text.replace(/\s+/g, ' ');

describe('text renders match the reviewed golden files', () => {
  for (const [name, doc] of Object.entries(EXAMPLES)) {
    for (const width of [48, 32]) {
      test(`${name} on ${width} columns`, () => {
        const text = renderText(doc, width);
        const file = join(goldenDir, `${name}-${width}.txt`);
        if (update || !existsSync(file)) {
          assert.ok(update, `golden file missing: ${file} (run with UPDATE_GOLDEN=1)`);
          mkdirSync(goldenDir, { recursive: true });
          writeFileSync(file, text);
        }
        assert.equal(text, readFileSync(file, 'utf8'));
        for (const line of text.split('\n')) {
          assert.ok(line.length <= width, `line wider than ${width}: «${line}»`);
        }
      });
    }
  }
});

describe('mandatory mentions (NF525 checklist D and E)', () => {
  const text = renderText(exampleSale, 48);

  test('a sales ticket carries every mention of checklist D', () => {
    for (const mention of [
      'CHAUSSURES',
      '12 rue Port Neuf',
      '33000 Bordeaux',
      'France',
      'Siret : 48854988500030',
      'Code NAF : 4772A',
      'TVA intra : FR53488549858',
      'Tél : 05 59 48 03 54',
      'mag1@chaussures.example',
      'www.chaussures.example',
      'TICKET 1082000000825',
      'Caisse C1',
      '23/11/2026 14:40:58',
      'Caissier : 3 Alexandra',
      'Vendeur : V3 Alexandra',
      'Client : M. Dupond',
      'Fidélité : 3 points',
      '[21587146] Derby cuir noir 39',
      '23,00 € x 2',
      'Remise 10,00 %',
      'Dont éco-participation : 7,20 €',
      '- 1 x [CIR-01] Cirage noir',
      'Carte bancaire',
      'Rendu',
      'Nb articles : 5',
      'Nb lignes : 4',
      '1 20,00 %       121,17       24,23        145,40',
      'Total HT                                133,02 €',
      'Comptoir 0.1.0',
      "N° d'ordre : 825",
      'Échange ou avoir sous 1 mois',
    ]) {
      assert.ok(text.includes(mention), `missing: ${mention}`);
    }
    assert.match(text, /^TOTAL {2,}157,90 €$/m);
  });

  test('the ticket ends with its signature extract, characters 3, 7, 13 and 19', () => {
    assert.equal(shortCodeOf('abcdefghijklmnopqrstuvwxyz'), 'cgms');
    assert.ok(text.trimEnd().endsWith(`Signature : ${shortCodeOf(exampleSale.fiscal?.signature ?? '')}`));
  });

  test('register options hide e-mail, web, phone and components', () => {
    const hidden = renderText(
      {
        ...exampleSale,
        options: { showEmail: false, showWeb: false, showPhoneFax: false, showComponents: false },
      },
      48,
    );
    for (const gone of ['mag1@chaussures.example', 'www.chaussures.example', 'Tél :', 'Cirage noir']) {
      assert.ok(!hidden.includes(gone), `still printed: ${gone}`);
    }
    assert.ok(hidden.includes('[KIT-ENTRETIEN] Kit entretien'));
  });

  test('a duplicate says DUPLICATA with its copy number and its own signature extract', () => {
    const dup = renderText(exampleDuplicate, 32);
    assert.ok(dup.includes('DUPLICATA'));
    assert.ok(flat(dup).includes('Duplicata n°2 du 24/11/2026 10:02:11'));
    const copy = exampleDuplicate.duplicate?.fiscal;
    assert.ok(
      flat(dup).includes(`Duplicata n°2 : n° d'ordre ${copy?.sequence}, signature ${copy?.shortCode}`),
      'the copy carries its own signature extract',
    );
    assert.ok(dup.trimEnd().endsWith(`Signature : ${exampleDuplicate.fiscal?.shortCode}`));
  });

  test('a training ticket is marked at the top, the bottom and under every line', () => {
    const lines = renderText(exampleTraining, 48).split('\n');
    assert.match(lines[0] ?? '', /\*\*\* MODE ÉCOLE \*\*\*/);
    assert.equal(lines.filter((l) => l.includes('MODE ÉCOLE')).length, 2);
    const articleIndex = lines.findIndex((l) => l.startsWith('(1) 1 x'));
    assert.match(lines[articleIndex + 1] ?? '', /-- mode école --/);
  });

  test('a gift ticket shows no price', () => {
    const gift = renderText(exampleGift, 48);
    assert.ok(!gift.includes('€'));
    assert.ok(gift.includes('Derby cuir noir 39'));
  });

  test('global discount with its percentage, cash rounding and the net to pay', () => {
    const text = renderText(
      {
        ...exampleSale,
        totals: { ...exampleSale.totals, globalDiscount: { amount: 790, percent: 500 }, rounding: -2 },
      },
      48,
    );
    assert.match(text, /^Remise globale 5,00 % +-7,90 €$/m);
    assert.match(text, /^Arrondi +-0,02 €$/m);
    assert.match(text, /^Net à payer +157,88 €$/m);
    const hidden = renderText(
      {
        ...exampleSale,
        options: { showGlobalDiscountPercent: false },
        totals: { ...exampleSale.totals, globalDiscount: { amount: 790, percent: 500 } },
      },
      48,
    );
    assert.match(hidden, /^Remise globale +-7,90 €$/m);
  });

  test('vouchers: acompte, arrhes, carte prépayée carry their amount, validity and return code', () => {
    const earnest = renderText(EXAMPLES.earnest, 48);
    assert.ok(earnest.includes('BON D’ARRHES 1082000000830'));
    assert.match(earnest, /^Montant +50,00 €$/m);
    const prepaid = renderText(EXAMPLES['prepaid-card'], 48);
    assert.ok(prepaid.includes("Valable jusqu'au 23/11/2027"));
    assert.ok(prepaid.includes('Code de retour : 2710820000447'));
  });

  test('cancellation mentions', () => {
    const cancels = renderText({ ...exampleSale, cancels: '1082000000800' }, 48);
    assert.ok(cancels.includes('Ce ticket annule le ticket n° 1082000000800'));
    const cancelled = renderText({ ...exampleSale, cancelledBy: '1082000000826' }, 32);
    assert.ok(flat(cancelled).includes('Ce ticket est annulé par le ticket n° 1082000000826'));
  });
});

describe('layout errors and helpers', () => {
  test('an unknown currency or width is refused in French', () => {
    const bad = { ...exampleSale, currency: 'XXX' } as ReceiptDocument;
    assert.throws(() => layoutDocument(bad, 48), new LayoutError('Devise inconnue : XXX'));
    assert.throws(() => layoutDocument(exampleSale, 10), /Largeur invalide : 10 colonnes/);
  });

  test('wrap keeps the indent and cuts words longer than the line', () => {
    assert.deepEqual(wrap('  aaa bbb ccc', 9), ['  aaa bbb', '  ccc']);
    assert.deepEqual(wrap('abcdefghij', 4), ['abcd', 'efgh', 'ij']);
    assert.deepEqual(wrap('', 4), ['']);
  });
});
