import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  countTotal,
  DENOMINATIONS,
  denominationLabel,
  formatCount,
  readAmount,
  readCount,
} from './cash-count.ts';
import { currencyOf } from './money.ts';

const EUR = currencyOf('EUR');
assert.ok(EUR);

describe('cash count', () => {
  test('the euro has fifteen coins and notes, 0,01 € to 500 €', () => {
    const values = DENOMINATIONS.get('EUR') ?? [];
    assert.equal(values.length, 15);
    assert.equal(values[0], 50000);
    assert.equal(values.at(-1), 1);
    assert.equal(denominationLabel(50000, EUR), '500 €');
    assert.equal(denominationLabel(10, EUR), '0,10 €');
  });

  test('a count reads value=pieces, largest first, and totals to the cent', () => {
    const r = readCount('0.10=5, 50=2,20=1', EUR);
    assert.ok(r.ok);
    assert.deepEqual(r.value, [
      { value: 5000, count: 2 },
      { value: 2000, count: 1 },
      { value: 10, count: 5 },
    ]);
    assert.equal(countTotal(r.value), 12050);
    assert.equal(formatCount(r.value, EUR), '50=2,20=1,0.10=5');
  });

  test('bad counts: each a French reason', () => {
    const cases: [string, RegExp][] = [
      ['50=-1', /négatif/],
      ['50=1.5', /nombre entier/],
      ['50=x', /nombre entier/],
      ['0.03=1', /n'est pas une pièce ou un billet/],
      ['0.001=1', /n'est pas une pièce ou un billet/],
      ['50=1,50=2', /compté deux fois/],
      ['50', /illisible/],
      ['', /vide/],
      ['50=2000000', /trop grand/],
    ];
    for (const [text, message] of cases) {
      const r = readCount(text, EUR);
      assert.equal(r.ok, false, text);
      if (!r.ok) assert.match(r.message, message, text);
    }
    const yen = currencyOf('JPY');
    assert.ok(yen);
    const r = readCount('1000=1', yen);
    assert.ok(!r.ok && /saisissez un total/.test(r.message));
  });

  test('amounts: decimal strings, never more decimals than the currency, never negative', () => {
    assert.deepEqual(readAmount('150', EUR), { ok: true, value: 15000 });
    assert.deepEqual(readAmount('0.10', EUR), { ok: true, value: 10 });
    const cases: [string, RegExp][] = [
      ['1.234', /trop de décimales : 1\.234 \(2 au plus en EUR\)/],
      ['-5', /négatif/],
      ['12,50', /n'est pas un montant/],
      ['abc', /n'est pas un montant/],
      ['1e3', /n'est pas un montant/],
      ['99999999999999999', /trop grand/],
    ];
    for (const [text, message] of cases) {
      const r = readAmount(text, EUR, 'Le fonds de caisse');
      assert.equal(r.ok, false, text);
      if (!r.ok) assert.match(r.message, message, text);
    }
  });
});
