/**
 * Enrolment (docs/multi-store.md § Enrolment): the head office issues a one-time code for a store
 * (`comptoir central enrol STORE`); the store sends it once with its registers' public keys and gets its
 * token. Codes and tokens are kept as SHA-256 only.
 */
import { createHash, randomBytes } from 'node:crypto';
import { importPublicKeyPem, keyIdOf } from '../fiscal/signing.ts';
import type { CentralDb } from './database.ts';

export class CentralError extends Error {
  override name = 'CentralError';
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');

const STORE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
/** A register's name as the journal writes it (its number as text). */
export const REGISTER_NAME = /^[A-Za-z0-9_-]{1,32}$/;

/** Issues a one-time code for `store` (created when new); returns the code, shown once. */
export async function issueEnrolmentCode(db: CentralDb, store: string, now: Date): Promise<string> {
  if (!STORE_NAME.test(store)) {
    throw new CentralError(
      'INVALID_STORE',
      `Nom de magasin invalide : « ${store} » (lettres, chiffres, « . », « _ », « - », 64 au plus)`,
    );
  }
  const code = randomBytes(15).toString('base64url');
  const at = now.toISOString();
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('central_stores')
      .values({ name: store, token_sha256: null, created_at: at, enrolled_at: null })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    await trx
      .insertInto('central_codes')
      .values({ code_sha256: sha256Hex(code), store, created_at: at, used_at: null })
      .execute();
  });
  return code;
}

export interface OfferedKey {
  readonly register: string;
  readonly pem: string;
}

export interface Enrolled {
  readonly store: string;
  readonly token: string;
  readonly keys: number;
}

function parseKey(key: OfferedKey): { register: string; keyId: string; pem: string } {
  if (!REGISTER_NAME.test(key.register)) {
    throw new CentralError('INVALID_REGISTER', `Nom de caisse invalide : « ${key.register} »`);
  }
  try {
    return { register: key.register, keyId: keyIdOf(importPublicKeyPem(key.pem)), pem: key.pem };
  } catch {
    throw new CentralError('INVALID_KEY', `Clé publique illisible pour la caisse ${key.register}`);
  }
}

/**
 * Uses a one-time code: registers the store's public keys and returns its new token. A code used or
 * unknown is refused, and nothing is written.
 */
export async function enrolStore(
  db: CentralDb,
  code: string,
  keys: readonly OfferedKey[],
  now: Date,
): Promise<Enrolled> {
  const parsed = keys.map(parseKey);
  if (parsed.length === 0) {
    throw new CentralError('NO_KEYS', 'Aucune clé publique de caisse envoyée : initialisez le magasin.');
  }
  const token = randomBytes(32).toString('base64url');
  const at = now.toISOString();
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('central_codes')
      .selectAll()
      .where('code_sha256', '=', sha256Hex(code))
      .forUpdate()
      .executeTakeFirst();
    if (row === undefined || row.used_at !== null) {
      throw new CentralError(
        'INVALID_CODE',
        'Code d’inscription inconnu ou déjà utilisé : demandez-en un nouveau au siège (comptoir central enrol MAGASIN).',
        403,
      );
    }
    await trx
      .updateTable('central_codes')
      .set({ used_at: at })
      .where('code_sha256', '=', row.code_sha256)
      .execute();
    await trx
      .updateTable('central_stores')
      .set({ token_sha256: sha256Hex(token), enrolled_at: at })
      .where('name', '=', row.store)
      .execute();
    await trx
      .insertInto('central_keys')
      .values(
        parsed.map((k) => ({
          store: row.store,
          register: k.register,
          key_id: k.keyId,
          public_key_pem: k.pem,
          enrolled_at: at,
        })),
      )
      .onConflict((oc) => oc.columns(['store', 'register', 'key_id']).doNothing())
      .execute();
    return { store: row.store, token, keys: parsed.length };
  });
}

/** The store a token belongs to, or a 401 refusal. */
export async function storeOfToken(db: CentralDb, token: string | undefined): Promise<string> {
  if (token !== undefined && token !== '') {
    const row = await db
      .selectFrom('central_stores')
      .select('name')
      .where('token_sha256', '=', sha256Hex(token))
      .executeTakeFirst();
    if (row !== undefined) return row.name;
  }
  throw new CentralError('UNAUTHORISED', 'Jeton de magasin absent ou inconnu.', 401);
}
