import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type AnchorReading,
  checkHeadsSignature,
  compareWithAnchors,
  headsSignedText,
  parseHeads,
  signHeads,
} from './heads.ts';
import type { Chain, ChainHead } from './record.ts';
import { createSigner, generateSigningKeyPair } from './signing.ts';

const keys = generateSigningKeyPair();
const keysById = new Map([[keys.keyId, keys.publicKey]]);
const signer = createSigner(keys);
const head = (sequence: number, signature: string): ChainHead => ({
  register: '1',
  chain: 'TICKET',
  sequence,
  signature,
});
const anchor = (at: string, h: ChainHead): AnchorReading => ({
  doc: signHeads('1', [h], signer, at),
  where: `ancre-${at}`,
});

/** A journal side whose TICKET chain holds `sigs[i]` at sequence i + 1. */
const side = (sigs: readonly string[]) => ({
  lastSequence: (chain: Chain) => (chain === 'TICKET' ? sigs.length : 0),
  signatureAt: (chain: Chain, n: number) => (chain === 'TICKET' ? sigs[n - 1] : undefined),
});
const codes = (list: readonly { code: string; sequence: number }[]) =>
  list.map((p) => `${p.code}@${p.sequence}`);

describe('the signed heads document (comptoir-heads/2)', () => {
  test('signed, read back, checked; changed, unsigned, empty or of format 1: refused in French', () => {
    const doc = signHeads('1', [head(3, 'c')], signer, '20261123080000');
    const text = JSON.stringify(doc);
    checkHeadsSignature(parseHeads(text, 'f'), keysById, 'f');
    const changed = { ...doc, heads: [{ chain: 'TICKET', sequence: 2, signature: 'b' }] };
    assert.throws(
      () => checkHeadsSignature(parseHeads(JSON.stringify(changed), 'f'), keysById, 'f'),
      /Signature des têtes de chaîne invalide/,
    );
    assert.throws(() => parseHeads('', 'f'), /vide/);
    assert.throws(() => parseHeads(JSON.stringify({ ...doc, signature: '' }), 'f'), /non signé/);
    assert.throws(
      () => parseHeads(JSON.stringify({ format: 'comptoir-heads/1', register: '1', heads: [] }), 'f'),
      /non signé ou de format inconnu/,
    );
    const other = generateSigningKeyPair();
    assert.throws(
      () => checkHeadsSignature(doc, new Map([[other.keyId, other.publicKey]]), 'f'),
      /clé inconnue/,
    );
    assert.equal(headsSignedText(doc).includes(doc.signature), false);
  });
});

describe('the journal against its anchors', () => {
  const a1 = anchor('20261123080000', head(2, 'b'));
  const a2 = anchor('20261124080000', head(4, 'd'));

  test('a journal that holds every anchored record passes', () => {
    assert.deepEqual(compareWithAnchors('1', side(['a', 'b', 'c', 'd', 'e']), [a2, a1], []), []);
  });

  test('rollback: an older copy restored with its heads file, the last anchored record named', () => {
    const found = compareWithAnchors('1', side(['a', 'b', 'c']), [a1, a2], [head(3, 'c')]);
    assert.deepEqual(codes(found), ['ANCHOR_ROLLBACK@4']);
    assert.match(
      found[0]?.message ?? '',
      /TICKET n° 4 ancré le 20261124080000 .*absent .* dernier enregistrement ancré retrouvé : TICKET n° 2/,
    );
  });

  test('truncated tail: the heads file beside the database had reached the anchored record', () => {
    assert.deepEqual(codes(compareWithAnchors('1', side(['a', 'b', 'c']), [a1, a2], [head(4, 'd')])), [
      'ANCHOR_TRUNCATED@4',
    ]);
  });

  test('fork: back in time, then new records under the same numbers', () => {
    assert.deepEqual(codes(compareWithAnchors('1', side(['a', 'b', 'x', 'y', 'z']), [a1, a2], [])), [
      'ANCHOR_FORK@4',
    ]);
  });

  test('re-signed: no anchored record is found as it was', () => {
    assert.deepEqual(codes(compareWithAnchors('1', side(['p', 'q', 'r', 's']), [a1, a2], [])), [
      'ANCHOR_RESIGNED@2',
    ]);
  });
});
