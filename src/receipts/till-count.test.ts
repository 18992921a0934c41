/**
 * The Z report's till count section (issue 13): built from the day's signed COUNT and FLOAT_OUT
 * records, printed as text (snapshot below) and in the PDF (its text read back with pdftotext).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { JournalRecord, MovementPayload } from '../fiscal/record.ts';
import { parseReceiptDocument } from './document-schema.ts';
import { exampleClosure } from './examples.ts';
import { withTillCount } from './from-journal.ts';
import { renderPdf } from './pdf.ts';
import { exampleSettings } from './testing/journal-fixture.ts';
import { renderText } from './text.ts';

function movement(sequence: number, payload: Omit<MovementPayload, 'currency' | 'operator'>): JournalRecord {
  return {
    format: 'CPT1',
    register: '1',
    chain: 'MOVEMENT',
    sequence,
    type: 'MOVEMENT',
    timestamp: { utc: '20261123180000', offset: '+0100' },
    softwareVersion: '0.1.0',
    keyId: 'k',
    payload: { currency: 'EUR', operator: 'gerant', ...payload },
    previousSignature: '',
    signedText: '',
    signature: '',
  };
}

const day = [
  movement(1, {
    kind: 'FLOAT_IN',
    mode: 'CASH',
    amount: 15000,
    reason: 'Ouverture',
    count: { expected: 15000, pieces: [] },
  }),
  movement(2, { kind: 'PAY_OUT', mode: 'CASH', amount: -500, reason: 'Timbres' }),
  movement(3, {
    kind: 'COUNT',
    mode: 'CASH',
    amount: 27390,
    reason: 'Comptage de fermeture',
    count: { expected: 27400, pieces: [{ value: 10000, count: 2 }] },
  }),
  movement(4, {
    kind: 'COUNT',
    mode: 'CHEQUE',
    amount: 4500,
    reason: 'Comptage de fermeture',
    count: { expected: 4500, pieces: [] },
  }),
  movement(5, { kind: 'FLOAT_OUT', mode: 'CASH', amount: -12390, reason: 'Fermeture : remise au coffre' }),
];

describe("the Z report's till count", () => {
  const report = withTillCount(exampleClosure, day, exampleSettings);

  test('counted, expected and difference per mode, from the signed COUNT records; none without them', () => {
    assert.deepEqual(report.tillCount, {
      rows: [
        { label: 'Espèces', expected: 27400, counted: 27390, difference: -10 },
        { label: 'Chèque', expected: 4500, counted: 4500, difference: 0 },
      ],
      removed: 12390,
    });
    assert.equal(withTillCount(exampleClosure, undefined, exampleSettings), exampleClosure);
    assert.equal(withTillCount(exampleClosure, day.slice(0, 2), exampleSettings), exampleClosure);
    const parsed = parseReceiptDocument(JSON.parse(JSON.stringify(report)));
    assert.ok(parsed.ok, JSON.stringify(parsed));
  });

  test('text: its own section after the grand totals', () => {
    const text = renderText(report, 48);
    const start = text.indexOf('Comptage de caisse');
    assert.ok(start > text.indexOf('Total perpétuel (absolu)'));
    assert.equal(
      text.slice(start, text.indexOf('\n---', start)),
      [
        'Comptage de caisse',
        'Espèces',
        '  Attendu                               274,00 €',
        '  Compté                                273,90 €',
        '  Écart                                  -0,10 €',
        'Chèque',
        '  Attendu                                45,00 €',
        '  Compté                                 45,00 €',
        '  Écart                                   0,00 €',
        'Remis au coffre                         123,90 €',
      ].join('\n'),
    );
  });

  test('PDF: the same figures in its text', async (t) => {
    if (spawnSync('pdftotext', ['-v']).error !== undefined) return t.skip('pdftotext absent');
    const dir = mkdtempSync(join(tmpdir(), 'comptoir-till-pdf-'));
    try {
      const pdf = join(dir, 'z.pdf');
      writeFileSync(pdf, await renderPdf(report, { now: new Date('2026-11-23T18:00:00Z') }));
      spawnSync('pdftotext', ['-layout', pdf, join(dir, 'z.txt')]);
      const text = readFileSync(join(dir, 'z.txt'), 'utf8').replace(/\s+/g, ' ');
      for (const part of [
        'Comptage de caisse Espèces Attendu 274,00 €',
        'Compté 273,90 €',
        'Écart -0,10 €',
        'Remis au coffre 123,90 €',
      ]) {
        assert.ok(text.includes(part), `missing ${part}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
