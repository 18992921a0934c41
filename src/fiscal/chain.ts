/**
 * Building the chain: a draft becomes a signed record linked to the previous record of its
 * register × chain. Pure: the previous head, the signer and the time are passed in.
 */
import {
  CHAIN_OF_TYPE,
  type ChainHead,
  FORMAT_VERSION,
  JET_CODES,
  JET_LABELS,
  type JetPayload,
  type JournalRecord,
  type RecordDraft,
  type RecordFields,
  type Stamp,
} from './record.ts';
import { buildSignedText } from './signed-text.ts';
import type { Signer } from './signing.ts';

/** Thrown when a record cannot be appended (French message); nothing was signed. */
export class ChainError extends Error {
  override name = 'ChainError';
}

export interface Appended {
  readonly record: JournalRecord;
  readonly head: ChainHead;
}

/**
 * Signs `draft` as the record that follows `previousHead` (undefined for the first record of the
 * register × chain) and returns it with the new head.
 */
export function appendRecord(
  previousHead: ChainHead | undefined,
  draft: RecordDraft,
  signer: Signer,
  timestamp: Stamp,
): Appended {
  const chain = CHAIN_OF_TYPE[draft.type];
  if (draft.register === '') throw new ChainError('Numéro de caisse manquant.');
  if (previousHead !== undefined) {
    if (previousHead.register !== draft.register || previousHead.chain !== chain) {
      throw new ChainError(
        `La tête fournie (caisse ${previousHead.register}, chaîne ${previousHead.chain}) ` +
          `n'est pas celle de la caisse ${draft.register}, chaîne ${chain}.`,
      );
    }
    if (
      !Number.isSafeInteger(previousHead.sequence) ||
      previousHead.sequence < 1 ||
      previousHead.signature === ''
    ) {
      throw new ChainError('Tête de chaîne invalide.');
    }
  }
  const fields = {
    format: FORMAT_VERSION,
    register: draft.register,
    chain,
    sequence: previousHead === undefined ? 1 : previousHead.sequence + 1,
    type: draft.type,
    timestamp,
    softwareVersion: draft.softwareVersion,
    keyId: signer.keyId,
    payload: draft.payload,
    previousSignature: previousHead?.signature ?? '',
  } as RecordFields;
  const signedText = buildSignedText(fields);
  const signature = signer.sign(signedText);
  const record = { ...fields, signedText, signature } as JournalRecord;
  return { record, head: { register: record.register, chain, sequence: record.sequence, signature } };
}

/**
 * The JET draft announcing a key rotation. It must be appended with the OLD key's signer: the new key
 * is trusted from that record on, and the old one no longer.
 */
export function keyRotationDraft(
  register: string,
  newKeyId: string,
  operator: string,
  softwareVersion: string,
): RecordDraft {
  if (!/^[0-9a-f]{16}$/.test(newKeyId)) throw new ChainError(`Identifiant de clé invalide : ${newKeyId}.`);
  const payload: JetPayload = {
    code: JET_CODES.KEY_ROTATION,
    description: JET_LABELS.KEY_ROTATION,
    operator,
    data: newKeyId,
  };
  return { register, type: 'JET', softwareVersion, payload };
}
