/**
 * The users as the back office manages them (issue 12): the list, a change of name, role, rights,
 * register or activity, and a new PIN (its hash only). A user is never deleted: the journal names
 * them; a user who leaves is disabled and can no longer log in.
 */
import { z } from 'zod';
import type { Db } from './catalogue.ts';
import { StoreError } from './errors.ts';
import { inTransaction } from './transaction.ts';
import {
  codeSchema,
  DEFAULT_RIGHTS,
  parseInput,
  RIGHTS,
  type Right,
  ROLES,
  type Role,
} from './validation.ts';

export interface UserRow {
  readonly code: string;
  readonly name: string;
  readonly role: Role;
  readonly rights: Right[];
  readonly sellerCode: string | null;
  readonly registerNumber: number | null;
  readonly active: boolean;
}

function rightsOf(json: string): Right[] {
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed)
      ? parsed.filter((r): r is Right => (RIGHTS as readonly string[]).includes(r as string))
      : [];
  } catch {
    return [];
  }
}

const roleOf = (value: string): Role =>
  (ROLES as readonly string[]).includes(value) ? (value as Role) : 'cashier';

/** Every user, active or not, by code. */
export async function listUsers(db: Db): Promise<UserRow[]> {
  const rows = await db
    .selectFrom('users')
    .leftJoin('registers', 'registers.id', 'users.register_id')
    .select([
      'users.code',
      'users.name',
      'users.role',
      'users.rights',
      'users.seller_code',
      'users.active',
      'registers.number as register_number',
    ])
    .orderBy('users.code')
    .execute();
  return rows.map((r) => ({
    code: r.code,
    name: r.name,
    role: roleOf(r.role),
    rights: rightsOf(r.rights),
    sellerCode: r.seller_code,
    registerNumber: r.register_number ?? null,
    active: r.active === 1,
  }));
}

export async function getUser(db: Db, code: string): Promise<UserRow | undefined> {
  const wanted = code.trim().toUpperCase();
  return (await listUsers(db)).find((u) => u.code === wanted);
}

export const userChangeSchema = z.object({
  name: z.string().trim().min(1).max(80).optional(),
  role: z.enum(ROLES).optional(),
  /** Absent with a new role: the role's default rights. */
  rights: z.array(z.enum(RIGHTS)).max(RIGHTS.length).optional(),
  active: z.boolean().optional(),
  /** The register the user works on by default; null: none. */
  registerNumber: z.number().int().min(1).max(9999).nullable().optional(),
});
export type UserChange = z.input<typeof userChangeSchema>;

/** What a change does to a user: the user after it, and the names of the fields that differ. */
export interface UserChangePlan {
  readonly before: UserRow;
  readonly after: UserRow;
  readonly changed: readonly string[];
}

/** Checks a change against the user as stored; writes nothing. */
export async function planUserChange(db: Db, code: string, input: UserChange): Promise<UserChangePlan> {
  const change = parseInput(userChangeSchema, input);
  const before = await getUser(db, parseInput(codeSchema, code));
  if (before === undefined)
    throw new StoreError('UNKNOWN_USER', `Utilisateur inconnu : ${code.trim()}`, 'code');
  const role = change.role ?? before.role;
  const rights =
    change.rights !== undefined
      ? RIGHTS.filter((r) => change.rights?.includes(r))
      : change.role !== undefined && change.role !== before.role
        ? [...DEFAULT_RIGHTS[role]]
        : before.rights;
  if (change.registerNumber !== undefined && change.registerNumber !== null) {
    const register = await db
      .selectFrom('registers')
      .select('id')
      .where('number', '=', change.registerNumber)
      .executeTakeFirst();
    if (register === undefined) {
      throw new StoreError('INVALID_INPUT', `Caisse inconnue : ${change.registerNumber}`, 'registerNumber');
    }
  }
  const after: UserRow = {
    ...before,
    name: change.name ?? before.name,
    role,
    rights,
    active: change.active ?? before.active,
    registerNumber: change.registerNumber === undefined ? before.registerNumber : change.registerNumber,
  };
  const changed = (['name', 'role', 'rights', 'active', 'registerNumber'] as const).filter(
    (f) => JSON.stringify(before[f]) !== JSON.stringify(after[f]),
  );
  return { before, after, changed };
}

/** Writes a planned change (in the caller's transaction when there is one). */
export async function applyUserChange(db: Db, plan: UserChangePlan, now: Date): Promise<void> {
  const { after } = plan;
  await inTransaction(db, async (trx) => {
    const register =
      after.registerNumber === null
        ? null
        : await trx
            .selectFrom('registers')
            .select('id')
            .where('number', '=', after.registerNumber)
            .executeTakeFirstOrThrow();
    await trx
      .updateTable('users')
      .set({
        name: after.name,
        role: after.role,
        rights: JSON.stringify(after.rights),
        active: after.active ? 1 : 0,
        register_id: register?.id ?? null,
        updated_at: now.toISOString(),
      })
      .where('code', '=', after.code)
      .execute();
  });
}

/** Replaces a user's PIN by the hash given (made by the caller with `hashPin`). */
export async function setUserPinHash(db: Db, code: string, pinHash: string, now: Date): Promise<void> {
  const result = await db
    .updateTable('users')
    .set({ pin_hash: pinHash, updated_at: now.toISOString() })
    .where('code', '=', code.trim().toUpperCase())
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) {
    throw new StoreError('UNKNOWN_USER', `Utilisateur inconnu : ${code.trim()}`, 'code');
  }
}

/** The active users holding `right`, but `except`. */
export async function activeHoldersOf(db: Db, right: Right, except: string): Promise<string[]> {
  return (await listUsers(db))
    .filter((u) => u.active && u.code !== except && u.rights.includes(right))
    .map((u) => u.code);
}
