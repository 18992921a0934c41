/** The users as the server sees them: code, name, role, rights, and PIN checks against the hash. */
import { verifyPin } from '../store/pin.ts';
import { RIGHTS, type Right, ROLES, type Role } from '../store/validation.ts';
import type { Db } from './ports.ts';

export interface ServerUser {
  readonly code: string;
  readonly name: string;
  readonly role: Role;
  readonly rights: readonly Right[];
  readonly sellerCode: string | null;
  readonly registerNumber: number | null;
}

/** A hash of a PIN nobody has, checked when the user is unknown so that both cost the same time. */
const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

function asRole(value: string): Role {
  return (ROLES as readonly string[]).includes(value) ? (value as Role) : 'cashier';
}

function asRights(json: string): Right[] {
  try {
    const parsed: unknown = JSON.parse(json);
    if (!Array.isArray(parsed)) return [];
    return parsed.filter((r): r is Right => (RIGHTS as readonly string[]).includes(r as string));
  } catch {
    return [];
  }
}

export async function findUser(db: Db, code: string): Promise<ServerUser | undefined> {
  const row = await db
    .selectFrom('users')
    .leftJoin('registers', 'registers.id', 'users.register_id')
    .select([
      'users.code',
      'users.name',
      'users.role',
      'users.rights',
      'users.seller_code',
      'registers.number as register_number',
    ])
    .where('users.code', '=', code.trim().toUpperCase())
    .where('users.active', '=', 1)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  return {
    code: row.code,
    name: row.name,
    role: asRole(row.role),
    rights: asRights(row.rights),
    sellerCode: row.seller_code,
    registerNumber: row.register_number ?? null,
  };
}

/** The user when the code exists, is active and the PIN matches; undefined otherwise (same cost). */
export async function checkPin(db: Db, code: string, pin: string): Promise<ServerUser | undefined> {
  const row = await db
    .selectFrom('users')
    .select(['pin_hash'])
    .where('code', '=', code.trim().toUpperCase())
    .where('active', '=', 1)
    .executeTakeFirst();
  const matches = await verifyPin(pin, row?.pin_hash ?? DUMMY_HASH);
  if (row === undefined || !matches) return undefined;
  return findUser(db, code);
}

export function hasRight(user: ServerUser, right: Right): boolean {
  return user.rights.includes(right);
}
