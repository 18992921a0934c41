/**
 * The heads of each register's chains, kept outside the database (checklist item 16): deleting the
 * newest records of the journal must not go unseen. One file per register, beside the database:
 *
 *   <data>/heads/<register>.json   {"format":"comptoir-heads/2","register":"1","keyId":…,"writtenAt":…,
 *                                   "heads":[{chain,sequence,signature}],"signature":…}
 *
 * signed with the register's key (src/fiscal/heads.ts). A missing file of a register that has records,
 * an empty or unsigned one, is an error: the file is created with the register's first records only,
 * never silently recreated.
 *
 * It is rewritten atomically (temporary file, fsync, rename) after each commit, and only ever moves
 * forward: a head is replaced only by a higher sequence of the same chain. The journal schedules the
 * rewrite (`scheduleHeads`) rather than waiting for it: an fsync costs milliseconds, heads that arrive
 * meanwhile are merged into one rewrite, and `flushHeads` (or the process's exit) waits for the file.
 * A head file that lags behind the journal for a moment is harmless: only a journal SHORTER than its
 * heads is a truncation.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { join } from 'node:path';
import {
  checkHeadsSignature,
  type HeadsDocument,
  HeadsError,
  headsOf,
  parseHeads,
  signHeads,
} from '../../fiscal/heads.ts';
import { CHAINS, type Chain, type ChainHead } from '../../fiscal/record.ts';
import { checkRegisterName, writeFileAtomic } from './files.ts';
import { loadRegisterKey, readPublicKeys } from './keys.ts';

export { HEADS_FORMAT } from '../../fiscal/heads.ts';
export const HEADS_DIR = 'heads';

export function headsFileOf(dataDir: string, register: string): string {
  return join(dataDir, HEADS_DIR, `${checkRegisterName(register)}.json`);
}

/**
 * The signed heads document of a register, undefined when its file does not exist; throws
 * `HeadsError` when it is empty, unsigned, or not signed by one of the register's keys.
 */
export function readHeadsDocument(dataDir: string, register: string): HeadsDocument | undefined {
  const file = headsFileOf(dataDir, register);
  if (!existsSync(file)) return undefined;
  const doc = parseHeads(readFileSync(file, 'utf8'), file);
  if (doc.register !== register) {
    throw new HeadsError(
      `Fichier de têtes de la caisse ${doc.register} à la place de la caisse ${register} : ${file}.`,
    );
  }
  checkHeadsSignature(doc, readPublicKeys(dataDir, register), file);
  return doc;
}

/** The registers that have a heads file. */
export function headsRegisters(dataDir: string): string[] {
  const dir = join(dataDir, HEADS_DIR);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

/** The heads kept for one register, or for every register when `register` is omitted. */
export function readHeads(dataDir: string, register?: string): ChainHead[] {
  if (register !== undefined) {
    const doc = readHeadsDocument(dataDir, register);
    return doc === undefined ? [] : headsOf(doc);
  }
  return headsRegisters(dataDir).flatMap((r) => readHeads(dataDir, r));
}

interface WriteOptions {
  /** UTC stamp of the write (the batch's stamp). */
  readonly writtenAt: string;
  /** The register's first records are among the heads: its file may be created. */
  readonly create: boolean;
}

function mergedHeads(
  dataDir: string,
  register: string,
  heads: Iterable<ChainHead>,
  create: boolean,
): ChainHead[] {
  const merged = new Map<Chain, ChainHead>();
  const existing = readHeadsDocument(dataDir, register);
  if (existing === undefined && !create) {
    throw new HeadsError(
      `Fichier des têtes de chaîne de la caisse ${register} absent : il n’est pas recréé (voir « comptoir heads show »).`,
    );
  }
  for (const h of existing === undefined ? [] : headsOf(existing)) merged.set(h.chain, h);
  for (const h of heads) {
    if (h.register !== register) throw new Error(`Tête de la caisse ${h.register} écrite pour ${register}.`);
    const old = merged.get(h.chain);
    if (old === undefined || h.sequence > old.sequence) merged.set(h.chain, h);
  }
  return [...merged.values()].sort((a, b) => CHAINS.indexOf(a.chain) - CHAINS.indexOf(b.chain));
}

function headsText(dataDir: string, register: string, list: readonly ChainHead[], writtenAt: string): string {
  const { signer } = loadRegisterKey(dataDir, register);
  return `${JSON.stringify(signHeads(register, list, signer, writtenAt))}\n`;
}

/** Merges `heads` (all of one register) into its file now: each chain keeps its highest sequence. */
export function advanceHeads(
  dataDir: string,
  register: string,
  heads: readonly ChainHead[],
  options: WriteOptions,
): void {
  if (heads.length === 0) return;
  const list = mergedHeads(dataDir, register, heads, options.create);
  mkdirSync(join(dataDir, HEADS_DIR), { recursive: true });
  writeFileAtomic(headsFileOf(dataDir, register), headsText(dataDir, register, list, options.writtenAt));
}

/**
 * Replaces a register's heads file with exactly `heads` (the journal's, after a manager acknowledged
 * the difference: `comptoir heads acknowledge`).
 */
export function replaceHeads(
  dataDir: string,
  register: string,
  heads: readonly ChainHead[],
  writtenAt: string,
): void {
  mkdirSync(join(dataDir, HEADS_DIR), { recursive: true });
  writeFileAtomic(headsFileOf(dataDir, register), headsText(dataDir, register, heads, writtenAt));
}

interface PendingHeads {
  readonly dataDir: string;
  readonly register: string;
  readonly heads: Map<Chain, ChainHead>;
  writtenAt: string;
  create: boolean;
}

const pending = new Map<string, PendingHeads>();
let inFlight: PendingHeads[] = [];
let draining: Promise<void> | undefined;

function mergeInto(target: Map<Chain, ChainHead>, heads: Iterable<ChainHead>): void {
  for (const h of heads) {
    const old = target.get(h.chain);
    if (old === undefined || h.sequence > old.sequence) target.set(h.chain, h);
  }
}

async function writeAsync(entry: PendingHeads): Promise<void> {
  const list = mergedHeads(entry.dataDir, entry.register, entry.heads.values(), entry.create);
  mkdirSync(join(entry.dataDir, HEADS_DIR), { recursive: true });
  const file = headsFileOf(entry.dataDir, entry.register);
  const tmp = `${file}.${process.pid}.tmp`;
  const handle = await open(tmp, 'w', 0o644);
  try {
    await handle.writeFile(headsText(entry.dataDir, entry.register, list, entry.writtenAt));
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, file);
  const dir = await open(join(entry.dataDir, HEADS_DIR), 'r');
  try {
    await dir.sync();
  } catch {
    // some file systems refuse to fsync a directory; the rename is still atomic
  } finally {
    await dir.close();
  }
}

async function drain(): Promise<void> {
  try {
    while (pending.size > 0) {
      inFlight = [...pending.values()];
      pending.clear();
      for (const entry of inFlight) {
        try {
          await writeAsync(entry);
        } catch (error) {
          // One register's failure (its file missing or unsigned, its folder gone) leaves the others'.
          process.stderr.write(`Écriture du fichier des têtes de chaîne impossible : ${String(error)}\n`);
        }
      }
      inFlight = [];
    }
  } finally {
    draining = undefined;
  }
}

/** Schedules the rewrite of a register's heads file after a commit (merged with later ones). */
export function scheduleHeads(
  dataDir: string,
  register: string,
  heads: Iterable<ChainHead>,
  options: WriteOptions,
): void {
  const key = `${dataDir}\u0000${register}`;
  let entry = pending.get(key);
  if (entry === undefined) {
    entry = { dataDir, register, heads: new Map(), writtenAt: options.writtenAt, create: options.create };
    pending.set(key, entry);
  }
  if (options.writtenAt > entry.writtenAt) entry.writtenAt = options.writtenAt;
  entry.create ||= options.create;
  mergeInto(entry.heads, heads);
  if (entry.heads.size === 0) pending.delete(key);
  if (draining === undefined && pending.size > 0) {
    draining = drain().catch((error: unknown) => {
      process.stderr.write(`Écriture du fichier des têtes de chaîne impossible : ${String(error)}\n`);
    });
  }
}

/** Waits until every scheduled heads file is written (before reading them back, before exiting). */
export async function flushHeads(): Promise<void> {
  while (draining !== undefined) await draining;
}

// Last resort: a process that exits with heads still scheduled writes them synchronously.
process.on('exit', () => {
  for (const entry of [...inFlight, ...pending.values()]) {
    try {
      advanceHeads(entry.dataDir, entry.register, [...entry.heads.values()], entry);
    } catch {
      // nothing more can be done at exit
    }
  }
});
