/**
 * The fiscal journal in the store (issue 4). Every fiscal write goes through these functions; each
 * runs in its own transaction holding only its register's lock (registers never wait on each other),
 * and a refusal (`JournalError`: machine `code`, French `message`) writes nothing.
 *
 * Journal API
 * -----------
 * Context: `JournalContext` = `{ dataDir, now: () => Date, softwareVersion, timeZone? }`.
 *
 * Writes (register = the register's number):
 * - `validateTicket(db, ctx, { register, idempotencyKey, cashier, seller?, customer?, training?, ticket })`
 *   → `{ record, number, replayed }`: the only door into the books (seed 002 rules, 24 h rule,
 *   gapless number, signature, grand totals); idempotent by key. `hooks.afterAppend(trx, record)` runs
 *   more writes in the same transaction.
 * - `cancelTicket(db, ctx, { register, sequence, operator, idempotencyKey? })` → the CANCELLATION record.
 * - `recordDuplicate(db, ctx, { register, original: { chain?, sequence }, document?, index?, reason, operator })` → DUPLICATE.
 * - `appendJet(db, ctx, register, code: JetCodeName, data, operator)` → JET record.
 * - `closeDay | closeMonth | closeYear(db, ctx, { register, operator, label? })` → `{ closures, heads }`.
 * - `rotateRegisterKey(db, ctx, register, operator)` → `{ record, keyId }`.
 * - `holdTicket(db, register, operator, state, now, label?)`, `releaseHeldTicket(db, id)`.
 * - The till's day (issue 13, `till.ts`): `openTillDay`, `recordTillMovement`, `tillXReading`,
 *   `closeTillDay` (counts, then the day's Z); a sale or cancellation is refused while the register's
 *   day is not open (`TILL_NOT_OPEN`, setting `tillDayRequired`, on by default).
 * - `issueOriginals(db, refs, { at, channel, operator })`: the originals of a sale's documents handed
 *   over, once each (`issued_originals`, not signed); a second one is refused (ALREADY_ISSUED) and
 *   every later copy goes through `recordDuplicate`. `issuedOriginal(db, ref)` reads the fact back.
 *
 * Reads:
 * - `readJournal(db, { register?, chain?, fromSequence? })`: async iterator of `JournalRecord`, ordered
 *   by register, chain, sequence.
 * - `getRecord(db, register, chain, sequence)`, `headOf(db, register, chain)`,
 *   `readRegisterState(db, register)`, `journalRegisters(db)`, `peekNextTicketNumber(db, register)`.
 *
 * Files outside the database:
 * - `ensureRegisterKeys(dataDir, register)` (called by `comptoir init`), `readPublicKeys(dataDir,
 *   register?)` → `Map<keyId, KeyObject>`, `listPublicKeys(dataDir, register?)` (PEMs);
 * - `readHeads(dataDir, register?)` → `ChainHead[]`, the heads kept beside the database, for
 *   `verifyJournal(records, keys, heads)`; their rewrite is scheduled after each commit: `await
 *   flushHeads()` before reading them back in the same process.
 *
 * The journal's register name is the register's number as text (`journalNameOf`).
 */
export {
  type Db,
  getRecord,
  headOf,
  type JournalContext,
  journalRegisters,
  type ReadJournalOptions,
  type RegisterState,
  readJournal,
  readRegisterState,
  recordToRow,
  rowToRecord,
} from './core.ts';
export { isJournalError, JOURNAL_ERROR_CODES, JournalError, type JournalErrorCode } from './errors.ts';
export {
  advanceHeads,
  flushHeads,
  HEADS_DIR,
  headsFileOf,
  readHeads,
  readHeadsDocument,
  replaceHeads,
  scheduleHeads,
} from './heads.ts';
export {
  checkedNumber,
  findInstrument,
  type InstrumentPayment,
  type InstrumentView,
  instrumentByNumber,
} from './instruments.ts';
export {
  clearKeyCache,
  ensureRegisterKeys,
  KEYS_DIR,
  listPublicKeys,
  loadRegisterKey,
  type PublicKeyEntry,
  publicKeyFingerprint,
  publicKeyMatches,
  readPublicKeys,
} from './keys.ts';
export {
  appendJet,
  type CancelInput,
  type ClosureInput,
  type ClosureOutcome,
  cancelTicket,
  closeDay,
  closeMonth,
  closePeriod,
  closeYear,
  type DuplicateInput,
  holdTicket,
  peekNextTicketNumber,
  recordDuplicate,
  releaseHeldTicket,
  rotateRegisterKey,
} from './operations.ts';
export {
  type DocumentRef,
  documentWords,
  type IssuedOriginal,
  type IssueInput,
  issuedOriginal,
  issueOriginals,
  ORIGINAL_CHANNELS,
  type OriginalChannel,
  OriginalIssuedError,
  type SaleDocumentName,
} from './originals.ts';
export { activeUser, journalNameOf, registerInfo } from './register-data.ts';
export {
  REFUND_MODES,
  type RefundMode,
  type ReturnDone,
  type ReturnInput,
  returnableOf,
  returnCauses,
  returnTicket,
} from './returns.ts';
export {
  type ClosedTill,
  type CloseTillInput,
  type CountInput,
  closeTillDay,
  lastTillDay,
  listTillDays,
  type OpenedTill,
  type OpenTillInput,
  openTillDay,
  recordTillMovement,
  type TillDay,
  type TillMovement,
  type TillMovementInput,
  tillCountsOfClosure,
  tillStatus,
  tillXReading,
  type XReading,
} from './till.ts';
export { DEFAULT_TIME_ZONE, localDateOf, offsetMinutesAt } from './time.ts';
export {
  type ValidatedTicket,
  type ValidateHooks,
  type ValidateTicketInput,
  validateTicket,
} from './validate.ts';
