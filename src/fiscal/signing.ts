/**
 * Signing of the journal: ECDSA P-256 over SHA-256 with node:crypto (checklist item 11).
 *
 * Keys are `KeyObject`s created once and reused: parsing a PEM on every call is about fifteen times
 * slower. A signature is the IEEE P1363 encoding (r ‖ s, 64 bytes) in base64url without padding
 * (86 characters). A key id is the first 16 hex digits of the SHA-256 of the public key's SPKI DER.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';

export interface KeyPair {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly keyId: string;
}

/** Something that signs texts with one key; `keyId` names the key that verifies them. */
export interface Signer {
  readonly keyId: string;
  sign(text: string): string;
}

/** Thrown on a key that is not a P-256 key of the expected kind (French message). */
export class KeyError extends Error {
  override name = 'KeyError';
}

function assertP256(key: KeyObject, type: 'private' | 'public'): void {
  if (
    key.type !== type ||
    key.asymmetricKeyType !== 'ec' ||
    key.asymmetricKeyDetails?.namedCurve !== 'prime256v1'
  ) {
    throw new KeyError(
      `Clé ${type === 'private' ? 'privée' : 'publique'} invalide : une clé ECDSA P-256 est attendue.`,
    );
  }
}

/** The key id of a public key: SHA-256 of its SPKI DER, hex, first 16 characters. */
export function keyIdOf(publicKey: KeyObject): string {
  assertP256(publicKey, 'public');
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex').slice(0, 16);
}

/** The fingerprint of a public key: SHA-256 of its SPKI DER, 64 hex digits (the key id is its start). */
export function fingerprintOf(publicKey: KeyObject): string {
  assertP256(publicKey, 'public');
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

/**
 * A fingerprint as written by a person (`AB:CD…`, spaces, either case) in lower-case hex, or undefined
 * when it is not hex or shorter than a key id (16 digits).
 */
export function normaliseFingerprint(text: string): string | undefined {
  const hex = text.replace(/[\s:]/g, '').toLowerCase();
  return /^[0-9a-f]{16,64}$/.test(hex) ? hex : undefined;
}

/** A new P-256 key pair (its randomness comes from node:crypto). */
export function generateSigningKeyPair(): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey, publicKey, keyId: keyIdOf(publicKey) };
}

export function exportPrivateKeyPem(privateKey: KeyObject): string {
  assertP256(privateKey, 'private');
  return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

export function exportPublicKeyPem(publicKey: KeyObject): string {
  assertP256(publicKey, 'public');
  return publicKey.export({ type: 'spki', format: 'pem' }).toString();
}

/** Reads a PKCS#8 PEM private key, once; returns the pair with its public key and id. */
export function importPrivateKeyPem(pem: string): KeyPair {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch {
    throw new KeyError('Clé privée illisible : un PEM PKCS#8 est attendu.');
  }
  assertP256(privateKey, 'private');
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, keyId: keyIdOf(publicKey) };
}

/** Reads a PKCS#8 DER private key (from the encrypted key store), once. */
export function importPrivateKeyDer(der: Buffer): KeyPair {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  } catch {
    throw new KeyError('Clé privée illisible : un DER PKCS#8 est attendu.');
  }
  assertP256(privateKey, 'private');
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, keyId: keyIdOf(publicKey) };
}

/** Reads an SPKI PEM public key, once. */
export function importPublicKeyPem(pem: string): KeyObject {
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey(pem);
  } catch {
    throw new KeyError('Clé publique illisible : un PEM SPKI est attendu.');
  }
  assertP256(publicKey, 'public');
  return publicKey;
}

/** A signer over one loaded private key. */
export function createSigner(pair: KeyPair): Signer {
  assertP256(pair.privateKey, 'private');
  const key = { key: pair.privateKey, dsaEncoding: 'ieee-p1363' } as const;
  return {
    keyId: pair.keyId,
    sign: (text) => sign('sha256', Buffer.from(text, 'utf8'), key).toString('base64url'),
  };
}

const base64url = /^[A-Za-z0-9_-]{86}$/;

/** Whether `signature` (base64url, P1363) is a valid signature of `text` by `publicKey`. */
export function verifyText(publicKey: KeyObject, text: string, signature: string): boolean {
  if (!base64url.test(signature)) return false;
  const bytes = Buffer.from(signature, 'base64url');
  // One signature, one spelling: refuse the non-canonical last character that decodes the same.
  if (bytes.toString('base64url') !== signature) return false;
  return verify('sha256', Buffer.from(text, 'utf8'), { key: publicKey, dsaEncoding: 'ieee-p1363' }, bytes);
}

/** The short code printed on a receipt: characters 3, 7, 13 and 19 of the signature (item 15). */
export function shortCodeOf(signature: string): string {
  if (signature.length < 19) throw new RangeError('Signature trop courte pour en extraire le code.');
  return `${signature[2]}${signature[6]}${signature[12]}${signature[18]}`;
}
