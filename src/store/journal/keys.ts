/**
 * The registers' signing keys, kept in files outside the database they protect (checklist item 17):
 *
 *   <data>/keys/<register>/private.pem        the key in force (PKCS#8, mode 0600)
 *   <data>/keys/<register>/<keyId>.pub.pem    every public key the register ever used (SPKI)
 *   <data>/keys/<register>/next.pem           a rotation being committed (transient)
 *
 * A loaded key is kept as a `KeyObject` for the life of the process: parsing a PEM for every signature
 * is about fifteen times slower.
 */
import type { KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  createSigner,
  exportPrivateKeyPem,
  exportPublicKeyPem,
  generateSigningKeyPair,
  importPrivateKeyPem,
  importPublicKeyPem,
  type KeyPair,
  keyIdOf,
  type Signer,
} from '../../fiscal/signing.ts';
import { checkRegisterName, writeFileAtomic } from './files.ts';

export const KEYS_DIR = 'keys';
const PRIVATE = 'private.pem';
const NEXT = 'next.pem';
const PUBLIC_SUFFIX = '.pub.pem';

export interface LoadedKey {
  readonly pair: KeyPair;
  readonly signer: Signer;
}

const cache = new Map<string, LoadedKey>();

export function registerKeysDir(dataDir: string, register: string): string {
  return join(dataDir, KEYS_DIR, checkRegisterName(register));
}

function writeKeyFiles(dir: string, pair: KeyPair, privateName: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileAtomic(join(dir, `${pair.keyId}${PUBLIC_SUFFIX}`), exportPublicKeyPem(pair.publicKey));
  writeFileAtomic(join(dir, privateName), exportPrivateKeyPem(pair.privateKey), 0o600);
}

/**
 * Makes sure `register` has a key pair in `<data>/keys/` and returns its key id; creates it the first
 * time (`comptoir init`, or the first record of a new register). Never replaces an existing key.
 */
export function ensureRegisterKeys(
  dataDir: string,
  register: string | number,
): { keyId: string; created: boolean } {
  const name = String(register);
  const dir = registerKeysDir(dataDir, name);
  if (existsSync(join(dir, PRIVATE)))
    return { keyId: loadRegisterKey(dataDir, name).pair.keyId, created: false };
  const pair = generateSigningKeyPair();
  writeKeyFiles(dir, pair, PRIVATE);
  cache.set(`${dataDir}\u0000${name}`, { pair, signer: createSigner(pair) });
  return { keyId: pair.keyId, created: true };
}

/** The key in force of `register`, loaded once per process. */
export function loadRegisterKey(dataDir: string, register: string): LoadedKey {
  const cacheKey = `${dataDir}\u0000${register}`;
  const hit = cache.get(cacheKey);
  if (hit !== undefined) return hit;
  const file = join(registerKeysDir(dataDir, register), PRIVATE);
  if (!existsSync(file)) {
    throw new Error(
      `Clé de signature absente pour la caisse ${register} (${file}) : lancez « comptoir init ».`,
    );
  }
  const pair = importPrivateKeyPem(readFileSync(file, 'utf8'));
  const loaded = { pair, signer: createSigner(pair) };
  cache.set(cacheKey, loaded);
  return loaded;
}

/** Registers whose rotation is under way in this process (`dataDir\0register`). */
export const rotationsUnderWay = new Set<string>();

/** The key id of a rotation left half-done by a crash (`next.pem` still there), or undefined. */
export function pendingNextKey(dataDir: string, register: string): KeyPair | undefined {
  if (rotationsUnderWay.has(`${dataDir}\u0000${register}`)) return undefined;
  const file = join(registerKeysDir(dataDir, register), NEXT);
  return existsSync(file) ? importPrivateKeyPem(readFileSync(file, 'utf8')) : undefined;
}

/** Writes the next key of `register` beside the current one (a rotation about to be journaled). */
export function prepareNextKey(dataDir: string, register: string): KeyPair {
  const pair = generateSigningKeyPair();
  writeKeyFiles(registerKeysDir(dataDir, register), pair, NEXT);
  return pair;
}

/** The rotation is journaled: the next key becomes the key in force; the old private key is gone. */
export function commitNextKey(dataDir: string, register: string, pair: KeyPair): void {
  const dir = registerKeysDir(dataDir, register);
  renameSync(join(dir, NEXT), join(dir, PRIVATE));
  cache.set(`${dataDir}\u0000${register}`, { pair, signer: createSigner(pair) });
}

/** The rotation was not journaled: forget the next key (its public file stays, harmless). */
export function abortNextKey(dataDir: string, register: string): void {
  rmSync(join(registerKeysDir(dataDir, register), NEXT), { force: true });
}

export interface PublicKeyEntry {
  readonly register: string;
  readonly keyId: string;
  readonly pem: string;
}

/** Every public key of every register (or of one), read from `<data>/keys/`. */
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

/** Whether the public key files agree with their names (for `comptoir keys export`). */
export function publicKeyMatches(entry: PublicKeyEntry): boolean {
  return keyIdOf(importPublicKeyPem(entry.pem)) === entry.keyId;
}

/** Forgets the loaded keys (tests that replace key files behind the process's back). */
export function clearKeyCache(): void {
  cache.clear();
}
