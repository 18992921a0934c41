/**
 * `comptoir archive export`: the signed archive file of a closed period of one register (checklist
 * section H). The records are read from the journal slice by slice, the file is built and verified
 * in memory (item 41: the covered data are checked before they are archived; a discrepancy is
 * journaled as JET 90 and nothing is written), written atomically, then an ARCHIVE record and a JET
 * event (20 for a month, 30 for a year) are appended, which carry the file's SHA-256.
 */
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import {
  ArchiveError,
  type ArchiveManifest,
  buildArchive,
  isKeyHistory,
  parsePeriod,
  planArchive,
  TIME_CUT_CHAINS,
  verifyArchive,
} from '../fiscal/archive.ts';
import type { Chain, JournalRecord } from '../fiscal/record.ts';
import { type Db, getRecord, type JournalContext, withRegister } from './journal/core.ts';
import { listPublicKeys, loadRegisterKey } from './journal/keys.ts';
import { jetDraft } from './journal/operations.ts';
import { activeUser, registerInfo } from './journal/register-data.ts';
import { DEFAULT_TIME_ZONE, localStamp } from './journal/time.ts';
import { readChainPages } from './journal-verify-run.ts';

export interface ExportArchiveInput {
  /** The register's number. */
  readonly register: number;
  /** `2026-11` or `2026`. */
  readonly period: string;
  readonly out: string;
  readonly operator: string;
}

export interface ExportedArchive {
  readonly manifest: ArchiveManifest;
  readonly sha256: string;
  readonly bytes: number;
  readonly archiveRecord: JournalRecord;
}

async function readAll(db: Db, slice: Parameters<typeof readChainPages>[1]): Promise<JournalRecord[]> {
  const out: JournalRecord[] = [];
  for await (const page of readChainPages(db, slice)) out.push(...page);
  return out;
}

function writeAtomically(path: string, bytes: Uint8Array): void {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    const fd = openSync(temporary, 'w', 0o644);
    try {
      writeSync(fd, bytes);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new ArchiveError(
      'UNREADABLE_ARCHIVE',
      `Écriture impossible de ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)}).`,
    );
  }
}

/** Exports the archive of a closed period; refuses (ArchiveError, JournalError) without writing anything. */
export async function exportArchive(
  db: Db,
  ctx: JournalContext,
  input: ExportArchiveInput,
): Promise<ExportedArchive> {
  const period = parsePeriod(input.period);
  const info = await registerInfo(db, input.register);
  await activeUser(db, input.operator);
  const register = info.register;
  const closureChain = await readAll(db, { register, chain: 'CLOSURE' });
  const plan = planArchive(register, period, closureChain);

  const records: JournalRecord[] = [];
  const previousSignatures = new Map<Chain, string>();
  const anchor = async (chain: Chain, from: number): Promise<void> => {
    if (from <= 1) return;
    const before = await getRecord(db, register, chain, from - 1);
    if (before !== undefined) previousSignatures.set(chain, before.signature);
  };
  for (const range of plan.ranges) {
    const list = await readAll(db, { register, chain: range.chain, from: range.from, to: range.to });
    records.push(...list);
    await anchor(range.chain, range.from);
  }
  for (const chain of TIME_CUT_CHAINS) {
    const list = await readAll(db, { register, chain, afterUtc: plan.afterUtc, untilUtc: plan.untilUtc });
    records.push(...list);
    if (list[0] !== undefined) await anchor(chain, list[0].sequence);
  }
  const context: JournalRecord[] = closureChain.filter((r) => plan.contextClosures.includes(r.sequence));
  for await (const page of readChainPages(db, { register, chain: 'JET' })) {
    context.push(...page.filter(isKeyHistory));
  }
  const publicKeys = new Map(listPublicKeys(ctx.dataDir, register).map((e) => [e.keyId, e.pem]));
  const { signer } = loadRegisterKey(ctx.dataDir, register);
  const store = await db
    .selectFrom('stores')
    .selectAll()
    .where('id', '=', info.storeId)
    .executeTakeFirstOrThrow();
  const address = [store.address1, store.address2, `${store.postal_code} ${store.city}`.trim(), store.country]
    .filter((part) => part !== '')
    .join(', ');
  const { bytes, manifest } = buildArchive({
    plan,
    records,
    context,
    previousSignatures,
    publicKeys,
    signer,
    createdAt: localStamp(ctx.now(), ctx.timeZone ?? DEFAULT_TIME_ZONE),
    softwareVersion: ctx.softwareVersion,
    operator: input.operator,
    company: { name: store.name, address, siret: store.siret, naf: store.naf, vatNumber: store.vat_number },
  });

  // Item 41: the covered data are verified before they are archived.
  const check = verifyArchive(bytes);
  if (!check.ok) {
    const first = [
      ...check.fileProblems.map((p) => p.message),
      ...check.journal.problems.map((p) => `${p.chain} n° ${p.sequence} : ${p.message}`),
    ];
    await withRegister(db, ctx, register, info.currency, (batch) =>
      jetDraft(
        batch,
        'INTEGRITY_FLAW',
        `Archive ${period.label} refusée : ${first.length} anomalie(s). ${first.slice(0, 3).join(' ; ')}`,
        input.operator,
      ),
    );
    throw new ArchiveError(
      'INTEGRITY_FLAW',
      `Archivage refusé : les données de la période ${period.label} ne sont pas intègres (${first.length} anomalie(s) ; lancez « comptoir verify »).`,
    );
  }

  const sha256 = createHash('sha256').update(bytes).digest('hex');
  writeAtomically(input.out, bytes);
  try {
    const archiveRecord = await withRegister(db, ctx, register, info.currency, async (batch) => {
      const record = await batch.append({
        register,
        type: 'ARCHIVE',
        softwareVersion: ctx.softwareVersion,
        payload: {
          periodLabel: period.label,
          periodStart: plan.periodStart,
          periodEnd: plan.periodEnd,
          recordCount: manifest.counts.records,
          contentSha256: sha256,
          operator: input.operator,
        },
      });
      await jetDraft(
        batch,
        period.kind === 'MONTH' ? 'INTERMEDIATE_ARCHIVE' : 'PERIOD_ARCHIVE',
        `Archive ${period.label} : ${manifest.counts.records} enregistrements, SHA-256 ${sha256}`,
        input.operator,
      );
      return record;
    });
    return { manifest, sha256, bytes: bytes.length, archiveRecord };
  } catch (error) {
    // Not journaled: the file must not exist either.
    rmSync(input.out, { force: true });
    throw error;
  }
}
