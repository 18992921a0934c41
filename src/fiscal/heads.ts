/**
 * The signed heads document (`comptoir-heads/2`, docs/fiscal-format.md § heads) and its comparison
 * with the journal (issue 11 item 2). A heads document lists, for one register, each chain's last
 * sequence and signature; it is signed with the register's key, kept beside the database and sent to
 * witnesses outside the machine (anchors). Comparing the journal with the anchors finds:
 *
 * - ROLLBACK: the journal is behind an anchor and no anchored record differs (an older copy restored,
 *   with its heads file);
 * - TRUNCATED: the journal is behind an anchor that its own heads file also reached (its tail cut);
 * - FORK: an anchored record is present with another signature, while an older anchor still matches
 *   (the journal went back, then new records took the same numbers);
 * - RESIGNED: an anchored record is present with another signature and no anchor matches at all (the
 *   whole journal signed again).
 */
import type { KeyObject } from 'node:crypto';
import { canonicalJson } from './canonical-json.ts';
import { CHAINS, type Chain, type ChainHead } from './record.ts';
import { type Signer, shortCodeOf, verifyText } from './signing.ts';
import type { Problem } from './verify.ts';

export const HEADS_FORMAT = 'comptoir-heads/2';

export interface HeadsDocument {
  readonly format: typeof HEADS_FORMAT;
  readonly register: string;
  /** The key that signed the document (16 hex, as the records' `keyId`). */
  readonly keyId: string;
  /** UTC stamp `YYYYMMDDHHMMSS` of the writing (informative: anchors are ordered by it). */
  readonly writtenAt: string;
  readonly heads: readonly { readonly chain: Chain; readonly sequence: number; readonly signature: string }[];
  /** Signature of `headsSignedText(document)`, base64url like the records'. */
  readonly signature: string;
}

/** Thrown on a heads document that cannot be trusted (French message). */
export class HeadsError extends Error {
  override name = 'HeadsError';
}

/** The signed text: the canonical JSON of every member but `signature`. */
export function headsSignedText(doc: Omit<HeadsDocument, 'signature'>): string {
  const { format, register, keyId, writtenAt, heads } = doc;
  return canonicalJson({ format, register, keyId, writtenAt, heads });
}

/** A register's heads, in chain order, signed by `signer`. */
export function signHeads(
  register: string,
  heads: readonly ChainHead[],
  signer: Signer,
  writtenAt: string,
): HeadsDocument {
  const list = [...heads]
    .sort((a, b) => CHAINS.indexOf(a.chain) - CHAINS.indexOf(b.chain))
    .map(({ chain, sequence, signature }) => ({ chain, sequence, signature }));
  const body = { format: HEADS_FORMAT, register, keyId: signer.keyId, writtenAt, heads: list } as const;
  return { ...body, signature: signer.sign(headsSignedText(body)) };
}

/** Reads a heads document; throws `HeadsError` when empty, unsigned, of another format or malformed. */
export function parseHeads(text: string, where: string): HeadsDocument {
  if (text.trim() === '') throw new HeadsError(`Fichier de têtes de chaîne vide : ${where}.`);
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new HeadsError(`Fichier de têtes de chaîne illisible : ${where}.`);
  }
  if (data.format !== HEADS_FORMAT) {
    throw new HeadsError(
      `Fichier de têtes de chaîne non signé ou de format inconnu (${String(data.format)}, ${HEADS_FORMAT} attendu) : ${where}.`,
    );
  }
  const heads = data.heads;
  if (
    typeof data.register !== 'string' ||
    typeof data.keyId !== 'string' ||
    typeof data.writtenAt !== 'string' ||
    typeof data.signature !== 'string' ||
    data.signature === '' ||
    !Array.isArray(heads) ||
    !heads.every(
      (h: { chain?: unknown; sequence?: unknown; signature?: unknown }) =>
        typeof h.chain === 'string' &&
        (CHAINS as readonly string[]).includes(h.chain) &&
        Number.isSafeInteger(h.sequence) &&
        typeof h.signature === 'string',
    )
  ) {
    throw new HeadsError(`Fichier de têtes de chaîne incomplet ou non signé : ${where}.`);
  }
  return data as unknown as HeadsDocument;
}

/** Throws `HeadsError` unless `doc` is signed by one of `publicKeysById`. */
export function checkHeadsSignature(
  doc: HeadsDocument,
  publicKeysById: ReadonlyMap<string, KeyObject>,
  where: string,
): void {
  const key = publicKeysById.get(doc.keyId);
  if (key === undefined) {
    throw new HeadsError(
      `Têtes de chaîne signées par une clé inconnue du journal (${doc.keyId}) : ${where}.`,
    );
  }
  if (!verifyText(key, headsSignedText(doc), doc.signature)) {
    throw new HeadsError(`Signature des têtes de chaîne invalide : ${where}.`);
  }
}

export function headsOf(doc: HeadsDocument): ChainHead[] {
  return doc.heads.map((h) => ({ register: doc.register, ...h }));
}

/** What the journal holds for the comparison: each chain's last sequence, and signatures by sequence. */
export interface JournalSide {
  lastSequence(chain: Chain): number;
  signatureAt(chain: Chain, sequence: number): string | undefined;
}

export type AnchorFinding = 'ROLLBACK' | 'TRUNCATED' | 'FORK' | 'RESIGNED';

export interface AnchorReading {
  readonly doc: HeadsDocument;
  /** Where it was read (the witness and its file), for the messages. */
  readonly where: string;
}

const FINDING_TEXT: Record<AnchorFinding, string> = {
  ROLLBACK: 'journal revenu en arrière (copie ancienne restaurée avec ses têtes)',
  TRUNCATED: 'fin de chaîne supprimée',
  FORK: 'journal divergent (retour en arrière puis nouveaux enregistrements sous les mêmes numéros)',
  RESIGNED: 'journal re-signé (aucun enregistrement ancré ne correspond)',
};

/**
 * Compares one register's journal with its anchors (any order: they are sorted by `writtenAt`).
 * `localHeads` are those of the heads file beside the database. One problem per chain at most,
 * naming the last anchored record.
 */
export function compareWithAnchors(
  register: string,
  journal: JournalSide,
  anchors: readonly AnchorReading[],
  localHeads: readonly ChainHead[],
): Problem[] {
  const sorted = [...anchors].sort((a, b) => (a.doc.writtenAt < b.doc.writtenAt ? -1 : 1));
  const problems: Problem[] = [];
  for (const chain of CHAINS) {
    const anchored = sorted.flatMap((a) =>
      a.doc.heads
        .filter((h) => h.chain === chain)
        .map((h) => ({ ...h, where: a.where, at: a.doc.writtenAt })),
    );
    if (anchored.length === 0) continue;
    const status = anchored.map((h) => {
      const have = journal.signatureAt(chain, h.sequence);
      return have === undefined ? 'absent' : have === h.signature ? 'match' : 'differs';
    });
    let lastBad = -1;
    status.forEach((s, i) => {
      if (s !== 'match') lastBad = i;
    });
    if (lastBad < 0) continue;
    const bad = anchored[lastBad] as (typeof anchored)[number];
    const matching = anchored.filter((_, i) => status[i] === 'match');
    const common = matching.at(-1);
    const anyDiffers = status.includes('differs');
    const local = localHeads.find((h) => h.chain === chain)?.sequence ?? 0;
    const finding: AnchorFinding = anyDiffers
      ? common === undefined
        ? 'RESIGNED'
        : 'FORK'
      : local >= bad.sequence
        ? 'TRUNCATED'
        : 'ROLLBACK';
    const last = journal.lastSequence(chain);
    const named =
      common === undefined
        ? 'aucun enregistrement ancré retrouvé tel quel'
        : `dernier enregistrement ancré retrouvé : ${chain} n° ${common.sequence} (${shortCodeOf(common.signature)})`;
    const firstWrong = anchored.find((_, i) => status[i] !== 'match') ?? bad;
    problems.push({
      register,
      chain,
      sequence: firstWrong.sequence,
      code: `ANCHOR_${finding}`,
      message:
        `${FINDING_TEXT[finding]} : ${chain} n° ${bad.sequence} ancré le ${bad.at} (${bad.where}) ` +
        `${status[lastBad] === 'absent' ? `absent (le journal s’arrête au n° ${last})` : 'présent avec une autre signature'} ; ${named}.`,
    });
  }
  return problems;
}
