/**
 * The fiscal archive of a closed period (checklist section H), pure: which records a period holds,
 * the file's parts (records as JSON lines, CSV for the tax administration, public keys, manifest),
 * the container (a ZIP whose archive comment carries the signature of every byte before it), and its
 * offline verification from the file alone. docs/fiscal-format.md § "Archive" describes the format.
 */
import { createHash, type KeyObject } from 'node:crypto';
import { strFromU8, strToU8, unzipSync, type Zippable, zipSync } from 'fflate';
import { type ClosureRecord, closuresCsv, isClosure, ticketsCsv } from './archive-csv.ts';
import { type ChainAnchor, JournalChecker, STREAM_CHAIN_ORDER } from './journal-check.ts';
import {
  CHAINS,
  type Chain,
  type ChainHead,
  type ClosureKind,
  type ClosurePayload,
  JET_CODES,
  type JournalRecord,
  type Stamp,
} from './record.ts';
import type { Signer } from './signing.ts';
import { fingerprintOf, importPublicKeyPem, keyIdOf, normaliseFingerprint, verifyText } from './signing.ts';
import { type Problem, type VerificationReport, verifySignatures } from './verify.ts';

export const ARCHIVE_FORMAT = 'COMPTOIR-ARCHIVE-1';
export const ARCHIVE_SIGNATURE_PREFIX = 'COMPTOIR-ARCHIVE-SIGNATURE ES256';

export type ArchiveErrorCode =
  | 'BAD_PERIOD'
  | 'PERIOD_NOT_CLOSED'
  | 'UNREADABLE_ARCHIVE'
  | 'BAD_TRUST'
  | 'EMPTY_PERIOD'
  | 'UNKNOWN_REGISTER'
  | 'INTEGRITY_FLAW';

/** A refused export or an unreadable file: machine code and French message. */
export class ArchiveError extends Error {
  override name = 'ArchiveError';
  constructor(
    readonly code: ArchiveErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface ArchivePeriod {
  /** MONTH: an intermediate archive (JET 20); YEAR: the period-end archive (JET 30). */
  readonly kind: Extract<ClosureKind, 'MONTH' | 'YEAR'>;
  readonly label: string;
}

/** `2026-11` (a month) or `2026` (a year, or the fiscal year's label): never more than a year (item 37). */
export function parsePeriod(text: string): ArchivePeriod {
  const t = text.trim();
  if (/^\d{4}-(0[1-9]|1[0-2])$/.test(t)) return { kind: 'MONTH', label: t };
  if (/^\d{4}$/.test(t)) return { kind: 'YEAR', label: t };
  throw new ArchiveError(
    'BAD_PERIOD',
    `Période invalide : « ${text} ». Attendu AAAA-MM (un mois) ou AAAA (un exercice) : une archive couvre au plus un an.`,
  );
}

/** A contiguous range of one chain, with the signature of the record before it. */
export interface ChainRange {
  readonly chain: Chain;
  readonly from: number;
  readonly to: number;
}

/** What the store must read for the archive of one period of one register. */
export interface ArchivePlan {
  readonly register: string;
  readonly period: ArchivePeriod;
  /** The closure that closes the period (the MONTH or YEAR closure of that label). */
  readonly closure: ClosureRecord;
  readonly periodStart: Stamp;
  readonly periodEnd: Stamp;
  /** Sequence ranges of the TICKET, DUPLICATE and CLOSURE chains. */
  readonly ranges: readonly ChainRange[];
  /** The other chains hold the records stamped after `afterUtc` (excluded) up to `untilUtc`. */
  readonly afterUtc: string;
  readonly untilUtc: string;
  /** Closures outside the range that its closures are recomputed from (CLOSURE sequences). */
  readonly contextClosures: readonly number[];
}

/**
 * The records of a period, from the register's whole CLOSURE chain (a few records a day). The period
 * starts right after the previous closure of the same kind (item 42: consecutive periods): its
 * CLOSURE range ends with the period's closure, its TICKET and DUPLICATE ranges are those of the
 * daily closures in it, and the other chains are cut by time at the same instants.
 */
export function planArchive(
  register: string,
  period: ArchivePeriod,
  closureChain: readonly JournalRecord[],
): ArchivePlan {
  const closures = closureChain.filter(isClosure).filter((r) => r.register === register);
  const target = closures
    .filter((c) => c.payload.kind === period.kind && c.payload.periodLabel === period.label)
    .at(-1);
  if (target === undefined) {
    const what = period.kind === 'MONTH' ? 'la clôture mensuelle' : 'la clôture annuelle';
    throw new ArchiveError(
      'PERIOD_NOT_CLOSED',
      `La période ${period.label} n'est pas clôturée sur la caisse ${register} : faites ${what} avant d'archiver.`,
    );
  }
  const before = closures.filter((c) => c.sequence < target.sequence);
  const previousSame = before.filter((c) => c.payload.kind === period.kind).at(-1);
  const closureFrom = previousSame === undefined ? 1 : previousSame.sequence + 1;
  const lastDayBefore = closures.filter((c) => c.sequence < closureFrom && c.payload.kind === 'DAY').at(-1);
  const days = closures.filter(
    (c) => c.sequence >= closureFrom && c.sequence <= target.sequence && c.payload.kind === 'DAY',
  );
  const lastDay = days.at(-1) ?? lastDayBefore;
  const ticketFrom = (lastDayBefore?.payload.tickets.to ?? 0) + 1;
  const duplicateFrom = (lastDayBefore?.payload.duplicates.to ?? 0) + 1;
  const inRange = (s: number): boolean => s >= closureFrom && s <= target.sequence;
  // Context: for each closure of the range, the previous closure of its kind and the closures it sums.
  const context = new Set<number>();
  for (const c of closures.filter((x) => inRange(x.sequence))) {
    const prev = closures.filter((x) => x.sequence < c.sequence && x.payload.kind === c.payload.kind).at(-1);
    if (prev !== undefined && !inRange(prev.sequence)) context.add(prev.sequence);
    if (c.payload.kind !== 'DAY') {
      for (let s = c.payload.closures.from; s <= Math.min(c.payload.closures.to, c.sequence - 1); s++) {
        if (!inRange(s) && closures.some((x) => x.sequence === s)) context.add(s);
      }
    }
  }
  return {
    register,
    period,
    closure: target,
    periodStart: target.payload.periodStart,
    periodEnd: target.payload.periodEnd,
    ranges: [
      { chain: 'TICKET', from: ticketFrom, to: lastDay?.payload.tickets.to ?? ticketFrom - 1 },
      { chain: 'DUPLICATE', from: duplicateFrom, to: lastDay?.payload.duplicates.to ?? duplicateFrom - 1 },
      { chain: 'CLOSURE', from: closureFrom, to: target.sequence },
    ],
    afterUtc: previousSame?.timestamp.utc ?? '',
    untilUtc: target.timestamp.utc,
    contextClosures: [...context].sort((a, b) => a - b),
  };
}

/** The chains cut by time rather than by closures. */
export const TIME_CUT_CHAINS: readonly Chain[] = CHAINS.filter(
  (c) => c !== 'TICKET' && c !== 'DUPLICATE' && c !== 'CLOSURE',
);

/** Whether a JET record belongs to the key history (the first key and each rotation). */
export function isKeyHistory(r: JournalRecord): boolean {
  return r.type === 'JET' && (r.sequence === 1 || r.payload.code === JET_CODES.KEY_ROTATION);
}

export interface ArchiveChain {
  readonly chain: Chain;
  readonly from: number;
  readonly to: number;
  /** The signature of record `from − 1` ('' when `from` is 1). */
  readonly previousSignature: string;
  /** The signature of record `to` ('' when the range is empty). */
  readonly lastSignature: string;
}

export interface ArchivePart {
  readonly name: string;
  readonly sha256: string;
  readonly bytes: number;
}

export type ArchiveTotals = Pick<
  ClosurePayload,
  | 'currency'
  | 'perRate'
  | 'perPayment'
  | 'ticketCount'
  | 'cancellationCount'
  | 'duplicateCount'
  | 'salesTtc'
  | 'returnsTtc'
  | 'periodTotal'
  | 'periodTotalAbs'
  | 'perpetualTotal'
  | 'perpetualTotalAbs'
>;

/** Who the archive belongs to (item 40): the store's identity at the export. */
export interface ArchiveCompany {
  readonly name: string;
  readonly address: string;
  readonly siret: string;
  readonly naf: string;
  readonly vatNumber: string;
}

export interface ArchiveManifest {
  readonly format: typeof ARCHIVE_FORMAT;
  readonly company: ArchiveCompany;
  readonly register: string;
  readonly period: {
    readonly kind: ArchivePeriod['kind'];
    readonly label: string;
    readonly start: Stamp;
    readonly end: Stamp;
    /** The CLOSURE sequence of the period's closure. */
    readonly closureSequence: number;
  };
  readonly createdAt: Stamp;
  readonly softwareVersion: string;
  readonly operator: string;
  /** The key that signs the whole file (the register's key in force at the export). */
  readonly signatureKeyId: string;
  readonly chains: readonly ArchiveChain[];
  readonly counts: {
    readonly records: number;
    readonly context: number;
    readonly byType: Readonly<Record<string, number>>;
  };
  readonly totals: ArchiveTotals;
  readonly parts: readonly ArchivePart[];
}

export const PART_NAMES = {
  records: 'records.jsonl',
  context: 'context.jsonl',
  keys: 'public-keys.json',
  tickets: 'tickets.csv',
  closures: 'closures.csv',
  manifest: 'manifest.json',
} as const;

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** JSON lines: one record per line, `\n` after each. */
function jsonLines(records: readonly JournalRecord[]): string {
  let out = '';
  for (const r of records) out += `${JSON.stringify(r)}\n`;
  return out;
}

export interface ArchiveInput {
  readonly plan: ArchivePlan;
  /** The records of the plan's ranges and time cuts, each chain in ascending sequence. */
  readonly records: readonly JournalRecord[];
  /** The context closures of the plan and the key history (`isKeyHistory`) up to the export. */
  readonly context: readonly JournalRecord[];
  /** The signature before each chain's first archived record (by chain; absent: ''). */
  readonly previousSignatures: ReadonlyMap<Chain, string>;
  /** Public keys (SPKI PEM) by key id: every key of the records, the context and the signer. */
  readonly publicKeys: ReadonlyMap<string, string>;
  readonly signer: Signer;
  readonly createdAt: Stamp;
  readonly softwareVersion: string;
  readonly operator: string;
  readonly company: ArchiveCompany;
}

/** Fixed ZIP entry time, so that the same content gives the same bytes. */
const ENTRY_TIME = new Date('2020-01-01T00:00:00Z');

/** Builds the archive file: the signed ZIP and its manifest. */
export function buildArchive(input: ArchiveInput): { bytes: Uint8Array; manifest: ArchiveManifest } {
  const { plan, records } = input;
  const sorted = [...records].sort(
    (a, b) =>
      STREAM_CHAIN_ORDER.indexOf(a.chain) - STREAM_CHAIN_ORDER.indexOf(b.chain) || a.sequence - b.sequence,
  );
  const byChain = new Map<Chain, JournalRecord[]>();
  for (const r of sorted) {
    if (r.register !== plan.register)
      throw new ArchiveError('UNKNOWN_REGISTER', `Enregistrement d'une autre caisse : ${r.register}.`);
    const list = byChain.get(r.chain) ?? [];
    list.push(r);
    byChain.set(r.chain, list);
  }
  const chains: ArchiveChain[] = [];
  for (const chain of STREAM_CHAIN_ORDER) {
    const list = byChain.get(chain) ?? [];
    const range = plan.ranges.find((x) => x.chain === chain);
    const from = range?.from ?? list[0]?.sequence ?? 1;
    const to = range?.to ?? list.at(-1)?.sequence ?? from - 1;
    if (range === undefined && list.length === 0) continue;
    chains.push({
      chain,
      from,
      to,
      previousSignature: from === 1 ? '' : (input.previousSignatures.get(chain) ?? ''),
      lastSignature: list.at(-1)?.signature ?? '',
    });
  }
  const byType: Record<string, number> = {};
  for (const r of sorted) byType[r.type] = (byType[r.type] ?? 0) + 1;
  const p = plan.closure.payload;
  const totals: ArchiveTotals = {
    currency: p.currency,
    perRate: p.perRate,
    perPayment: p.perPayment,
    ticketCount: p.ticketCount,
    cancellationCount: p.cancellationCount,
    duplicateCount: p.duplicateCount,
    salesTtc: p.salesTtc,
    returnsTtc: p.returnsTtc,
    periodTotal: p.periodTotal,
    periodTotalAbs: p.periodTotalAbs,
    perpetualTotal: p.perpetualTotal,
    perpetualTotalAbs: p.perpetualTotalAbs,
  };
  const keys: Record<string, string> = {};
  for (const [id, pem] of [...input.publicKeys].sort(([a], [b]) => (a < b ? -1 : 1))) keys[id] = pem;
  const parts: [string, Uint8Array][] = [
    [PART_NAMES.records, strToU8(jsonLines(sorted))],
    [PART_NAMES.context, strToU8(jsonLines(input.context))],
    [PART_NAMES.keys, strToU8(`${JSON.stringify(keys, null, 2)}\n`)],
    [PART_NAMES.tickets, strToU8(ticketsCsv(sorted))],
    [PART_NAMES.closures, strToU8(closuresCsv(sorted))],
  ];
  const manifest: ArchiveManifest = {
    format: ARCHIVE_FORMAT,
    company: input.company,
    register: plan.register,
    period: {
      kind: plan.period.kind,
      label: plan.period.label,
      start: plan.periodStart,
      end: plan.periodEnd,
      closureSequence: plan.closure.sequence,
    },
    createdAt: input.createdAt,
    softwareVersion: input.softwareVersion,
    operator: input.operator,
    signatureKeyId: input.signer.keyId,
    chains,
    counts: { records: sorted.length, context: input.context.length, byType },
    totals,
    parts: parts.map(([name, bytes]) => ({ name, sha256: sha256(bytes), bytes: bytes.length })),
  };
  const entries: Zippable = {
    [PART_NAMES.manifest]: [
      strToU8(`${JSON.stringify(manifest, null, 2)}\n`),
      { level: 6, mtime: ENTRY_TIME },
    ],
  };
  for (const [name, bytes] of parts) entries[name] = [bytes, { level: 6, mtime: ENTRY_TIME }];
  const zip = zipSync(entries);
  return { bytes: signZip(zip, input.signer), manifest };
}

const EOCD = 0x06054b50;
const EOCD_SIZE = 22;

/** What the file signature signs: the format and the SHA-256 (hex) of every byte before the signature. */
function fileSignedText(signed: Uint8Array): string {
  return `${ARCHIVE_FORMAT}|${sha256(signed)}`;
}

/** Appends the archive comment `COMPTOIR-ARCHIVE-SIGNATURE ES256 <keyId> <signature>`, which signs every byte before it. */
function signZip(zip: Uint8Array, signer: Signer): Uint8Array {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const eocd = zip.length - EOCD_SIZE;
  if (view.getUint32(eocd, true) !== EOCD || view.getUint16(eocd + 20, true) !== 0) {
    throw new ArchiveError('UNREADABLE_ARCHIVE', 'Conteneur ZIP inattendu.');
  }
  const commentLength = ARCHIVE_SIGNATURE_PREFIX.length + 1 + 16 + 1 + 86;
  const out = new Uint8Array(zip.length + commentLength);
  out.set(zip);
  new DataView(out.buffer).setUint16(eocd + 20, commentLength, true);
  const signed = out.subarray(0, zip.length);
  const signature = signer.sign(fileSignedText(signed));
  const comment = `${ARCHIVE_SIGNATURE_PREFIX} ${signer.keyId} ${signature}`;
  if (comment.length !== commentLength)
    throw new ArchiveError('UNREADABLE_ARCHIVE', 'Signature d’archive inattendue.');
  out.set(strToU8(comment), zip.length);
  return out;
}

/** The whole-file signature: where it is and what it signs. */
function readSignature(bytes: Uint8Array): { keyId: string; signature: string; signed: Uint8Array } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = bytes.length - EOCD_SIZE; at >= Math.max(0, bytes.length - EOCD_SIZE - 0xffff); at--) {
    if (view.getUint32(at, true) !== EOCD) continue;
    const length = view.getUint16(at + 20, true);
    if (at + EOCD_SIZE + length !== bytes.length) continue;
    const comment = strFromU8(bytes.subarray(at + EOCD_SIZE));
    const match = /^COMPTOIR-ARCHIVE-SIGNATURE ES256 ([0-9a-f]{16}) ([A-Za-z0-9_-]{86})$/.exec(comment);
    if (match === null) break;
    return {
      keyId: match[1] as string,
      signature: match[2] as string,
      signed: bytes.subarray(0, at + EOCD_SIZE),
    };
  }
  throw new ArchiveError(
    'UNREADABLE_ARCHIVE',
    'Archive illisible : signature du fichier absente ou altérée.',
  );
}

/** A problem of the file itself (not of one record). */
export interface FileProblem {
  readonly code:
    | 'FILE_SIGNATURE'
    | 'PART_HASH'
    | 'PART_MISSING'
    | 'PART_UNEXPECTED'
    | 'MANIFEST'
    | 'COUNTS'
    | 'TOTALS'
    | 'CHAIN_RANGE'
    | 'UNTRUSTED_KEY';
  readonly message: string;
}

/**
 * What the verifier trusts beyond the archive itself: public keys it holds (`--public-key`) and
 * fingerprints (`--fingerprint`, SHA-256 of the SPKI, 16 to 64 hex digits). Empty: the archive's own
 * keys only, which an archive re-made end to end with another key also satisfies.
 */
export interface ArchiveTrust {
  readonly publicKeys?: readonly KeyObject[];
  readonly fingerprints?: readonly string[];
}

/** How the archive's keys were trusted: pinned (from the trust given) or from the archive alone. */
export interface ArchiveTrustReport {
  readonly pinned: boolean;
  /** Every key id that signs the file or a record of the archive. */
  readonly signingKeys: readonly string[];
  /** Those that are pinned or announced by a rotation signed by a trusted key. */
  readonly trustedKeys: readonly string[];
}

export interface ArchiveReport {
  readonly manifest: ArchiveManifest | undefined;
  readonly fileProblems: readonly FileProblem[];
  readonly journal: VerificationReport;
  readonly trust: ArchiveTrustReport;
  readonly ok: boolean;
}

function parseLines(text: string, part: string): JournalRecord[] {
  const out: JournalRecord[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line === '') continue;
    try {
      out.push(JSON.parse(line) as JournalRecord);
    } catch {
      throw new ArchiveError(
        'UNREADABLE_ARCHIVE',
        `Archive illisible : ligne ${i + 1} de ${part} n'est pas du JSON.`,
      );
    }
  }
  return out;
}

/**
 * Verifies an archive from the file alone: the signature of the whole file, each part against the
 * manifest's SHA-256, then every record (signature, signed text, chain links from the anchors,
 * gapless sequences up to the manifest's last signatures, key history) and every closure recomputed.
 */
export function verifyArchive(bytes: Uint8Array, trust: ArchiveTrust = {}): ArchiveReport {
  const fileProblems: FileProblem[] = [];
  const sig = readSignature(bytes);
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes);
  } catch (error) {
    throw new ArchiveError('UNREADABLE_ARCHIVE', `Archive illisible : ${(error as Error).message}.`);
  }
  const manifestBytes = files[PART_NAMES.manifest];
  if (manifestBytes === undefined)
    throw new ArchiveError('UNREADABLE_ARCHIVE', 'Archive illisible : manifest.json absent.');
  let manifest: ArchiveManifest;
  try {
    manifest = JSON.parse(strFromU8(manifestBytes)) as ArchiveManifest;
  } catch {
    throw new ArchiveError('UNREADABLE_ARCHIVE', 'Archive illisible : manifest.json n’est pas du JSON.');
  }
  if (manifest.format !== ARCHIVE_FORMAT) {
    throw new ArchiveError('UNREADABLE_ARCHIVE', `Format d'archive inconnu : ${String(manifest.format)}.`);
  }
  for (const part of manifest.parts) {
    const data = files[part.name];
    if (data === undefined)
      fileProblems.push({ code: 'PART_MISSING', message: `Partie absente : ${part.name}.` });
    else if (sha256(data) !== part.sha256 || data.length !== part.bytes)
      fileProblems.push({
        code: 'PART_HASH',
        message: `Empreinte SHA-256 différente du manifeste : ${part.name}.`,
      });
  }
  for (const name of Object.keys(files)) {
    if (name !== PART_NAMES.manifest && !manifest.parts.some((p) => p.name === name))
      fileProblems.push({ code: 'PART_UNEXPECTED', message: `Partie inattendue : ${name}.` });
  }
  const text = (name: string): string => strFromU8(files[name] ?? new Uint8Array());
  let keyPems: Record<string, string>;
  try {
    keyPems = JSON.parse(text(PART_NAMES.keys)) as Record<string, string>;
  } catch {
    throw new ArchiveError('UNREADABLE_ARCHIVE', 'Archive illisible : public-keys.json n’est pas du JSON.');
  }
  const keys = new Map<string, KeyObject>();
  for (const [id, pem] of Object.entries(keyPems)) {
    try {
      keys.set(id, importPublicKeyPem(pem));
    } catch {
      fileProblems.push({ code: 'MANIFEST', message: `Clé publique illisible : ${id}.` });
    }
  }
  // A key the verifier holds replaces the archive's copy of the same id.
  for (const key of trust.publicKeys ?? []) keys.set(keyIdOf(key), key);
  const fileKey = keys.get(sig.keyId);
  if (
    fileKey === undefined ||
    keyIdOf(fileKey) !== sig.keyId ||
    sig.keyId !== manifest.signatureKeyId ||
    !verifyText(fileKey, fileSignedText(sig.signed), sig.signature)
  ) {
    fileProblems.push({
      code: 'FILE_SIGNATURE',
      message: 'Signature du fichier invalide : l’archive a été modifiée.',
    });
  }

  const records = parseLines(text(PART_NAMES.records), PART_NAMES.records);
  const context = parseLines(text(PART_NAMES.context), PART_NAMES.context);
  // The file must be signed by the register's key in force: the last one the key history announces.
  let current: string | undefined;
  for (const r of [...context].sort((a, b) => a.sequence - b.sequence)) {
    if (r.type !== 'JET' || r.register !== manifest.register) continue;
    if (r.sequence === 1) current = r.keyId;
    else if (r.payload.code === JET_CODES.KEY_ROTATION && r.keyId === current) current = r.payload.data;
  }
  if (current !== sig.keyId && !fileProblems.some((p) => p.code === 'FILE_SIGNATURE')) {
    fileProblems.push({
      code: 'FILE_SIGNATURE',
      message: `Fichier signé par la clé ${sig.keyId}, qui n'est pas la clé en vigueur de la caisse (${current ?? 'inconnue'}).`,
    });
  }
  if (records.length !== manifest.counts.records || context.length !== manifest.counts.context) {
    fileProblems.push({ code: 'COUNTS', message: 'Nombre d’enregistrements différent du manifeste.' });
  }
  const anchors: ChainAnchor[] = manifest.chains.map((c) => ({
    register: manifest.register,
    chain: c.chain,
    sequence: c.from,
    previousSignature: c.previousSignature,
  }));
  const heads: ChainHead[] = manifest.chains
    .filter((c) => c.to >= c.from)
    .map((c) => ({
      register: manifest.register,
      chain: c.chain,
      sequence: c.to,
      signature: c.lastSignature,
    }));
  const checker = new JournalChecker({ publicKeysById: keys, expectedHeads: heads, anchors });
  checker.addContext(context, verifySignatures(context, keys));
  const ordered = [...records].sort(
    (a, b) => STREAM_CHAIN_ORDER.indexOf(a.chain) - STREAM_CHAIN_ORDER.indexOf(b.chain),
  );
  checker.add(ordered, verifySignatures(ordered, keys));
  const journal = checker.finish();
  for (const r of records) {
    if (r.register !== manifest.register) {
      fileProblems.push({ code: 'MANIFEST', message: `Enregistrement d'une autre caisse : ${r.register}.` });
      break;
    }
    const c = manifest.chains.find((x) => x.chain === r.chain);
    if (c === undefined || r.sequence < c.from || r.sequence > c.to) {
      fileProblems.push({
        code: 'CHAIN_RANGE',
        message: `${r.chain} n° ${r.sequence} hors des plages du manifeste.`,
      });
    }
  }
  const closure = records.find(
    (r) => r.chain === 'CLOSURE' && r.sequence === manifest.period.closureSequence,
  );
  if (
    closure === undefined ||
    closure.type !== 'CLOSURE' ||
    closure.payload.kind !== manifest.period.kind ||
    closure.payload.periodLabel !== manifest.period.label
  ) {
    fileProblems.push({ code: 'TOTALS', message: 'La clôture de la période est absente de l’archive.' });
  } else {
    const p = closure.payload;
    const wrong = (Object.keys(manifest.totals) as (keyof ArchiveTotals)[]).filter(
      (k) => JSON.stringify(manifest.totals[k]) !== JSON.stringify(p[k]),
    );
    if (wrong.length > 0)
      fileProblems.push({
        code: 'TOTALS',
        message: `Totaux du manifeste différents de la clôture signée : ${wrong.join(', ')}.`,
      });
  }
  const trustReport = trustOf(trust, keys, sig.keyId, [...context, ...records]);
  for (const id of trustReport.signingKeys) {
    if (trustReport.pinned && !trustReport.trustedKeys.includes(id)) {
      fileProblems.push({
        code: 'UNTRUSTED_KEY',
        message:
          `Clé ${id} non reconnue : ni épinglée (--public-key, --fingerprint), ni annoncée par un ` +
          'changement de clé signé d’une clé reconnue.',
      });
    }
  }
  return {
    manifest,
    fileProblems,
    journal,
    trust: trustReport,
    ok: fileProblems.length === 0 && journal.ok,
  };
}

/**
 * The keys trusted: those pinned (held, or whose fingerprint starts with a given one), then every key a
 * trusted key announced by a rotation (JET 1080) whose signature verifies, in sequence order.
 */
function trustOf(
  trust: ArchiveTrust,
  keys: ReadonlyMap<string, KeyObject>,
  fileKeyId: string,
  records: readonly JournalRecord[],
): ArchiveTrustReport {
  const signing = new Set<string>([fileKeyId, ...records.map((r) => r.keyId)]);
  const held = (trust.publicKeys ?? []).map((k) => keyIdOf(k));
  const prints = trust.fingerprints ?? [];
  const pinned = held.length > 0 || prints.length > 0;
  const trusted = new Set<string>(held);
  for (const [id, key] of keys) {
    const print = fingerprintOf(key);
    if (keyIdOf(key) === id && prints.some((p) => print.startsWith(p))) trusted.add(id);
  }
  const rotations = records
    .filter((r) => r.type === 'JET' && r.payload.code === JET_CODES.KEY_ROTATION)
    .sort((a, b) => a.sequence - b.sequence);
  for (const r of rotations) {
    const key = keys.get(r.keyId);
    if (
      r.type === 'JET' &&
      trusted.has(r.keyId) &&
      key !== undefined &&
      verifyText(key, r.signedText, r.signature)
    ) {
      trusted.add(r.payload.data);
    }
  }
  return {
    pinned,
    signingKeys: [...signing].sort(),
    trustedKeys: [...signing].filter((id) => trusted.has(id)).sort(),
  };
}

/** Parses the fingerprints given to `--fingerprint` (French error on one that is not hex). */
export function parseFingerprints(texts: readonly string[]): string[] {
  return texts.map((text) => {
    const hex = normaliseFingerprint(text);
    if (hex === undefined) {
      throw new ArchiveError(
        'BAD_TRUST',
        `Empreinte invalide : « ${text} » (16 à 64 chiffres hexadécimaux, SHA-256 de la clé publique).`,
      );
    }
    return hex;
  });
}

/** The French label of a problem's place, for reports. */
export function problemPlace(p: Problem): string {
  return `caisse ${p.register}, chaîne ${p.chain}, n° ${p.sequence}`;
}
