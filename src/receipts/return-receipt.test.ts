/** The return ticket as printed (issue 14): its link to the sale, its cause, the credit note's number. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { returnTicket } from '../store/journal/returns.ts';
import { type JournalFixture, openJournalFixture } from '../store/journal/testing.ts';
import { DIALECTS } from '../store/test-dialects.ts';
import { saleTicketOf } from './from-journal.ts';
import { documentSettingsOf } from './journal-source.ts';
import { renderText } from './text.ts';

let f: JournalFixture;
before(async () => {
  f = await openJournalFixture(DIALECTS[0] as (typeof DIALECTS)[number]);
});
after(() => f.close());

test('a return prints « Ce ticket modifie le ticket n° X », its cause, negative lines and the credit note', async () => {
  const sale = await f.sell(1, {
    lines: [{ ref: 'MUG', qty: '3', unitPrice: '8.00', vatRate: '20' }],
    payments: [{ mode: 'CARD', amount: '24.00' }],
  });
  const done = await returnTicket(f.db, f.ctx, {
    register: 1,
    original: sale.number,
    lines: [{ line: 1, qty: 2000 }],
    cause: 'DEFAUT',
    refund: 'credit-note',
    operator: 'ADMIN',
    random: () => '00000000000042',
  });
  const text = renderText(saleTicketOf(done.record, await documentSettingsOf(f.db, 1)));
  const body = text.slice(text.indexOf('Ce ticket modifie'), text.indexOf('Nb articles'));
  assert.equal(
    body.replace(/ +\n/g, '\n'),
    `Ce ticket modifie le ticket n° 1-000001
Motif du retour : Article défectueux
------------------------------------------------
(N) -2 x [MUG] MUG                      -16,00 €
    8,00 € x -2
------------------------------------------------
TOTAL                                   -16,00 €
------------------------------------------------
Bon d'avoir n° 1000 0000 0000 0426      -16,00 €
------------------------------------------------
`,
  );
  assert.match(text, /N 20,00 % {7}-13,34 {7}-2,66 {8}-16,00/);
});
