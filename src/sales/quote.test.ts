import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { quote } from './quote.ts';

/** Bad input to `quote`: exit 2, INVALID_INPUT, a French message naming the field; never a stack trace. */
const base = { lines: [{ ref: 'A', qty: '1', unitPrice: '10.00', vatRate: '20' }] };
const withLine = (extra: object) => ({ lines: [{ ...base.lines[0], ...extra }] });

function refused(data: unknown): { field: string; message: string }[] {
  const { exitCode, output } = quote(data);
  assert.equal(exitCode, 2, JSON.stringify(output));
  assert.equal(output.valid, false);
  return output.errors.map((e) => {
    assert.equal(e.code, 'INVALID_INPUT');
    return { field: 'field' in e ? e.field : '', message: e.message };
  });
}

function assertNames(data: unknown, field: string, fragment: RegExp): void {
  const errors = refused(data);
  const hit = errors.find((e) => e.field === field);
  assert.ok(hit, `${field} not named in ${JSON.stringify(errors)}`);
  assert.match(hit.message, fragment);
}

describe('quote refuses unreadable input, naming the field', () => {
  test('wrong types', () => {
    assertNames(withLine({ qty: 2 }), 'lines[0].qty', /doit être un texte/);
    assertNames({ ...base, override: 'yes' }, 'override', /booléen/);
    assertNames({ lines: 'A' }, 'lines', /liste/);
    assertNames([], '(racine)', /objet/);
    assertNames(null, '(racine)', /objet/);
  });
  test('unknown fields', () => {
    assertNames(withLine({ price: '1.00' }), 'lines[0]', /champ inconnu : price/);
    assertNames({ ...base, discount: '5' }, '(racine)', /champ inconnu : discount/);
    assertNames(
      { ...base, payments: [{ mode: 'CARD', amout: '1.00' }] },
      'payments[0]',
      /champ inconnu : amout/,
    );
  });
  test('too many decimals', () => {
    assertNames(withLine({ unitPrice: '10.001' }), 'lines[0].unitPrice', /2 décimales au plus pour EUR/);
    assertNames(withLine({ qty: '1.0001' }), 'lines[0].qty', /3 décimales/);
    assertNames(withLine({ vatRate: '5.555' }), 'lines[0].vatRate', /2 décimales/);
  });
  test('huge numbers and malformed numbers', () => {
    assertNames(withLine({ unitPrice: '99999999999999999999' }), 'lines[0].unitPrice', /trop grande/);
    assertNames(withLine({ unitPrice: '1e9' }), 'lines[0].unitPrice', /nombre décimal/);
    assertNames(withLine({ qty: '100001' }), 'lines[0].qty', /trop grande/);
    assertNames(withLine({ qty: '99999', unitPrice: '999999999.99' }), 'lines[0]', /trop grand/);
    assertNames(withLine({ vatRate: '120' }), 'lines[0].vatRate', /trop grande/);
  });
  test('missing and contradictory fields', () => {
    assertNames({ lines: [{ ref: 'A', qty: '1', vatRate: '20' }] }, 'lines[0]', /unitPrice, soit amount/);
    assertNames({ lines: [{ ref: 'A', qty: '1', unitPrice: '1.00' }] }, 'lines[0].vatRate', /manquant/);
    assertNames({}, 'lines', /manquant/);
    assertNames(withLine({ discountPercent: '5', discountAmount: '1.00' }), 'lines[0]', /une seule remise/);
    assertNames(withLine({ qty: '0' }), 'lines[0].qty', /nulle/);
    assertNames(
      { ...base, payments: [{ mode: 'CASH', amount: '0' }] },
      'payments[0].amount',
      /supérieur à zéro/,
    );
    assertNames(
      { ...base, payments: [{ mode: 'CASH', currency: 'USD', amount: '1.00' }] },
      'payments[0].rate',
      /obligatoire/,
    );
    assertNames({ ...base, currency: 'XYZ' }, 'currency', /devise inconnue/);
    assertNames({ ...base, mode: 'NET' }, 'mode', /TTC, HT/);
    assertNames(
      { ...base, paymentModes: { ESP: { excess: 'give' } } },
      'paymentModes.ESP.excess',
      /refuse, change, creditNote/,
    );
    assertNames(
      { lines: [{ ref: 'BOX', composition: { components: [] } }] },
      'lines[0].composition.components',
      /au moins 1/,
    );
    assertNames(
      {
        lines: [
          {
            ref: 'BOX',
            composition: { components: [{ ref: 'C', qty: '1', unitPrice: 'x', vatRate: '20' }] },
          },
        ],
      },
      'lines[0].composition.components[0].unitPrice',
      /nombre décimal/,
    );
  });
});

describe('the quote command on bad input', () => {
  const bin = join(fileURLToPath(new URL('../..', import.meta.url)), 'bin/comptoir.js');
  const run = (args: string[], stdin?: string) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = execFile(process.execPath, [bin, ...args], (error, stdout, stderr) => {
        resolve({ code: error === null ? 0 : ((error as { code?: number }).code ?? null), stdout, stderr });
      });
      child.stdin?.end(stdin ?? '');
    });

  test('malformed JSON on standard input: exit 2, a French message, no stack trace', async () => {
    const { code, stdout, stderr } = await run(['quote', '-'], '{"lines": [');
    assert.equal(code, 2);
    assert.match(stderr, /Saisie invalide : \(racine\) : JSON invalide/);
    assert.doesNotMatch(stderr + stdout, /\bat .*\.ts:\d+/);
    assert.equal(JSON.parse(stdout).errors[0].code, 'INVALID_INPUT');
  });

  test('a missing file: exit 2', async () => {
    const { code, stderr } = await run(['quote', 'nowhere/missing.json']);
    assert.equal(code, 2);
    assert.match(stderr, /lecture impossible de nowhere\/missing.json \(ENOENT\)/);
  });

  test('a field of the wrong type: exit 2 naming it', async () => {
    const { code, stderr } = await run(['quote', '-'], JSON.stringify(withLine({ unitPrice: 10 })));
    assert.equal(code, 2);
    assert.match(stderr, /lines\[0\]\.unitPrice : doit être un texte/);
  });
});
