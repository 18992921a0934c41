/**
 * The printed Z reconciles (issue 12, item 4): from the signed tickets a daily closure covers, per
 * payment mode what was received, the change given back and what it settled, then the credit notes,
 * returns and cancellations — in the text (and so ESC/POS and PDF) rendering of the closure.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { closeDay } from '../store/journal/operations.ts';
import { type JournalFixture, openJournalFixture, SIMPLE_SALE } from '../store/journal/testing.ts';
import { DIALECTS } from '../store/test-dialects.ts';
import { documentFromRecord } from './from-journal.ts';
import { documentSourceOf } from './journal-source.ts';
import { renderText } from './text.ts';

let f: JournalFixture;
const sqlite = DIALECTS.find((d) => d.name === 'sqlite');

before(async () => {
  assert.ok(sqlite);
  f = await openJournalFixture(sqlite);
});
after(() => f.close());

test('the Z prints received, change and settled per mode, and the credit notes and returns, from the covered tickets', async () => {
  f.advance(1);
  await f.sell(1, SIMPLE_SALE); // 14,40 paid with 20,00 in cash: 5,60 given back
  f.advance(1);
  await f.sell(1, {
    lines: [{ ref: 'VIN', qty: '1', unitPrice: '12.90', vatRate: '20' }],
    payments: [{ mode: 'CARD', amount: '12.90' }],
  });
  f.advance(1);
  await closeDay(f.db, f.ctx, { register: 1, operator: 'ADMIN' });
  const closure = (await f.records()).filter((r) => r.type === 'CLOSURE').at(-1);
  assert.ok(closure !== undefined);
  const source = await documentSourceOf(f.db, 1, [closure], 'ticket', { name: 'Comptoir', version: '0.1.0' });
  assert.equal(source.covered?.length, 2, 'the two tickets the closure covers');
  const text = renderText(documentFromRecord(source), 48);
  const section = text.slice(text.indexOf('Rapprochement des règlements'));
  assert.notEqual(text.indexOf('Rapprochement des règlements'), -1, text);
  assert.match(section, /Espèces\n\s+Encaissé\s+20,00 €\n\s+Rendu\s+5,60 €\n\s+Réglé\s+14,40 €/);
  assert.match(section, /Carte bancaire\n\s+Encaissé\s+12,90 €\n\s+Réglé\s+12,90 €/);
  assert.match(section, /Avoirs émis \(0\)\s+0,00 €/);
  assert.match(section, /Retours \(0\)\s+0,00 €/);
  assert.match(section, /Annulations \(0\)\s+0,00 €/);
});
