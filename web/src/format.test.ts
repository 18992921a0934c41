import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  formatMoney,
  formatQuantity,
  formatRate,
  looksLikeBarcode,
  parseMoney,
  parsePercent,
  parseQuantity,
} from './format.ts';

test('amounts are shown the French way, from minor units', () => {
  assert.equal(formatMoney(123456), '1\u00a0234,56\u00a0€');
  assert.equal(formatMoney(-5), '-0,05\u00a0€');
  assert.equal(formatMoney(0), '0,00\u00a0€');
  assert.equal(formatMoney(100, ''), '1,00');
  assert.equal(formatQuantity(1500), '1,5');
  assert.equal(formatQuantity(-2000), '-2');
  assert.equal(formatRate(550), '5,5\u00a0%');
  assert.equal(formatRate(2000), '20\u00a0%');
});

test('what the cashier types is read as integers, never through a float', () => {
  assert.equal(parseMoney('12,5'), 1250);
  assert.equal(parseMoney('0.1'), 10);
  assert.equal(parseMoney('19.99'), 1999);
  assert.equal(parseMoney(',5'), 50);
  assert.equal(parseMoney('1,234'), undefined, 'three decimals is not an amount');
  assert.equal(parseMoney('abc'), undefined);
  assert.equal(parseMoney(''), undefined);
  assert.equal(parseQuantity('2'), 2000);
  assert.equal(parseQuantity('-1'), -1000);
  assert.equal(parseQuantity('0,25'), 250);
  assert.equal(parsePercent('15'), 1500);
  assert.equal(parsePercent('12,5'), 1250);
});

test('a scanned code is told from a typed reference', () => {
  assert.equal(looksLikeBarcode('3761000000001'), true);
  assert.equal(looksLikeBarcode('12345678'), true);
  assert.equal(looksLikeBarcode('ALB0001'), false);
  assert.equal(looksLikeBarcode('12'), false);
});
