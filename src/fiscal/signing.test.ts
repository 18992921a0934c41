import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { describe, test } from 'node:test';
import {
  createSigner,
  exportPrivateKeyPem,
  exportPublicKeyPem,
  generateSigningKeyPair,
  importPrivateKeyPem,
  importPublicKeyPem,
  KeyError,
  keyIdOf,
  shortCodeOf,
  verifyText,
} from './signing.ts';

const pair = generateSigningKeyPair();
const signer = createSigner(pair);

describe('signing: ECDSA P-256 / SHA-256, base64url P1363', () => {
  test('a signature is 64 bytes as 86 base64url characters and verifies the exact text only', () => {
    const text = 'CPT1|ES256|C1|TICKET|1|…|Y|';
    const signature = signer.sign(text);
    assert.match(signature, /^[A-Za-z0-9_-]{86}$/);
    assert.equal(Buffer.from(signature, 'base64url').length, 64);
    assert.equal(verifyText(pair.publicKey, text, signature), true);
    assert.equal(verifyText(pair.publicKey, `${text} `, signature), false);
    assert.equal(verifyText(pair.publicKey, text.replace('C1', 'C2'), signature), false);
    assert.equal(verifyText(generateSigningKeyPair().publicKey, text, signature), false);
  });

  test('two signatures of the same text differ (ECDSA is randomised) and both verify', () => {
    const a = signer.sign('x');
    const b = signer.sign('x');
    assert.notEqual(a, b);
    assert.equal(verifyText(pair.publicKey, 'x', a) && verifyText(pair.publicKey, 'x', b), true);
  });

  test('malformed or non-canonical signatures are refused, not thrown', () => {
    const signature = signer.sign('x');
    assert.equal(verifyText(pair.publicKey, 'x', signature.slice(1)), false);
    assert.equal(verifyText(pair.publicKey, 'x', `${signature}=`), false);
    assert.equal(verifyText(pair.publicKey, 'x', `${signature.slice(0, 85)}!`), false);
    // The last character carries 4 unused bits: another letter can decode to the same bytes.
    const last = signature.at(-1) as string;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const twin = [...alphabet].find(
      (c) =>
        c !== last &&
        Buffer.from(signature.slice(0, 85) + c, 'base64url').equals(Buffer.from(signature, 'base64url')),
    );
    assert.ok(twin !== undefined);
    assert.equal(verifyText(pair.publicKey, 'x', signature.slice(0, 85) + twin), false);
  });
});

describe('signing: keys', () => {
  test('the key id is the first 16 hex digits of the SHA-256 of the SPKI DER', () => {
    const der = pair.publicKey.export({ type: 'spki', format: 'der' });
    assert.equal(pair.keyId, createHash('sha256').update(der).digest('hex').slice(0, 16));
    assert.equal(keyIdOf(pair.publicKey), pair.keyId);
    assert.match(pair.keyId, /^[0-9a-f]{16}$/);
  });

  test('PEM export and import give back the same key pair', () => {
    const privatePem = exportPrivateKeyPem(pair.privateKey);
    const publicPem = exportPublicKeyPem(pair.publicKey);
    assert.match(privatePem, /^-----BEGIN PRIVATE KEY-----/);
    assert.match(publicPem, /^-----BEGIN PUBLIC KEY-----/);
    const imported = importPrivateKeyPem(privatePem);
    assert.equal(imported.keyId, pair.keyId);
    const signature = createSigner(imported).sign('texte');
    assert.equal(verifyText(importPublicKeyPem(publicPem), 'texte', signature), true);
  });

  test('unreadable PEMs and keys that are not P-256 are refused with a French message', () => {
    assert.throws(
      () => importPrivateKeyPem('pas une clé'),
      (e: unknown) => e instanceof KeyError && /illisible/.test(e.message),
    );
    assert.throws(() => importPublicKeyPem(''), KeyError);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const rsaPem = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    assert.throws(() => importPrivateKeyPem(rsaPem), /ECDSA P-256 est attendue/);
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    assert.throws(() => keyIdOf(p384.publicKey), KeyError);
    assert.throws(() => exportPublicKeyPem(pair.privateKey), KeyError);
  });
});

describe('signing: printable short code', () => {
  test('characters 3, 7, 13 and 19 of the signature (1-based)', () => {
    assert.equal(shortCodeOf('abCdefGhijklMnopqrStuvwxyz'), 'CGMS');
    const signature = signer.sign('ticket');
    assert.equal(shortCodeOf(signature), [2, 6, 12, 18].map((i) => signature.charAt(i)).join(''));
    assert.throws(() => shortCodeOf('court'), RangeError);
  });
});
