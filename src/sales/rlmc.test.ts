import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { chequeAccountError, chequeNumberError, rlmcKey, rlmcKeyIsValid } from './rlmc.ts';

/**
 * The key computed the long way, independently of the 89/15/3 shortcut of the code: the 23-digit
 * number bank·branch·account·key (letters as digits) must be a multiple of 97; try every key.
 */
function keyTheLongWay(bank: string, branch: string, account: string): number {
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  const digits = [...account]
    .map((c) => {
      if (/\d/.test(c)) return c;
      const i = letters.indexOf(c);
      return String([1, 2, 3, 4, 5, 6, 7, 8, 9, 1, 2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5, 6, 7, 8, 9][i]);
    })
    .join('');
  for (let k = 1; k <= 97; k++) {
    if (BigInt(`${bank}${branch}${digits}${String(k).padStart(2, '0')}`) % 97n === 0n) return k;
  }
  throw new Error('no key');
}

describe('RLMC key', () => {
  // Worked by hand (the 23-digit number divided by 97): 12345 12345 1234567891A 16 → 0 remainder.
  const examples = [
    { bank: '12345', branch: '12345', account: '1234567891A', key: '16' },
    { bank: '30002', branch: '00550', account: '0000157841Z', key: '25' },
    { bank: '20041', branch: '01005', account: '0500013M026', key: '06' },
  ];
  for (const e of examples) {
    test(`${e.bank} ${e.branch} ${e.account} has key ${e.key}`, () => {
      assert.equal(keyTheLongWay(e.bank, e.branch, e.account), Number(e.key));
      assert.equal(rlmcKey(e), Number(e.key));
      assert.equal(rlmcKeyIsValid(e, e.key), true);
    });
    test(`${e.bank} ${e.branch} ${e.account}: every other key is refused`, () => {
      for (let k = 0; k <= 99; k++) {
        const key = String(k).padStart(2, '0');
        assert.equal(rlmcKeyIsValid(e, key), key === e.key, key);
      }
    });
  }

  test('random accounts agree with the long way', () => {
    let seed = 7;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed;
    };
    const chars = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
    for (let i = 0; i < 500; i++) {
      const bank = String(next() % 100000).padStart(5, '0');
      const branch = String(next() % 100000).padStart(5, '0');
      const account = Array.from({ length: 11 }, () => chars[next() % chars.length]).join('');
      assert.equal(rlmcKey({ bank, branch, account }), keyTheLongWay(bank, branch, account));
    }
  });

  test('unreadable accounts and cheque numbers: a French reason', () => {
    assert.match(chequeAccountError({ bank: '1234', branch: '12345', account: '1' }) ?? '', /Code banque/);
    assert.match(chequeAccountError({ bank: '12345', branch: '1234A', account: '1' }) ?? '', /Code guichet/);
    assert.match(
      chequeAccountError({ bank: '12345', branch: '12345', account: '123-4567891' }) ?? '',
      /Numéro de compte/,
    );
    assert.equal(rlmcKeyIsValid({ bank: '12345', branch: '12345', account: '1234567891A' }, '1'), false);
    assert.throws(() => rlmcKey({ bank: 'x', branch: '12345', account: '12345678901' }), RangeError);
    assert.equal(chequeNumberError('1234567'), undefined);
    assert.match(chequeNumberError('12A4567') ?? '', /chiffres seulement/);
    assert.match(chequeNumberError('') ?? '', /Numéro de chèque invalide/);
  });
});
