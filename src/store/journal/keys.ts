/**
 * The registers' signing keys, kept apart from the database they protect (checklist item 17):
 *
 *   <keys>/<register>/private.key             the key in force, encrypted (see key-store.ts), OUTSIDE
 *                                             the data folder (`COMPTOIR_KEYS`, default `<data>-keys`)
 *   <keys>/<register>/next.key                a rotation being committed (transient)
 *   <data>/keys/<register>/<keyId>.pub.pem    every public key the register ever used (SPKI, public)
 *
 * A clear `<data>/keys/<register>/private.pem` (or `next.pem`) left by an older version is sealed into
 * the key store the first time it is loaded, then removed.
 *
 * A loaded key is kept for the life of the process: parsing a key for every signature is about fifteen
 * times slower (and the key store's passphrase is derived once).
 */
import type { KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  createSigner,
  exportPublicKeyPem,
  fingerprintOf,
  generateSigningKeyPair,
  importPrivateKeyPem,
  importPublicKeyPem,
  type KeyPair,
  keyIdOf,
  type Signer,
} from '../../fiscal/signing.ts';
import { JournalError } from './errors.ts';
import { checkRegisterName, writeFileAtomic } from './files.ts';
import {
  hasStoredKey,
  type KeySlot,
  promoteNextKey,
  readKeyPair,
  removeStoredKey,
  storeKeyPair,
} from './key-store.ts';
import { generateTokenKey, hasTokenKey, loadTokenKey, pkcs11Config } from './pkcs11-keys.ts';

export const KEYS_DIR = 'keys';
const CLEAR_FILE: Record<KeySlot, string> = { private: 'private.pem', next: 'next.pem' };
const PUBLIC_SUFFIX = '.pub.pem';

/** A register's key ready to sign: its id, its public key and a signer (the private key stays inside). */
export interface LoadedKey {
  readonly keyId: string;
  readonly publicKey: KeyObject;
  readonly signer: Signer;
}

const cache = new Map<string, LoadedKey>();

/** The public folder of a register's keys in the data folder (public keys only). */
export function registerKeysDir(dataDir: string, register: string): string {
  return join(dataDir, KEYS_DIR, checkRegisterName(register));
}

function loaded(pair: KeyPair): LoadedKey {
  return { keyId: pair.keyId, publicKey: pair.publicKey, signer: createSigner(pair) };
}

function writePublicKey(dataDir: string, register: string, keyId: string, publicKey: KeyObject): void {
  const dir = registerKeysDir(dataDir, register);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileAtomic(join(dir, `${keyId}${PUBLIC_SUFFIX}`), exportPublicKeyPem(publicKey));
}

/** Whether `register` has a key in force (in the key store, or on the PKCS#11 token when configured). */
export function hasRegisterKey(dataDir: string, register: string): boolean {
  const token = pkcs11Config();
  if (token !== undefined) return hasTokenKey(token, register);
  migrateClearKey(dataDir, register, 'private');
  return hasStoredKey(dataDir, register, 'private');
}

/**
 * A clear private key left in the data folder by an older version is sealed into the key store and
 * removed. Returns whether one was migrated.
 */
export function migrateClearKey(dataDir: string, register: string, slot: KeySlot): boolean {
  const clear = join(registerKeysDir(dataDir, register), CLEAR_FILE[slot]);
  if (!existsSync(clear)) return false;
  const pair = importPrivateKeyPem(readFileSync(clear, 'utf8'));
  const stored = readKeyPair(dataDir, register, slot);
  if (stored !== undefined && stored.keyId !== pair.keyId) {
    throw new JournalError(
      'KEYS_MISSING',
      `Deux clés pour la caisse ${register} : ${clear} (clé ${pair.keyId}) et le coffre (clé ` +
        `${stored.keyId}). Retirez celle qui n’est pas la clé enregistrée au journal.`,
    );
  }
  if (stored === undefined) storeKeyPair(dataDir, register, slot, pair);
  writePublicKey(dataDir, register, pair.keyId, pair.publicKey);
  rmSync(clear, { force: true });
  return true;
}

/**
 * Makes sure `register` has a key pair in the key store and returns its key id; creates it the first
 * time (`comptoir init`, or the first record of a new register). Never replaces an existing key.
 */
export function ensureRegisterKeys(
  dataDir: string,
  register: string | number,
): { keyId: string; created: boolean } {
  const name = String(register);
  checkRegisterName(name);
  const token = pkcs11Config();
  if (token !== undefined) {
    const existing = loadTokenKey(token, name);
    const key = existing ?? generateTokenKey(token, name);
    writePublicKey(dataDir, name, key.keyId, key.publicKey);
    cache.set(`${dataDir}\u0000${name}`, key);
    return { keyId: key.keyId, created: existing === undefined };
  }
  migrateClearKey(dataDir, name, 'private');
  if (hasStoredKey(dataDir, name, 'private'))
    return { keyId: loadRegisterKey(dataDir, name).keyId, created: false };
  const pair = generateSigningKeyPair();
  storeKeyPair(dataDir, name, 'private', pair);
  writePublicKey(dataDir, name, pair.keyId, pair.publicKey);
  cache.set(`${dataDir}\u0000${name}`, loaded(pair));
  return { keyId: pair.keyId, created: true };
}

/** The key in force of `register`, loaded once per process. */
export function loadRegisterKey(dataDir: string, register: string): LoadedKey {
  const cacheKey = `${dataDir}\u0000${register}`;
  const hit = cache.get(cacheKey);
  if (hit !== undefined) return hit;
  const token = pkcs11Config();
  if (token !== undefined) {
    const key = loadTokenKey(token, register);
    if (key === undefined) {
      throw new JournalError(
        'KEYS_MISSING',
        `Clé de signature absente du jeton PKCS#11 pour la caisse ${register} : lancez « comptoir init ».`,
      );
    }
    cache.set(cacheKey, key);
    return key;
  }
  migrateClearKey(dataDir, register, 'private');
  const pair = readKeyPair(dataDir, register, 'private');
  if (pair === undefined) {
    throw new JournalError(
      'KEYS_MISSING',
      `Clé de signature absente pour la caisse ${register} (coffre de clés) : lancez « comptoir init ».`,
    );
  }
  const key = loaded(pair);
  cache.set(cacheKey, key);
  return key;
}

/** Registers whose rotation is under way in this process (`dataDir\0register`). */
export const rotationsUnderWay = new Set<string>();

/** The key of a rotation left half-done by a crash (`next.key` still there), or undefined. */
export function pendingNextKey(dataDir: string, register: string): KeyPair | undefined {
  if (rotationsUnderWay.has(`${dataDir}\u0000${register}`) || pkcs11Config() !== undefined) return undefined;
  migrateClearKey(dataDir, register, 'next');
  return readKeyPair(dataDir, register, 'next');
}

/** Seals the next key of `register` beside the current one (a rotation about to be journaled). */
export function prepareNextKey(dataDir: string, register: string): KeyPair {
  if (pkcs11Config() !== undefined) {
    throw new JournalError(
      'INVALID_INPUT',
      'Le changement de clé sur un jeton PKCS#11 n’est pas encore pris en charge : rien n’a été modifié.',
    );
  }
  const pair = generateSigningKeyPair();
  storeKeyPair(dataDir, register, 'next', pair);
  writePublicKey(dataDir, register, pair.keyId, pair.publicKey);
  return pair;
}

/** The rotation is journaled: the next key becomes the key in force; the old private key is gone. */
export function commitNextKey(dataDir: string, register: string, pair: KeyPair): void {
  promoteNextKey(dataDir, register);
  cache.set(`${dataDir}\u0000${register}`, loaded(pair));
}

/** The rotation was not journaled: forget the next key (its public file stays, harmless). */
export function abortNextKey(dataDir: string, register: string): void {
  removeStoredKey(dataDir, register, 'next');
}

export interface PublicKeyEntry {
  readonly register: string;
  readonly keyId: string;
  readonly pem: string;
}

/** Every public key of every register (or of one), read from `<data>/keys/` (no private key there). */
export function listPublicKeys(dataDir: string, register?: string): PublicKeyEntry[] {
  const root = join(dataDir, KEYS_DIR);
  if (!existsSync(root)) return [];
  const registers = register === undefined ? readdirSync(root).sort() : [checkRegisterName(register)];
  const entries: PublicKeyEntry[] = [];
  for (const r of registers) {
    const dir = join(root, r);
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir).sort()) {
      if (!file.endsWith(PUBLIC_SUFFIX)) continue;
      entries.push({
        register: r,
        keyId: file.slice(0, -PUBLIC_SUFFIX.length),
        pem: readFileSync(join(dir, file), 'utf8'),
      });
    }
  }
  return entries;
}

/**
 * The public keys by key id, for the verifier. A file whose key does not hash to its name is still
 * returned under its name, so that the verifier reports `KEY_MISMATCH` (a replaced public key).
 */
export function readPublicKeys(dataDir: string, register?: string): Map<string, KeyObject> {
  const keys = new Map<string, KeyObject>();
  for (const entry of listPublicKeys(dataDir, register)) keys.set(entry.keyId, importPublicKeyPem(entry.pem));
  return keys;
}

/** The fingerprint of a public key file (SHA-256 of its SPKI, hex): what `--fingerprint` pins. */
export function publicKeyFingerprint(entry: PublicKeyEntry): string {
  return fingerprintOf(importPublicKeyPem(entry.pem));
}

/** Whether the public key files agree with their names (for `comptoir keys export`). */
export function publicKeyMatches(entry: PublicKeyEntry): boolean {
  return keyIdOf(importPublicKeyPem(entry.pem)) === entry.keyId;
}

/** `dataDir\0register\0keyId` found enrolled in the register's journal by this process. */
export const enrolledChecked = new Set<string>();

/** Forgets the loaded keys (tests that replace key files behind the process's back). */
export function clearKeyCache(): void {
  cache.clear();
  enrolledChecked.clear();
}
