/**
 * The registers' signing keys on a PKCS#11 token or HSM (SoftHSM2 in the tests), through `pkcs11js`
 * (the maintained binding of PeculiarVentures, an optional dependency loaded only when configured):
 * the private key is generated on the token, marked sensitive and not extractable, and signs there;
 * Comptoir only ever holds its public key.
 *
 *   COMPTOIR_PKCS11_MODULE     the PKCS#11 library (e.g. /usr/lib/softhsm/libsofthsm2.so): turns it on
 *   COMPTOIR_PKCS11_TOKEN      the token's label
 *   COMPTOIR_PKCS11_PIN_FILE   a file holding the user PIN, else COMPTOIR_PKCS11_PIN
 *
 * A register's key is the EC P-256 pair labelled `comptoir-<register>`. ECDSA (CKM_ECDSA) over the
 * SHA-256 of the text returns r ‖ s, the journal's P1363 encoding as it is.
 */
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { keyIdOf, type Signer } from '../../fiscal/signing.ts';
import { JournalError } from './errors.ts';

type Pkcs11Module = typeof import('pkcs11js');
type Pkcs11 = InstanceType<Pkcs11Module['PKCS11']>;
type Handle = Buffer;

export interface Pkcs11Config {
  readonly module: string;
  readonly token: string;
  readonly pin: string;
}

/** The PKCS#11 settings from the environment, or undefined when PKCS#11 is not configured. */
export function pkcs11Config(): Pkcs11Config | undefined {
  const module = process.env.COMPTOIR_PKCS11_MODULE;
  if (module === undefined || module === '') return undefined;
  const token = process.env.COMPTOIR_PKCS11_TOKEN ?? '';
  const pinFile = process.env.COMPTOIR_PKCS11_PIN_FILE;
  let pin = process.env.COMPTOIR_PKCS11_PIN ?? '';
  if (pinFile !== undefined && pinFile !== '') {
    if (!existsSync(pinFile)) throw pkcs11Error(`fichier de code PIN introuvable : ${pinFile}`);
    pin = readFileSync(pinFile, 'utf8').replace(/\r?\n$/, '');
  }
  if (token === '' || pin === '') {
    throw pkcs11Error(
      'COMPTOIR_PKCS11_TOKEN et le code PIN (COMPTOIR_PKCS11_PIN_FILE ou COMPTOIR_PKCS11_PIN) sont requis',
    );
  }
  return { module, token, pin };
}

function pkcs11Error(detail: string): JournalError {
  return new JournalError('KEYS_MISSING', `Jeton PKCS#11 : ${detail}.`);
}

interface Session {
  readonly lib: Pkcs11Module;
  readonly p11: Pkcs11;
  readonly handle: Handle;
}

const sessions = new Map<string, Session>();

function openSession(config: Pkcs11Config): Session {
  const cacheKey = `${config.module}\u0000${config.token}`;
  const hit = sessions.get(cacheKey);
  if (hit !== undefined) return hit;
  let lib: Pkcs11Module;
  try {
    lib = createRequire(import.meta.url)('pkcs11js') as Pkcs11Module;
  } catch {
    throw pkcs11Error('le paquet pkcs11js n’est pas installé (dépendance optionnelle)');
  }
  const p11 = new lib.PKCS11();
  try {
    p11.load(config.module);
    p11.C_Initialize();
  } catch (error) {
    throw pkcs11Error(`bibliothèque ${config.module} inutilisable (${(error as Error).message})`);
  }
  const slot = p11.C_GetSlotList(true).find((s) => p11.C_GetTokenInfo(s).label.trim() === config.token);
  if (slot === undefined) throw pkcs11Error(`aucun jeton « ${config.token} »`);
  const handle = p11.C_OpenSession(slot, lib.CKF_RW_SESSION | lib.CKF_SERIAL_SESSION);
  try {
    p11.C_Login(handle, lib.CKU_USER, config.pin);
  } catch (error) {
    p11.C_CloseSession(handle);
    throw pkcs11Error(`connexion au jeton « ${config.token} » refusée (${(error as Error).message})`);
  }
  const session = { lib, p11, handle };
  sessions.set(cacheKey, session);
  return session;
}

const labelOf = (register: string): string => `comptoir-${register}`;

function findObject(session: Session, objectClass: number, label: string): Handle | undefined {
  const { p11, lib, handle } = session;
  p11.C_FindObjectsInit(handle, [
    { type: lib.CKA_CLASS, value: objectClass },
    { type: lib.CKA_LABEL, value: label },
  ]);
  try {
    return p11.C_FindObjects(handle, 1)[0];
  } finally {
    p11.C_FindObjectsFinal(handle);
  }
}

/** SPKI DER prefix of a P-256 public key (id-ecPublicKey, prime256v1, BIT STRING of 66 bytes). */
const P256_SPKI_PREFIX = Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200', 'hex');
/** DER of the prime256v1 OID, the CKA_EC_PARAMS of a P-256 key. */
const P256_PARAMS = Buffer.from('06082a8648ce3d030107', 'hex');

function publicKeyOf(session: Session, handle: Handle): KeyObject {
  const [attribute] = session.p11.C_GetAttributeValue(session.handle, handle, [
    { type: session.lib.CKA_EC_POINT },
  ]);
  let point = attribute?.value as Buffer | undefined;
  // CKA_EC_POINT is the DER OCTET STRING of the point (04 41 04 x y); some tokens give the point bare.
  if (point?.length === 67 && point[0] === 0x04 && point[1] === 0x41) point = point.subarray(2);
  if (point?.length !== 65) throw pkcs11Error('clé publique illisible (CKA_EC_POINT)');
  return createPublicKey({ key: Buffer.concat([P256_SPKI_PREFIX, point]), format: 'der', type: 'spki' });
}

export interface TokenKey {
  readonly keyId: string;
  readonly publicKey: KeyObject;
  readonly signer: Signer;
}

/** Whether the token holds `register`'s key. */
export function hasTokenKey(config: Pkcs11Config, register: string): boolean {
  const session = openSession(config);
  return findObject(session, session.lib.CKO_PRIVATE_KEY, labelOf(register)) !== undefined;
}

/** `register`'s key on the token, or undefined. */
export function loadTokenKey(config: Pkcs11Config, register: string): TokenKey | undefined {
  const session = openSession(config);
  const { lib, p11, handle } = session;
  const privateHandle = findObject(session, lib.CKO_PRIVATE_KEY, labelOf(register));
  const publicHandle = findObject(session, lib.CKO_PUBLIC_KEY, labelOf(register));
  if (privateHandle === undefined || publicHandle === undefined) return undefined;
  const publicKey = publicKeyOf(session, publicHandle);
  const keyId = keyIdOf(publicKey);
  return {
    keyId,
    publicKey,
    signer: {
      keyId,
      sign(text) {
        const digest = createHash('sha256').update(text, 'utf8').digest();
        p11.C_SignInit(handle, { mechanism: lib.CKM_ECDSA }, privateHandle);
        return p11.C_Sign(handle, digest, Buffer.alloc(64)).toString('base64url');
      },
    },
  };
}

/** Generates `register`'s key on the token: sensitive, not extractable, usable only to sign. */
export function generateTokenKey(config: Pkcs11Config, register: string): TokenKey {
  const session = openSession(config);
  const { lib, p11, handle } = session;
  const label = labelOf(register);
  p11.C_GenerateKeyPair(
    handle,
    { mechanism: lib.CKM_EC_KEY_PAIR_GEN },
    [
      { type: lib.CKA_CLASS, value: lib.CKO_PUBLIC_KEY },
      { type: lib.CKA_TOKEN, value: true },
      { type: lib.CKA_LABEL, value: label },
      { type: lib.CKA_EC_PARAMS, value: P256_PARAMS },
      { type: lib.CKA_VERIFY, value: true },
    ],
    [
      { type: lib.CKA_CLASS, value: lib.CKO_PRIVATE_KEY },
      { type: lib.CKA_TOKEN, value: true },
      { type: lib.CKA_PRIVATE, value: true },
      { type: lib.CKA_LABEL, value: label },
      { type: lib.CKA_SENSITIVE, value: true },
      { type: lib.CKA_EXTRACTABLE, value: false },
      { type: lib.CKA_SIGN, value: true },
    ],
  );
  const key = loadTokenKey(config, register);
  if (key === undefined) throw pkcs11Error('clé générée introuvable sur le jeton');
  return key;
}

/** Closes the sessions (tests; a process simply exits). */
export function closeTokenSessions(): void {
  for (const { p11, handle } of sessions.values()) {
    try {
      p11.C_Logout(handle);
      p11.C_CloseSession(handle);
      p11.C_Finalize();
    } catch {
      // already closed
    }
  }
  sessions.clear();
}
