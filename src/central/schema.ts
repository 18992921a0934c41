/**
 * The central's own tables (issue 17, docs/multi-store.md), in a PostgreSQL database of their own:
 * never mixed with a store's tables. `central_journal`, `central_keys` and `central_alerts` are
 * append-only (triggers, see `migrations.ts`).
 */

/** An enrolled store. */
export interface CentralStoresTable {
  name: string;
  /** SHA-256 (hex) of the store's token: the token itself is never kept. */
  token_sha256: string | null;
  created_at: string;
  enrolled_at: string | null;
}

/** A one-time enrolment code (kept as its SHA-256), used once. */
export interface CentralCodesTable {
  code_sha256: string;
  store: string;
  created_at: string;
  used_at: string | null;
}

/** A register's public key, trusted for its signatures. */
export interface CentralKeysTable {
  store: string;
  register: string;
  key_id: string;
  public_key_pem: string;
  enrolled_at: string;
}

/** An uploaded journal record, verbatim. */
export interface CentralJournalTable {
  store: string;
  register: string;
  chain: string;
  sequence: number;
  signature: string;
  /** Canonical JSON of the whole record (fields, signed text, signature): compared byte for byte. */
  record: string;
  /** The new key id when the record is a key rotation (JET 1080), else null. */
  announced_key_id: string | null;
  received_at: string;
}

/** What the central refused and must be looked at: a fork, a forged or unlinked record. */
export interface CentralAlertsTable {
  id: number;
  store: string;
  register: string;
  chain: string;
  sequence: number;
  code: string;
  message: string;
  at: string;
}

export interface CentralDatabase {
  central_stores: CentralStoresTable;
  central_codes: CentralCodesTable;
  central_keys: CentralKeysTable;
  central_journal: CentralJournalTable;
  central_alerts: Omit<CentralAlertsTable, 'id'> & { id: import('kysely').Generated<number> };
}
