import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  currencyOf,
  divRoundBig,
  formatMoneyFr,
  formatScaled,
  formatTrimmed,
  mulDivRound,
  parseScaled,
  roundToStep,
} from './money.ts';

test('decimal strings are read exactly, never rounded', () => {
  assert.equal(parseScaled('12.34', 2), 1234);
  assert.equal(parseScaled('-0.5', 2), -50);
  assert.equal(parseScaled('-0', 2), 0);
  assert.equal(parseScaled('20', 2), 2000);
  assert.equal(parseScaled('1.250', 3), 1250);
  assert.equal(parseScaled('12.345', 2), 'decimals');
  assert.equal(parseScaled('1e3', 2), 'format');
  assert.equal(parseScaled(' 1', 2), 'format');
  assert.equal(parseScaled('1.', 2), 'format');
  assert.equal(parseScaled('.5', 2), 'format');
  assert.equal(parseScaled('12345678901234567890', 2), 'range');
  assert.equal(parseScaled('1000000000.01', 2), 'range');
});

test('amounts are written with exactly the currency decimals', () => {
  assert.equal(formatScaled(1234, 2), '12.34');
  assert.equal(formatScaled(-50, 2), '-0.50');
  assert.equal(formatScaled(5, 0), '5');
  assert.equal(formatScaled(24690, 3), '24.690');
  assert.equal(formatTrimmed(1250, 3), '1.25');
  assert.equal(formatTrimmed(2000, 3), '2');
  assert.equal(formatTrimmed(33333, 4, 2), '3.3333');
  assert.equal(formatTrimmed(50000, 4, 2), '5.00');
});

test('French display of amounts', () => {
  const eur = currencyOf('EUR');
  assert.ok(eur);
  assert.equal(formatMoneyFr(123456, eur), '1 234,56 €');
  assert.equal(formatMoneyFr(-8900, eur), '-89,00 €');
  assert.equal(formatMoneyFr(5, eur), '0,05 €');
});

test('rounding is half away from zero', () => {
  assert.equal(mulDivRound(12345, 1, 10), 1235);
  assert.equal(mulDivRound(-12345, 1, 10), -1235);
  assert.equal(mulDivRound(12344, 1, 10), 1234);
  assert.equal(roundToStep(1567, 5), 1565);
  assert.equal(roundToStep(1568, 5), 1570);
  assert.equal(roundToStep(1060, 5), 1060);
  assert.equal(divRoundBig(-25n, 10n), -3n);
  assert.equal(divRoundBig(25n, -10n), -3n);
});

test('mulDivRound agrees with exact bigint arithmetic, in and beyond the safe range', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
      fc.integer({ min: -(2 ** 30), max: 2 ** 30 }),
      fc.integer({ min: 1, max: 2 ** 30 }),
      (a, b, c) => {
        assert.equal(mulDivRound(a, b, c), Number(divRoundBig(BigInt(a) * BigInt(b), BigInt(c))));
      },
    ),
  );
});
