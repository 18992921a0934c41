/**
 * The heads of each register's chains, kept outside the database (checklist item 16): deleting the
 * newest records of the journal must not go unseen. One file per register, beside the database:
 *
 *   <data>/heads/<register>.json   {"format":"comptoir-heads/1","register":"1","heads":[{chain,sequence,signature}]}
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
import { CHAINS, type Chain, type ChainHead } from '../../fiscal/record.ts';
import { checkRegisterName, writeFileAtomic } from './files.ts';

export const HEADS_DIR = 'heads';
export const HEADS_FORMAT = 'comptoir-heads/1';

export function headsFileOf(dataDir: string, register: string): string {
  return join(dataDir, HEADS_DIR, `${checkRegisterName(register)}.json`);
}

function parseHeads(text: string, register: string): ChainHead[] {
  const data = JSON.parse(text) as { format?: unknown; heads?: unknown };
  if (data.format !== HEADS_FORMAT || !Array.isArray(data.heads)) {
    throw new Error(`Fichier de têtes de chaîne illisible pour la caisse ${register}.`);
  }
  return data.heads.map((h: { chain?: unknown; sequence?: unknown; signature?: unknown }) => {
    if (
      typeof h.chain !== 'string' ||
      !(CHAINS as readonly string[]).includes(h.chain) ||
      !Number.isSafeInteger(h.sequence) ||
      typeof h.signature !== 'string'
    ) {
      throw new Error(`Tête de chaîne invalide dans le fichier de la caisse ${register}.`);
    }
    return { register, chain: h.chain as Chain, sequence: h.sequence as number, signature: h.signature };
  });
}

/** The heads kept for one register, or for every register when `register` is omitted. */
export function readHeads(dataDir: string, register?: string): ChainHead[] {
  if (register !== undefined) {
    const file = headsFileOf(dataDir, register);
    return existsSync(file) ? parseHeads(readFileSync(file, 'utf8'), register) : [];
  }
  const dir = join(dataDir, HEADS_DIR);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .flatMap((f) => readHeads(dataDir, f.slice(0, -'.json'.length)));
}

function mergedHeads(dataDir: string, register: string, heads: Iterable<ChainHead>): ChainHead[] {
  const merged = new Map<Chain, ChainHead>();
  for (const h of readHeads(dataDir, register)) merged.set(h.chain, h);
  for (const h of heads) {
    if (h.register !== register) throw new Error(`Tête de la caisse ${h.register} écrite pour ${register}.`);
    const old = merged.get(h.chain);
    if (old === undefined || h.sequence > old.sequence) merged.set(h.chain, h);
  }
  return [...merged.values()].sort((a, b) => CHAINS.indexOf(a.chain) - CHAINS.indexOf(b.chain));
}

function headsText(register: string, list: readonly ChainHead[]): string {
  return `${JSON.stringify({
    format: HEADS_FORMAT,
    register,
    heads: list.map(({ chain, sequence, signature }) => ({ chain, sequence, signature })),
  })}\n`;
}

/** Merges `heads` (all of one register) into its file now: each chain keeps its highest sequence. */
export function advanceHeads(dataDir: string, register: string, heads: readonly ChainHead[]): void {
  if (heads.length === 0) return;
  const list = mergedHeads(dataDir, register, heads);
  mkdirSync(join(dataDir, HEADS_DIR), { recursive: true });
  writeFileAtomic(headsFileOf(dataDir, register), headsText(register, list));
}

interface PendingHeads {
  readonly dataDir: string;
  readonly register: string;
  readonly heads: Map<Chain, ChainHead>;
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
  const list = mergedHeads(entry.dataDir, entry.register, entry.heads.values());
  mkdirSync(join(entry.dataDir, HEADS_DIR), { recursive: true });
  const file = headsFileOf(entry.dataDir, entry.register);
  const tmp = `${file}.${process.pid}.tmp`;
  const handle = await open(tmp, 'w', 0o644);
  try {
    await handle.writeFile(headsText(entry.register, list));
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
      for (const entry of inFlight) await writeAsync(entry);
      inFlight = [];
    }
  } finally {
    draining = undefined;
  }
}

/** Schedules the rewrite of a register's heads file after a commit (merged with later ones). */
export function scheduleHeads(dataDir: string, register: string, heads: Iterable<ChainHead>): void {
  const key = `${dataDir}\u0000${register}`;
  let entry = pending.get(key);
  if (entry === undefined) {
    entry = { dataDir, register, heads: new Map() };
    pending.set(key, entry);
  }
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
      advanceHeads(entry.dataDir, entry.register, [...entry.heads.values()]);
    } catch {
      // nothing more can be done at exit
    }
  }
});
