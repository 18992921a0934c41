/**
 * The fiscal journal from the shell (issue 4): `comptoir close day|month|year` (`comptoir sell FILE` is in
 * sell.ts),
 * `comptoir journal show`, `comptoir keys export|rotate`. Output is JSON; exit 1 when the journal
 * refuses, 2 when the input cannot be read.
 */
import { readFileSync } from 'node:fs';
import { Argument, type Command, Option } from '@commander-js/extra-typings';
import { CHAINS, type Chain, type ClosureKind, type JournalRecord } from '../../fiscal/record.ts';
import { shortCodeOf } from '../../fiscal/signing.ts';
import { currencyOf, formatScaled } from '../../sales/money.ts';
import { isStoreError } from '../../store/errors.ts';
import type { Db } from '../../store/journal/index.ts';
import { commandJournalContext, DATA_OPTION, dataDirOf, withStore } from '../context.ts';
import { OperatorRefusal } from '../operator.ts';

/** A refusal (exit 1) or unreadable input (exit 2), with its JSON and its French message. */
export class JournalCommandFailure extends Error {
  constructor(
    readonly exitCode: 1 | 2,
    readonly errors: readonly { code: string; message: string; field?: string }[],
  ) {
    super(errors.map((e) => e.message).join(' ; '));
  }
}

// The store and the engine are loaded by the sub-command that runs, so that `comptoir` starts fast.
const journalModule = () => import('../../store/journal/index.ts');

export function registerNumber(value: string | number | undefined): number {
  if (value === undefined) return 1;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new JournalCommandFailure(2, [
      { code: 'INVALID_INPUT', message: `Numéro de caisse invalide : ${String(value)}`, field: 'register' },
    ]);
  }
  return n;
}

/** The user a command acts as when none is given: the register's cashier, else an administrator. */
async function defaultUser(db: Db, register: number, roles: readonly string[]): Promise<string> {
  const { registerInfo } = await journalModule();
  const info = await registerInfo(db, register);
  const own = await db
    .selectFrom('users')
    .select('code')
    .where('register_id', '=', info.id)
    .where('active', '=', 1)
    .where('role', 'in', roles)
    .orderBy('id')
    .executeTakeFirst();
  if (own !== undefined) return own.code;
  const any = await db
    .selectFrom('users')
    .select('code')
    .where('active', '=', 1)
    .where('role', 'in', roles)
    .orderBy('id')
    .executeTakeFirst();
  if (any === undefined) {
    throw new JournalCommandFailure(1, [
      { code: 'UNKNOWN_USER', message: 'Aucun utilisateur actif pour signer.' },
    ]);
  }
  return any.code;
}

/** Runs a command body: JSON on stdout, French on stderr, the exit code of its failure. */
export async function runJournalCommand(body: () => Promise<unknown>): Promise<void> {
  try {
    const output = await body();
    if (output !== undefined) process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
  } catch (error) {
    let failure: JournalCommandFailure;
    if (error instanceof JournalCommandFailure) failure = error;
    else if (error instanceof OperatorRefusal) {
      failure = new JournalCommandFailure(error.exitCode, [{ code: error.code, message: error.message }]);
    } else if (error instanceof Error && error.name === 'JournalError' && 'errors' in error) {
      const { isJournalError } = await journalModule();
      if (!isJournalError(error)) throw error;
      failure = new JournalCommandFailure(error.code === 'INVALID_INPUT' ? 2 : 1, [
        { code: error.code, message: error.message },
        ...error.errors.filter((e) => e.code !== error.code),
      ]);
    } else if (isStoreError(error)) failure = new JournalCommandFailure(1, [error.toJSON()]);
    else throw error;
    process.stdout.write(`${JSON.stringify({ ok: false, errors: failure.errors }, null, 2)}\n`);
    for (const e of failure.errors) process.stderr.write(`Refusé : ${e.message}\n`);
    process.exitCode = failure.exitCode;
  }
}

export function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'erreur de lecture';
    throw new JournalCommandFailure(2, [
      { code: 'INVALID_INPUT', message: `Lecture impossible de ${file} (${reason})`, field: '(fichier)' },
    ]);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new JournalCommandFailure(2, [
      { code: 'INVALID_INPUT', message: `JSON invalide : ${(error as Error).message}`, field: '(racine)' },
    ]);
  }
}

function money(amount: number, currency: string): string {
  return formatScaled(amount, currencyOf(currency)?.exponent ?? 2);
}

/** What `sell` prints: the number, the totals and the signature of the validated ticket. */
export function ticketSummary(record: JournalRecord, replayed: boolean) {
  if (record.type !== 'TICKET' && record.type !== 'TRAINING') throw new Error('Ticket attendu.');
  const p = record.payload;
  const d = p.detail;
  return {
    ok: true,
    replayed,
    register: record.register,
    type: record.type,
    number: record.sequence,
    timestamp: `${record.timestamp.utc}${record.timestamp.offset}`,
    currency: p.currency,
    totalHT: money(p.totalHt, p.currency),
    totalVAT: money(p.totalTtc - p.totalHt, p.currency),
    totalTTC: money(p.totalTtc, p.currency),
    vat: p.perRate.map((r) => ({
      rate: formatScaled(r.rate, 2),
      base: money(r.ht, p.currency),
      tax: money(r.vat, p.currency),
      total: money(r.ttc, p.currency),
    })),
    payments: (d?.payments ?? p.payments.map((x) => ({ ...x, label: x.mode, given: x.amount }))).map((x) => ({
      mode: x.mode,
      given: money(x.given, p.currency),
      amount: money(x.amount, p.currency),
    })),
    change: money(d?.change ?? 0, p.currency),
    customer: p.customer,
    signature: record.signature,
    shortCode: shortCodeOf(record.signature),
    keyId: record.keyId,
  };
}

/**
 * What a daily closure reconciles (issue 12, item 4), from the TICKET records it covers: per mode
 * received, change given and settled; credit notes issued; returns and cancellations counted.
 */
async function reconciliationOf(db: Db, record: JournalRecord, labels: ReadonlyMap<string, string>) {
  if (record.type !== 'CLOSURE' || record.payload.kind !== 'DAY') return undefined;
  const { from, to } = record.payload.tickets;
  const [{ readJournal }, { reconcile }] = await Promise.all([
    journalModule(),
    import('../../fiscal/reconcile.ts'),
  ]);
  const covered: JournalRecord[] = [];
  if (from <= to) {
    for await (const r of readJournal(db, {
      register: record.register,
      chain: 'TICKET',
      fromSequence: from,
    })) {
      if (r.sequence > to) break;
      covered.push(r);
    }
  }
  const done = reconcile(covered);
  const currency = record.payload.currency;
  return {
    tenders: done.tenders.map((t) => ({
      mode: t.mode,
      label: labels.get(t.mode) ?? t.mode,
      received: money(t.received, currency),
      change: money(t.change, currency),
      settled: money(t.settled, currency),
    })),
    creditNotesIssued: {
      count: done.creditNotesIssued.count,
      amount: money(done.creditNotesIssued.amount, currency),
    },
    returns: { count: done.returnCount, amount: money(done.returnsAmount, currency) },
    cancellations: { count: done.cancellationCount, amount: money(done.cancellationsAmount, currency) },
  };
}

function closureSummary(record: JournalRecord, labels: ReadonlyMap<string, string>) {
  if (record.type !== 'CLOSURE') throw new Error('Clôture attendue.');
  return {
    register: record.register,
    sequence: record.sequence,
    timestamp: `${record.timestamp.utc}${record.timestamp.offset}`,
    ...record.payload,
    perPayment: record.payload.perPayment.map((p) => ({ ...p, label: labels.get(p.mode) ?? p.mode })),
    signature: record.signature,
    shortCode: shortCodeOf(record.signature),
    keyId: record.keyId,
  };
}

export function registerJournalCommands(program: Command): void {
  program
    .command('close')
    .description('clôture la journée, le mois ou l’exercice d’une caisse et affiche le rapport Z (JSON)')
    .addArgument(new Argument('<period>', 'day, month ou year').choices(['day', 'month', 'year'] as const))
    .option(...DATA_OPTION)
    .option('--register <n>', 'numéro de caisse (défaut : 1)')
    .option('--operator <code>', 'utilisateur qui clôture (défaut : un administrateur ou responsable)')
    .action(async (period, options) => {
      await runJournalCommand(async () => {
        const register = registerNumber(options.register);
        const kind = period.toUpperCase() as ClosureKind;
        const dataDir = dataDirOf(options.data);
        const { closePeriod, journalNameOf } = await journalModule();
        return withStore(dataDir, async (db) => {
          const operator = options.operator ?? (await defaultUser(db, register, ['admin', 'manager']));
          const outcome = await closePeriod(db, commandJournalContext(dataDir), kind, { register, operator });
          const { paymentLabelsOf } = await import('../../receipts/journal-source.ts');
          const labels = new Map(Object.entries(await paymentLabelsOf(db, register)));
          return {
            ok: true,
            register: journalNameOf(register),
            closures: await Promise.all(
              outcome.closures.map(async (c) => {
                const reconciliation = await reconciliationOf(db, c, labels);
                return {
                  ...closureSummary(c, labels),
                  ...(reconciliation === undefined ? {} : { reconciliation }),
                };
              }),
            ),
            heads: outcome.heads.map(({ chain, sequence, signature }) => ({ chain, sequence, signature })),
          };
        });
      });
    });

  const journal = program.command('journal').description('journal fiscal signé');
  journal
    .command('show')
    .description('affiche les enregistrements du journal, un objet JSON par ligne')
    .option(...DATA_OPTION)
    .option('--register <n>', 'seulement cette caisse')
    .addOption(new Option('--chain <chain>', 'seulement cette chaîne').choices(CHAINS))
    .option('--from <seq>', 'à partir de cette séquence')
    .action(async (options) => {
      await runJournalCommand(async () => {
        const from = options.from === undefined ? undefined : Number(options.from);
        if (from !== undefined && (!Number.isSafeInteger(from) || from < 1)) {
          throw new JournalCommandFailure(2, [
            { code: 'INVALID_INPUT', message: `Séquence invalide : ${options.from}`, field: 'from' },
          ]);
        }
        const { journalNameOf, readJournal } = await journalModule();
        const register =
          options.register === undefined ? undefined : journalNameOf(registerNumber(options.register));
        const dataDir = dataDirOf(options.data);
        await withStore(dataDir, async (db) => {
          for await (const record of readJournal(db, {
            ...(register === undefined ? {} : { register }),
            ...(options.chain === undefined ? {} : { chain: options.chain as Chain }),
            ...(from === undefined ? {} : { fromSequence: from }),
          })) {
            process.stdout.write(`${JSON.stringify(record)}\n`);
          }
        });
        return undefined;
      });
    });

  const keys = program.command('keys').description('clés de signature des caisses');
  keys
    .command('export')
    .description('affiche les clés publiques (PEM) de toutes les caisses, en JSON')
    .option(...DATA_OPTION)
    .option('--register <n>', 'seulement cette caisse')
    .action(async (options) => {
      await runJournalCommand(async () => {
        const { journalNameOf, listPublicKeys, publicKeyFingerprint, publicKeyMatches } =
          await journalModule();
        const dataDir = dataDirOf(options.data);
        const register =
          options.register === undefined ? undefined : journalNameOf(registerNumber(options.register));
        const entries = listPublicKeys(dataDir, register);
        return {
          ok: true,
          algorithm: 'ES256',
          keys: entries.map((e) => ({
            ...e,
            fingerprint: publicKeyFingerprint(e),
            matches: publicKeyMatches(e),
          })),
        };
      });
    });
  keys
    .command('rotate')
    .description('remplace la clé de signature d’une caisse (changement signé par l’ancienne clé)')
    .option(...DATA_OPTION)
    .option('--register <n>', 'numéro de caisse (défaut : 1)')
    .option('--operator <code>', 'utilisateur qui change la clé (défaut : un administrateur)')
    .action(async (options) => {
      await runJournalCommand(async () => {
        const register = registerNumber(options.register);
        const dataDir = dataDirOf(options.data);
        const { rotateRegisterKey } = await journalModule();
        return withStore(dataDir, async (db) => {
          const operator = options.operator ?? (await defaultUser(db, register, ['admin']));
          const { record, keyId } = await rotateRegisterKey(
            db,
            commandJournalContext(dataDir),
            register,
            operator,
          );
          return { ok: true, register: record.register, keyId, jetSequence: record.sequence };
        });
      });
    });
}
