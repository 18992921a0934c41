/**
 * The till's day from the shell (issue 13): `comptoir till open|in|out|x|close`. Each takes
 * `--register N` (default 1), `--user CODE` (default: the register's own user) and `--json`; amounts
 * are decimal strings (`150.00`), counts `value=pieces` pairs (`50=2,20=1,0.10=5`). Exit 1 when the
 * journal refuses, 2 on unreadable input; nothing is written then.
 */
import type { Command, OptionValues } from '@commander-js/extra-typings';
import type { ModeCount, ModeExpectation } from '../../fiscal/till.ts';
import { type DenominationCount, formatCount, readAmount, readCount } from '../../sales/cash-count.ts';
import { type Currency, currencyOf, formatScaled, type Minor } from '../../sales/money.ts';
import type { CountInput, Db } from '../../store/journal/index.ts';
import { commandJournalContext, DATA_OPTION, dataDirOf } from '../context.ts';
import { CommandFailure, withInitialisedStore } from '../run-command.ts';

const journalModule = () => import('../../store/journal/index.ts');

interface Common {
  readonly json?: boolean | undefined;
}

/** Runs a till command: its JSON (with `--json`) or its French text on stdout, refusals on stderr. */
async function runTill(options: Common, body: () => Promise<{ json: unknown; text: string }>): Promise<void> {
  try {
    const { json, text } = await body();
    process.stdout.write(options.json === true ? `${JSON.stringify(json, null, 2)}\n` : `${text}\n`);
  } catch (error) {
    const { isJournalError } = await journalModule();
    const { isStoreError } = await import('../../store/errors.ts');
    let failure: { code: string; message: string; exitCode: 1 | 2 };
    if (error instanceof CommandFailure)
      failure = { code: error.code, message: error.message, exitCode: error.exitCode };
    else if (isJournalError(error)) {
      failure = {
        code: error.code,
        message: error.message,
        exitCode: error.code === 'INVALID_INPUT' ? 2 : 1,
      };
    } else if (isStoreError(error)) failure = { code: error.code, message: error.message, exitCode: 1 };
    else throw error;
    if (options.json === true) {
      const errors = [{ code: failure.code, message: failure.message }];
      process.stdout.write(`${JSON.stringify({ ok: false, errors }, null, 2)}\n`);
    }
    process.stderr.write(`Refusé (${failure.code}) : ${failure.message}\n`);
    process.exitCode = failure.exitCode;
  }
}

function registerOf(value: string | undefined): number {
  if (value === undefined) return 1;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) {
    throw new CommandFailure('INVALID_INPUT', `Numéro de caisse invalide : ${value}`, 2);
  }
  return n;
}

/** The user a till command acts as: `--user`, else the register's own active user, else ADMIN. */
async function userOf(db: Db, register: number, option: string | undefined): Promise<string> {
  if (option !== undefined) return option;
  const row = await db
    .selectFrom('users')
    .innerJoin('registers', 'registers.id', 'users.register_id')
    .select('users.code as code')
    .where('registers.number', '=', register)
    .where('users.active', '=', 1)
    .orderBy('users.id')
    .executeTakeFirst();
  return row?.code ?? 'ADMIN';
}

async function currencyOfRegister(db: Db, register: number): Promise<Currency> {
  const { registerInfo } = await journalModule();
  const info = await registerInfo(db, register);
  const currency = currencyOf(info.currency);
  if (currency === undefined)
    throw new CommandFailure('INVALID_INPUT', `Devise inconnue : ${info.currency}`, 2);
  return currency;
}

function amountOf(text: string, currency: Currency, what: string): Minor {
  const r = readAmount(text, currency, what);
  if (!r.ok) throw new CommandFailure('INVALID_INPUT', r.message, 2);
  return r.value;
}

/** `--total` or `--count`, exactly one of them. */
function countOf(
  total: string | undefined,
  count: string | undefined,
  currency: Currency,
  flags: [string, string],
): CountInput {
  if ((total === undefined) === (count === undefined)) {
    throw new CommandFailure(
      'INVALID_INPUT',
      `Indiquez soit ${flags[0]} MONTANT, soit ${flags[1]} "50=2,20=1,0.10=5".`,
      2,
    );
  }
  if (total !== undefined) return { total: amountOf(total, currency, 'Le total compté') };
  const r = readCount(count ?? '', currency);
  if (!r.ok) throw new CommandFailure('INVALID_INPUT', r.message, 2);
  return { pieces: r.value };
}

function piecesOf(input: CountInput): readonly DenominationCount[] {
  return 'pieces' in input ? input.pieces : [];
}

const money = (amount: Minor, currency: Currency) => formatScaled(amount, currency.exponent);

function expectationJson(m: ModeExpectation, c: Currency) {
  return {
    mode: m.mode,
    float: money(m.float, c),
    sales: money(m.sales, c),
    refunds: money(m.refunds, c),
    movements: money(m.movements, c),
    expected: money(m.expected, c),
  };
}

function countJson(m: ModeCount, c: Currency) {
  return {
    mode: m.mode,
    expected: money(m.expected, c),
    counted: money(m.counted, c),
    difference: money(m.difference, c),
  };
}

/** A small aligned table for the terminal. */
function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) =>
    r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
  return [line(head), ...rows.map(line)].map((l) => `  ${l}`).join('\n');
}

/** `CARD=120.00` → the mode and its amount. */
function otherCount(text: string, currency: Currency): [string, Minor] {
  const [mode, amount, ...rest] = text.split('=');
  if (mode === undefined || amount === undefined || rest.length > 0 || !/^[A-Z0-9_]+$/.test(mode)) {
    throw new CommandFailure(
      'INVALID_INPUT',
      `Comptage d'un mode illisible : « ${text} » (par exemple CHEQUE=120.00).`,
      2,
    );
  }
  return [mode, amountOf(amount, currency, `Le montant compté en ${mode}`)];
}

function common<A extends unknown[], O extends OptionValues>(command: Command<A, O>) {
  return command
    .option(...DATA_OPTION)
    .option('--register <n>', 'numéro de caisse (défaut : 1)')
    .option('--user <code>', 'utilisateur qui agit (défaut : celui de la caisse)')
    .option('--json', 'sortie JSON');
}

export function registerTillCommands(program: Command): void {
  const till = program
    .command('till')
    .description('journée de caisse : ouverture, apports et retraits, lecture X, fermeture');

  common(
    till
      .command('open')
      .description('ouvre la journée de la caisse avec le comptage du fonds de caisse')
      .option('--total <amount>', 'fonds compté en un total (150.00)')
      .option('--count <pieces>', 'fonds compté pièce par pièce : "50=2,20=1,0.10=5"')
      .option('--reason <text>', 'motif d’un écart avec le fonds laissé à la dernière fermeture'),
  ).action(async (options) => {
    await runTill(options, async () => {
      const register = registerOf(options.register);
      const dataDir = dataDirOf(options.data);
      const { openTillDay } = await journalModule();
      return withInitialisedStore(dataDir, async (db) => {
        const c = await currencyOfRegister(db, register);
        const count = countOf(options.total, options.count, c, ['--total', '--count']);
        const user = await userOf(db, register, options.user);
        const o = await openTillDay(db, commandJournalContext(dataDir), {
          register,
          operator: user,
          count,
          ...(options.reason === undefined ? {} : { reason: options.reason }),
        });
        return {
          json: {
            ok: true,
            register: o.day.register,
            user,
            openedAt: o.day.openedAt,
            currency: c.code,
            mode: o.mode,
            counted: money(o.counted, c),
            expected: money(o.expected, c),
            difference: money(o.difference, c),
            count: formatCount(piecesOf(count), c),
            movement: o.record.sequence,
          },
          text: `Journée de la caisse ${o.day.register} ouverte par ${user} : fonds compté ${money(o.counted, c)} ${c.code} (attendu ${money(o.expected, c)}, écart ${money(o.difference, c)}).`,
        };
      });
    });
  });

  for (const direction of ['in', 'out'] as const) {
    common(
      till
        .command(direction)
        .description(
          direction === 'in'
            ? 'apport d’espèces dans le tiroir (preuve de dépôt) : monnaie, fonds…'
            : 'retrait d’espèces du tiroir (preuve de retrait) : dépôt en banque, dépense, prélèvement…',
        )
        .argument('<amount>', 'montant (12.50)')
        .requiredOption('--reason <text>', 'motif (dépense : avec la référence du justificatif)')
        .option('--force', 'un responsable confirme un retrait supérieur aux espèces attendues'),
    ).action(async (amountText, options) => {
      await runTill(options, async () => {
        const register = registerOf(options.register);
        const dataDir = dataDirOf(options.data);
        const { recordTillMovement } = await journalModule();
        return withInitialisedStore(dataDir, async (db) => {
          const c = await currencyOfRegister(db, register);
          const amount = amountOf(amountText, c, 'Le montant');
          const user = await userOf(db, register, options.user);
          const m = await recordTillMovement(db, commandJournalContext(dataDir), {
            register,
            operator: user,
            direction,
            amount,
            reason: options.reason,
            force: options.force === true,
          });
          const word = direction === 'in' ? 'Apport' : 'Retrait';
          return {
            json: {
              ok: true,
              register: m.record.register,
              user,
              kind: direction === 'in' ? 'PAY_IN' : 'PAY_OUT',
              mode: m.mode,
              amount: money(direction === 'in' ? amount : -amount, c),
              reason: options.reason.trim(),
              movement: m.record.sequence,
              expectedCash: money(m.expectedCash, c),
            },
            text: `${word} de ${money(amount, c)} ${c.code} enregistré (mouvement n° ${m.record.sequence}) : espèces attendues ${money(m.expectedCash, c)}.`,
          };
        });
      });
    });
  }

  common(till.command('x').description('lecture X : la journée en cours, sans remise à zéro')).action(
    async (options) => {
      await runTill(options, async () => {
        const register = registerOf(options.register);
        const dataDir = dataDirOf(options.data);
        const { tillXReading } = await journalModule();
        return withInitialisedStore(dataDir, async (db) => {
          const c = await currencyOfRegister(db, register);
          const user = await userOf(db, register, options.user);
          const x = await tillXReading(db, commandJournalContext(dataDir), { register, operator: user });
          const modes = x.perMode.map((m) => expectationJson(m, c));
          const shown = x.showsExpected ? modes : modes.map(({ expected: _e, ...rest }) => rest);
          return {
            json: {
              ok: true,
              register: x.register,
              user,
              currency: c.code,
              openedAt: x.day.openedAt,
              tickets: x.ticketCount,
              cancellations: x.cancellationCount,
              movements: x.movementCount,
              blindCount: !x.showsExpected,
              vat: x.perRate.map((r) => ({
                rate: formatScaled(r.rate, 2),
                base: money(r.ht, c),
                tax: money(r.vat, c),
                total: money(r.ttc, c),
              })),
              modes: shown,
              cashiers: x.perOperator.map((o) => ({
                user: o.operator,
                tickets: o.tickets,
                total: money(o.total, c),
              })),
            },
            text: [
              `Lecture X de la caisse ${x.register} (journée ouverte le ${x.day.openedAt}) : ${x.ticketCount} ticket(s), ${x.movementCount} mouvement(s).`,
              table(
                x.showsExpected
                  ? ['Mode', 'Fonds', 'Ventes', 'Remb.', 'Mouv.', 'Attendu']
                  : ['Mode', 'Fonds', 'Ventes', 'Remb.', 'Mouv.'],
                x.perMode.map((m) => {
                  const row = [
                    m.mode,
                    money(m.float, c),
                    money(m.sales, c),
                    money(m.refunds, c),
                    money(m.movements, c),
                  ];
                  return x.showsExpected ? [...row, money(m.expected, c)] : row;
                }),
              ),
            ].join('\n'),
          };
        });
      });
    },
  );

  common(
    till
      .command('close')
      .description(
        'ferme la journée : comptage par mode (compté, attendu, écart), fonds conservé, puis la clôture Z',
      )
      .option('--total-cash <amount>', 'espèces comptées en un total')
      .option('--count <pieces>', 'espèces comptées pièce par pièce : "50=2,20=1,0.10=5"')
      .option(
        '--keep <amount>',
        'fonds laissé dans le tiroir pour le lendemain (défaut : toutes les espèces)',
      )
      .option(
        '--counted <mode=amount>',
        'un autre mode compté (chèques, carte, bons), répétable : CHEQUE=120.00',
        (value: string, previous: string[] = []) => [...previous, value],
      ),
  ).action(async (options) => {
    await runTill(options, async () => {
      const register = registerOf(options.register);
      const dataDir = dataDirOf(options.data);
      const { closeTillDay } = await journalModule();
      return withInitialisedStore(dataDir, async (db) => {
        const c = await currencyOfRegister(db, register);
        const cash = countOf(options.totalCash, options.count, c, ['--total-cash', '--count']);
        const others = new Map<string, Minor>();
        for (const text of options.counted ?? []) {
          const [mode, amount] = otherCount(text, c);
          if (others.has(mode)) throw new CommandFailure('INVALID_INPUT', `${mode} est compté deux fois.`, 2);
          others.set(mode, amount);
        }
        const keep = options.keep === undefined ? undefined : amountOf(options.keep, c, 'Le fonds conservé');
        const user = await userOf(db, register, options.user);
        const done = await closeTillDay(db, commandJournalContext(dataDir), {
          register,
          operator: user,
          cash,
          others,
          ...(keep === undefined ? {} : { keep }),
        });
        return {
          json: {
            ok: true,
            register: done.day.register,
            user,
            currency: c.code,
            openedAt: done.day.openedAt,
            closedAt: done.day.closedAt,
            modes: done.counts.map((m) => countJson(m, c)),
            count: formatCount(piecesOf(cash), c),
            kept: money(done.kept, c),
            removed: money(done.removed, c),
            closure: { sequence: done.closure.sequence, label: done.closure.payload.periodLabel },
          },
          text: [
            `Fermeture de la caisse ${done.day.register} par ${user} (clôture Z n° ${done.closure.sequence}, ${done.closure.payload.periodLabel}) :`,
            table(
              ['Mode', 'Attendu', 'Compté', 'Écart'],
              done.counts.map((m) => [
                m.mode,
                money(m.expected, c),
                money(m.counted, c),
                money(m.difference, c),
              ]),
            ),
            `Fonds conservé : ${money(done.kept, c)} ${c.code} ; remis au coffre : ${money(done.removed, c)} ${c.code}.`,
          ].join('\n'),
        };
      });
    });
  });
}
