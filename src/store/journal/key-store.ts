/**
 * The encrypted key store: the registers' private signing keys kept OUTSIDE the data folder, so that
 * whoever can write the database and its folder cannot read the key that signs the journal.
 *
 *   <keys>/keystore.json              the store's header: scrypt parameters, salt, a check value
 *   <keys>/<register>/private.key     the key in force, PKCS#8 DER sealed with AES-256-GCM
 *   <keys>/<register>/next.key        a rotation being committed (transient)
 *
 * `<keys>` is `COMPTOIR_KEYS`, by default `<data>-keys` beside the data folder (never inside it). The
 * passphrase comes, in this order, from the file `COMPTOIR_KEY_PASSPHRASE_FILE`, the variable
 * `COMPTOIR_KEY_PASSPHRASE`, systemd's credential `$CREDENTIALS_DIRECTORY/comptoir-key-passphrase`, or
 * else the file `<keys>.passphrase` (mode 0600), generated with the store. That last default only
 * keeps the key out of the data folder and its backups: who reads both files has the key.
 *
 * The key-encryption key is derived once per process and store (scrypt, N = 2^15, r = 8, p = 1);
 * each key file has its own random IV and is bound to its register and key id (GCM's associated data),
 * so a file moved to another register, edited or sealed under another passphrase does not open.
 */
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { importPrivateKeyDer, type KeyPair } from '../../fiscal/signing.ts';
import { JournalError } from './errors.ts';
import { checkRegisterName, writeFileAtomic } from './files.ts';

const HEADER = 'keystore.json';
const FORMAT = 'comptoir-keystore/1';
const CHECK_TEXT = 'comptoir-keystore-check';
export const CREDENTIAL_NAME = 'comptoir-key-passphrase';
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;

interface Sealed {
  readonly iv: string;
  readonly tag: string;
  readonly data: string;
}

interface Header {
  readonly format: string;
  readonly kdf: { readonly name: 'scrypt'; readonly N: number; readonly r: number; readonly p: number };
  readonly salt: string;
  readonly check: Sealed;
}

interface KeyFile extends Sealed {
  readonly format: string;
  readonly register: string;
  readonly keyId: string;
}

/** The key store folder of a data folder: `COMPTOIR_KEYS`, else `<data>-keys`. */
export function keyStoreDir(dataDir: string): string {
  const configured = process.env.COMPTOIR_KEYS;
  const dir = resolve(
    configured !== undefined && configured !== '' ? configured : `${resolve(dataDir)}-keys`,
  );
  const inside = relative(resolve(dataDir), dir);
  if (inside === '' || (!inside.startsWith('..') && !isAbsolute(inside))) {
    throw new JournalError(
      'KEYS_MISSING',
      `Le coffre de clés (${dir}) ne doit pas être dans le dossier des données (${resolve(dataDir)}) : ` +
        'choisissez un autre dossier avec COMPTOIR_KEYS.',
    );
  }
  return dir;
}

/** The generated passphrase file used when no other source is configured. */
export function defaultPassphraseFile(dataDir: string): string {
  return `${keyStoreDir(dataDir)}.passphrase`;
}

/** Every path of the key store of `dataDir` (the folder and the default passphrase file). */
export function keyStorePaths(dataDir: string): string[] {
  return [keyStoreDir(dataDir), defaultPassphraseFile(dataDir)];
}

function configuredPassphrase(): string | undefined {
  const file = process.env.COMPTOIR_KEY_PASSPHRASE_FILE;
  if (file !== undefined && file !== '') {
    if (!existsSync(file)) {
      throw new JournalError(
        'KEYS_MISSING',
        `Fichier de phrase secrète introuvable (COMPTOIR_KEY_PASSPHRASE_FILE) : ${file}.`,
      );
    }
    return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  }
  const value = process.env.COMPTOIR_KEY_PASSPHRASE;
  if (value !== undefined && value !== '') return value;
  const credentials = process.env.CREDENTIALS_DIRECTORY;
  if (credentials !== undefined && credentials !== '') {
    const credential = join(credentials, CREDENTIAL_NAME);
    if (existsSync(credential)) return readFileSync(credential, 'utf8').replace(/\r?\n$/, '');
  }
  return undefined;
}

/** Where the passphrase comes from, in French (for `comptoir init` and the server's start). */
export function passphraseSource(dataDir: string): string {
  const file = process.env.COMPTOIR_KEY_PASSPHRASE_FILE;
  if (file !== undefined && file !== '') return `fichier ${file} (COMPTOIR_KEY_PASSPHRASE_FILE)`;
  const value = process.env.COMPTOIR_KEY_PASSPHRASE;
  if (value !== undefined && value !== '') return 'variable COMPTOIR_KEY_PASSPHRASE';
  const credentials = process.env.CREDENTIALS_DIRECTORY;
  if (credentials !== undefined && credentials !== '' && existsSync(join(credentials, CREDENTIAL_NAME))) {
    return `identifiant systemd ${CREDENTIAL_NAME}`;
  }
  return (
    `fichier généré ${defaultPassphraseFile(dataDir)} — à protéger : qui lit ce fichier et le coffre ` +
    'a la clé (voir docs/keys.md)'
  );
}

/** The passphrase of the store; `create` allows generating the default file for a new store. */
function passphrase(dataDir: string, create: boolean): string {
  const configured = configuredPassphrase();
  if (configured !== undefined) return configured;
  const file = defaultPassphraseFile(dataDir);
  if (existsSync(file)) return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  if (!create) {
    throw new JournalError(
      'KEYS_MISSING',
      `Phrase secrète du coffre de clés introuvable : ni COMPTOIR_KEY_PASSPHRASE_FILE, ni ` +
        `COMPTOIR_KEY_PASSPHRASE, ni identifiant systemd « ${CREDENTIAL_NAME} », ni fichier ${file}.`,
    );
  }
  mkdirSync(dirname(file), { recursive: true });
  const generated = randomBytes(32).toString('base64url');
  writeFileAtomic(file, `${generated}\n`, 0o600);
  return generated;
}

const derived = new Map<string, Buffer>();

function seal(key: Buffer, plain: Buffer, aad: string): Sealed {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const data = Buffer.concat([cipher.update(plain), cipher.final()]);
  return {
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    data: data.toString('base64'),
  };
}

function open(key: Buffer, sealed: Sealed, aad: string): Buffer | undefined {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]);
  } catch {
    return undefined;
  }
}

function deriveKey(secret: string, header: Pick<Header, 'salt' | 'kdf'>): Buffer {
  const cacheKey = `${header.salt}\u0000${header.kdf.N}\u0000${secret}`;
  const hit = derived.get(cacheKey);
  if (hit !== undefined) return hit;
  const key = scryptSync(secret, Buffer.from(header.salt, 'base64'), 32, {
    N: header.kdf.N,
    r: header.kdf.r,
    p: header.kdf.p,
    maxmem: SCRYPT.maxmem,
  });
  derived.set(cacheKey, key);
  return key;
}

/** The store's key-encryption key: the store is created (with its header) when `create` is set. */
function storeKey(dataDir: string, create: boolean): Buffer {
  const dir = keyStoreDir(dataDir);
  const headerFile = join(dir, HEADER);
  if (!existsSync(headerFile)) {
    if (!create) {
      throw new JournalError('KEYS_MISSING', `Coffre de clés introuvable : ${dir} (COMPTOIR_KEYS).`);
    }
    const secret = passphrase(dataDir, true);
    const kdf = { name: 'scrypt' as const, N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p };
    const salt = randomBytes(16).toString('base64');
    const key = deriveKey(secret, { salt, kdf });
    const header: Header = { format: FORMAT, kdf, salt, check: seal(key, Buffer.from(CHECK_TEXT), FORMAT) };
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileAtomic(headerFile, `${JSON.stringify(header, null, 2)}\n`, 0o600);
    return key;
  }
  const header = JSON.parse(readFileSync(headerFile, 'utf8')) as Header;
  if (header.format !== FORMAT || header.kdf?.name !== 'scrypt') {
    throw new JournalError('KEYS_MISSING', `Coffre de clés illisible (format inconnu) : ${headerFile}.`);
  }
  const key = deriveKey(passphrase(dataDir, false), header);
  if (open(key, header.check, FORMAT)?.toString() !== CHECK_TEXT) {
    throw new JournalError(
      'KEYS_MISSING',
      `Phrase secrète du coffre de clés incorrecte (${dir}) : le coffre ne s’ouvre pas.`,
    );
  }
  return key;
}

export type KeySlot = 'private' | 'next';

function slotFile(dataDir: string, register: string, slot: KeySlot): string {
  return join(keyStoreDir(dataDir), checkRegisterName(register), `${slot}.key`);
}

export function hasStoredKey(dataDir: string, register: string, slot: KeySlot): boolean {
  return existsSync(slotFile(dataDir, register, slot));
}

/** Seals `pair` into the store (created on first use) as `register`'s `slot`. */
export function storeKeyPair(dataDir: string, register: string, slot: KeySlot, pair: KeyPair): void {
  const key = storeKey(dataDir, true);
  const der = pair.privateKey.export({ type: 'pkcs8', format: 'der' });
  const file: KeyFile = {
    format: FORMAT,
    register,
    keyId: pair.keyId,
    ...seal(key, der, `${register}\u0000${pair.keyId}`),
  };
  const path = slotFile(dataDir, register, slot);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileAtomic(path, `${JSON.stringify(file)}\n`, 0o600);
}

/** Opens `register`'s `slot` (undefined when the store has no such key). */
export function readKeyPair(dataDir: string, register: string, slot: KeySlot): KeyPair | undefined {
  const path = slotFile(dataDir, register, slot);
  if (!existsSync(path)) return undefined;
  const key = storeKey(dataDir, false);
  const file = JSON.parse(readFileSync(path, 'utf8')) as KeyFile;
  const der = file.register === register ? open(key, file, `${register}\u0000${file.keyId}`) : undefined;
  if (der === undefined) {
    throw new JournalError(
      'KEYS_MISSING',
      `Clé de la caisse ${register} illisible dans le coffre (${path}) : fichier altéré, déplacé ou ` +
        'scellé avec une autre phrase secrète.',
    );
  }
  const pair = importPrivateKeyDer(der);
  if (pair.keyId !== file.keyId) {
    throw new JournalError(
      'KEYS_MISSING',
      `Clé de la caisse ${register} incohérente dans le coffre (${path}).`,
    );
  }
  return pair;
}

/** Renames `next` to `private` (a rotation committed). */
export function promoteNextKey(dataDir: string, register: string): void {
  renameSync(slotFile(dataDir, register, 'next'), slotFile(dataDir, register, 'private'));
}

export function removeStoredKey(dataDir: string, register: string, slot: KeySlot): void {
  rmSync(slotFile(dataDir, register, slot), { force: true });
}

/** Removes the key store of `dataDir` and its default passphrase file (tests, `comptoir` never). */
export function removeKeyStore(dataDir: string): void {
  for (const path of keyStorePaths(dataDir)) rmSync(path, { recursive: true, force: true });
}

/** Copies the key store of `fromData` beside `toData` (a copied store keeps its keys: tests). */
export function copyKeyStore(fromData: string, toData: string): void {
  const [fromDir, fromPass] = keyStorePaths(fromData);
  const [toDir, toPass] = keyStorePaths(toData);
  if (fromDir !== undefined && toDir !== undefined && existsSync(fromDir))
    cpSync(fromDir, toDir, { recursive: true });
  if (fromPass !== undefined && toPass !== undefined && existsSync(fromPass)) cpSync(fromPass, toPass);
}
