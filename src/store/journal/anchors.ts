/**
 * Heads anchored outside the machine (issue 11 item 2). No software key on one machine resists its
 * root user: the signed heads document (src/fiscal/heads.ts) is sent to witnesses at each closure and
 * every few minutes by the server, and the journal is compared with every anchor a witness can give
 * back (`comptoir verify --anchors DIR`, the server at start).
 *
 * A witness is anything that keeps a copy out of reach of the data folder's writer: the directory
 * witness here (`COMPTOIR_ANCHOR_DIR`, a mounted share, a USB key, another machine's folder); an
 * e-mail to the owner or the accountant, an RFC 3161 timestamp authority or the head office's central
 * plug in through the same `HeadsWitness` interface (send, and read back when they can).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import {
  type AnchorReading,
  checkHeadsSignature,
  compareWithAnchors,
  type HeadsDocument,
  HeadsError,
  headsOf,
  parseHeads,
} from '../../fiscal/heads.ts';
import { CHAINS, type Chain, type ChainHead } from '../../fiscal/record.ts';
import type { Problem } from '../../fiscal/verify.ts';
import { type Db, headOf } from './core.ts';
import { checkRegisterName } from './files.ts';
import { flushHeads, readHeadsDocument } from './heads.ts';
import { readPublicKeys } from './keys.ts';

/** A place outside the data folder that keeps copies of the signed heads. */
export interface HeadsWitness {
  /** For messages: `dossier /mnt/temoin`, `e-mail compta@…`, `TSA https://…`. */
  readonly name: string;
  /** Keeps a copy of `doc`; throws (French message) when it could not. */
  send(doc: HeadsDocument): Promise<void>;
  /** The copies it keeps of `register`'s heads, when it can give them back (a directory can; e-mail cannot). */
  read?(register: string): Promise<AnchorReading[]>;
}

export const ANCHOR_DIR_ENV = 'COMPTOIR_ANCHOR_DIR';

const FILE = /^heads-([^-]+)-(\d{14})-([0-9a-f]{12})\.json$/;

/** A directory witness: one new file per heads document, never overwritten. */
export function directoryWitness(dir: string): HeadsWitness {
  return {
    name: `dossier ${dir}`,
    async send(doc) {
      const text = `${JSON.stringify(doc)}\n`;
      const hash = createHash('sha256').update(text).digest('hex').slice(0, 12);
      const file = join(dir, `heads-${checkRegisterName(doc.register)}-${doc.writtenAt}-${hash}.json`);
      if (existsSync(file)) return;
      mkdirSync(dir, { recursive: true });
      writeFileSync(file, text, { flag: 'wx', mode: 0o444 });
    },
    async read(register) {
      if (!existsSync(dir)) return [];
      return readdirSync(dir)
        .filter((f) => FILE.exec(f)?.[1] === register)
        .sort()
        .map((f) => {
          const where = join(dir, f);
          return { doc: parseHeads(readFileSync(where, 'utf8'), where), where };
        });
    },
  };
}

/** Refuses an anchor directory inside the data folder (its writer could rewrite both). */
export function checkAnchorDir(dir: string, dataDir: string): string {
  const abs = resolve(dir);
  const rel = relative(resolve(dataDir), abs);
  if (rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))) {
    throw new HeadsError(
      `Le dossier témoin des têtes de chaîne (${ANCHOR_DIR_ENV}=${dir}) doit être hors du dossier de données ${dataDir}.`,
    );
  }
  return abs;
}

/** The witnesses configured by the environment (`COMPTOIR_ANCHOR_DIR`). */
export function witnessesFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  dataDir: string,
): HeadsWitness[] {
  const dir = env[ANCHOR_DIR_ENV];
  return dir === undefined || dir === '' ? [] : [directoryWitness(checkAnchorDir(dir, dataDir))];
}

/**
 * Sends the current heads document of each register to every witness. Returns the failures
 * (`<witness> : <message>`), one per witness and register; nothing is thrown.
 */
export async function anchorHeads(
  dataDir: string,
  witnesses: readonly HeadsWitness[],
  registers: readonly string[],
): Promise<{ register: string; failure: string }[]> {
  if (witnesses.length === 0) return [];
  await flushHeads();
  const failures: { register: string; failure: string }[] = [];
  for (const register of registers) {
    let doc: HeadsDocument | undefined;
    try {
      doc = readHeadsDocument(dataDir, register);
    } catch (error) {
      failures.push({ register, failure: `têtes de chaîne : ${(error as Error).message}` });
      continue;
    }
    if (doc === undefined) continue;
    for (const witness of witnesses) {
      try {
        await witness.send(doc);
      } catch (error) {
        failures.push({ register, failure: `${witness.name} : ${(error as Error).message}` });
      }
    }
  }
  return failures;
}

/** Each chain's head in the journal itself. */
export async function journalHeads(db: Db, register: string): Promise<ChainHead[]> {
  const out: ChainHead[] = [];
  for (const chain of CHAINS) {
    const head = await headOf(db, register, chain);
    if (head !== undefined) out.push(head);
  }
  return out;
}

async function signaturesAt(db: Db, register: string, wanted: readonly { chain: Chain; sequence: number }[]) {
  const found = new Map<string, string>();
  for (const { chain, sequence } of wanted) {
    const key = `${chain}:${sequence}`;
    if (found.has(key)) continue;
    const row = await db
      .selectFrom('journal')
      .select('signature')
      .where('register', '=', register)
      .where('chain', '=', chain)
      .where('sequence', '=', sequence)
      .executeTakeFirst();
    if (row !== undefined) found.set(key, row.signature);
  }
  return found;
}

const problem = (
  register: string,
  chain: Chain,
  sequence: number,
  code: Problem['code'],
  message: string,
) => ({
  register,
  chain,
  sequence,
  code,
  message,
});

/**
 * The heads file and the anchors of `register` against its journal: `HEADS_MISSING` / `HEADS_INVALID`
 * for the file, `ANCHOR_INVALID` for an anchor that does not verify, and the findings of
 * `compareWithAnchors`. `latestOnly`: only chains whose newest anchored head is not found (server start:
 * a difference acknowledged by a manager was anchored again).
 */
export async function headsAndAnchorProblems(
  db: Db,
  dataDir: string,
  register: string,
  witnesses: readonly HeadsWitness[],
  latestOnly = false,
): Promise<{ problems: Problem[]; heads: ChainHead[] }> {
  const problems: Problem[] = [];
  const inJournal = await journalHeads(db, register);
  let heads: ChainHead[] = [];
  try {
    const doc = readHeadsDocument(dataDir, register);
    if (doc === undefined && inJournal.length > 0) {
      problems.push(
        problem(
          register,
          'JET',
          0,
          'HEADS_MISSING',
          `Fichier des têtes de chaîne absent alors que le journal de la caisse ${register} a des enregistrements.`,
        ),
      );
    }
    heads = doc === undefined ? [] : headsOf(doc);
  } catch (error) {
    problems.push(problem(register, 'JET', 0, 'HEADS_INVALID', (error as Error).message));
  }
  const keys = readPublicKeys(dataDir, register);
  const readings: AnchorReading[] = [];
  for (const witness of witnesses) {
    if (witness.read === undefined) continue;
    let got: AnchorReading[];
    try {
      got = await witness.read(register);
    } catch (error) {
      problems.push(
        problem(register, 'JET', 0, 'ANCHOR_INVALID', `${witness.name} : ${(error as Error).message}`),
      );
      continue;
    }
    for (const reading of got) {
      try {
        checkHeadsSignature(reading.doc, keys, reading.where);
        readings.push(reading);
      } catch (error) {
        problems.push(problem(register, 'JET', 0, 'ANCHOR_INVALID', (error as Error).message));
      }
    }
  }
  const wanted = readings.flatMap((r) => r.doc.heads);
  const found = await signaturesAt(db, register, wanted);
  const last = new Map(inJournal.map((h) => [h.chain, h.sequence]));
  problems.push(
    ...compareWithAnchors(
      register,
      {
        lastSequence: (chain) => last.get(chain) ?? 0,
        signatureAt: (chain, sequence) => found.get(`${chain}:${sequence}`),
      },
      readings,
      heads,
      latestOnly,
    ),
  );
  return { problems, heads };
}

export type HeadsState = 'equal' | 'behind' | 'ahead' | 'diverged' | 'missing' | 'invalid';

export interface RegisterHeadsReport {
  readonly register: string;
  readonly state: HeadsState;
  readonly journal: readonly ChainHead[];
  readonly file: readonly ChainHead[];
  /** French lines: each difference, the file's or the anchors' problems. */
  readonly details: readonly string[];
}

/** The journal's heads against the heads file beside it: equal, behind, ahead or diverged. */
export async function compareHeadsFile(
  db: Db,
  dataDir: string,
  register: string,
): Promise<RegisterHeadsReport> {
  const journal = await journalHeads(db, register);
  let doc: HeadsDocument | undefined;
  try {
    doc = readHeadsDocument(dataDir, register);
  } catch (error) {
    return { register, state: 'invalid', journal, file: [], details: [(error as Error).message] };
  }
  if (doc === undefined) {
    return journal.length === 0
      ? { register, state: 'equal', journal, file: [], details: [] }
      : { register, state: 'missing', journal, file: [], details: ['fichier des têtes de chaîne absent'] };
  }
  const file = headsOf(doc);
  const details: string[] = [];
  let behind = false;
  let ahead = false;
  let diverged = false;
  for (const chain of CHAINS) {
    const j = journal.find((h) => h.chain === chain);
    const f = file.find((h) => h.chain === chain);
    const js = j?.sequence ?? 0;
    const fs = f?.sequence ?? 0;
    if (js < fs) {
      behind = true;
      details.push(`${chain} : journal au n° ${js}, têtes au n° ${fs} (base en retard)`);
    } else if (js > fs) {
      ahead = true;
      details.push(`${chain} : journal au n° ${js}, têtes au n° ${fs} (base en avance)`);
    } else if (j !== undefined && f !== undefined && j.signature !== f.signature) {
      diverged = true;
      details.push(`${chain} : n° ${js} signé autrement dans le journal et dans les têtes`);
    }
  }
  const state: HeadsState = diverged ? 'diverged' : behind ? 'behind' : ahead ? 'ahead' : 'equal';
  return { register, state, journal, file, details };
}

/**
 * What stops the server at start (issue 11 item 2): per register, a heads file missing, unsigned or
 * other than the journal's heads, and the journal against the newest anchor each witness gives back.
 * French lines; empty when the server may start.
 */
export async function startProblems(
  db: Db,
  dataDir: string,
  witnesses: readonly HeadsWitness[],
  registers: readonly string[],
): Promise<string[]> {
  await flushHeads();
  const lines: string[] = [];
  for (const register of registers) {
    const file = await compareHeadsFile(db, dataDir, register);
    if (file.state !== 'equal') {
      lines.push(`caisse ${register} : ${STATE_TEXT[file.state]} — ${file.details.join(' ; ')}`);
    }
    const anchored = await headsAndAnchorProblems(db, dataDir, register, witnesses, true);
    for (const p of anchored.problems) {
      if (p.code === 'HEADS_MISSING' || p.code === 'HEADS_INVALID') continue;
      lines.push(`caisse ${register} : ${p.message}`);
    }
  }
  return lines;
}

export const STATE_TEXT: Readonly<Record<HeadsState, string>> = {
  equal: 'journal et têtes de chaîne identiques',
  behind: 'base de données en retard sur ses têtes de chaîne',
  ahead: 'base de données en avance sur ses têtes de chaîne',
  diverged: 'journal et têtes de chaîne divergents',
  missing: 'fichier des têtes de chaîne absent',
  invalid: 'fichier des têtes de chaîne invalide',
};
