/**
 * Returns and numbered instruments from the shell (issue 14):
 * - `comptoir return TICKET --lines "LINE:QTY,…" --cause CODE --refund cash|credit-note|original`
 *   prints the return ticket (its original, as the receipt) and the credit note issued, if any;
 *   `--json` prints the ticket's summary and `instrument: { number, amount }`;
 * - `comptoir voucher show NUMBER` prints its kind, balance, expiry and ledger.
 */
import { randomUUID } from 'node:crypto';
import { type Command, Option } from '@commander-js/extra-typings';
import { formatInstrumentNumber, INSTRUMENT_LABELS } from '../../sales/instruments.ts';
import { currencyOf, formatMoneyFr, parseScaled } from '../../sales/money.ts';
import { commandJournalContext, DATA_OPTION, dataDirOf, withStore } from '../context.ts';
import {
  JournalCommandFailure as CommandFailure,
  defaultUser,
  money,
  registerNumber,
  runJournalCommand as run,
  ticketSummary,
} from './journal.ts';

const journalModule = () => import('../../store/journal/index.ts');

/** `"1:2,3:0.5"` → lines 1 and 3, quantities in thousandths. */
export function parseReturnLines(text: string): { line: number; qty: number }[] {
  const bad = (why: string): never => {
    throw new CommandFailure(2, [
      {
        code: 'INVALID_INPUT',
        message: `--lines « ${text} » : ${why} (attendu : LIGNE:QTÉ,… par ex. 1:2,3:1).`,
        field: 'lines',
      },
    ]);
  };
  const parts = text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (parts.length === 0) bad('aucune ligne');
  return parts.map((part) => {
    const [lineText = '', qtyText = '', ...more] = part.split(':');
    const line = Number(lineText);
    if (more.length > 0 || !/^\d+$/.test(lineText) || line < 1) bad(`ligne invalide « ${part} »`);
    const qty = parseScaled(qtyText, 3);
    if (typeof qty !== 'number' || qty <= 0) bad(`quantité invalide « ${part} »`);
    return { line, qty: qty as number };
  });
}

function moneyOf(amount: number, code: string): string {
  const currency = currencyOf(code);
  return currency === undefined ? `${amount} ${code}` : formatMoneyFr(amount, currency);
}

export function registerReturnCommands(program: Command): void {
  program
    .command('return')
    .description('retour d’articles d’un ticket validé : ticket de retour signé et remboursement')
    .argument('<ticket>', 'n° du ticket d’origine')
    .requiredOption('--lines <lines>', 'lignes et quantités retournées : LIGNE:QTÉ,… (n° de ligne du ticket)')
    .requiredOption('--cause <code>', 'cause du retour (liste du magasin, par ex. DEFAUT, ERREUR)')
    .addOption(
      new Option('--refund <mode>', 'remboursement')
        .choices(['cash', 'credit-note', 'original'] as const)
        .makeOptionMandatory(),
    )
    .option(...DATA_OPTION)
    .option('--register <n>', 'numéro de caisse (défaut : 1)')
    .option(
      '--user <code>',
      'utilisateur qui fait le retour (droit « retour / remboursement » ; défaut : un responsable)',
    )
    .option('--authorizer <code>', 'responsable qui autorise le retour quand --user n’a pas le droit')
    .option('--json', 'affiche le résultat en JSON')
    .action(async (ticket, options) => {
      await run(async () => {
        const { parseTicketRef, TicketLookupError } = await import('../../receipts/journal-source.ts');
        let ref: ReturnType<typeof parseTicketRef>;
        try {
          ref = parseTicketRef(ticket.trim());
        } catch (error) {
          if (!(error instanceof TicketLookupError)) throw error;
          throw new CommandFailure(2, [{ code: 'INVALID_INPUT', message: error.message, field: 'ticket' }]);
        }
        if (ref.chain !== 'TICKET' || ref.sequence < 1) {
          // A training ticket (X…) or a closure never comes back into the real journal.
          throw new CommandFailure(1, [
            {
              code: 'RETURN_REFUSED',
              message: `Le n° ${ticket} n’est pas une vente réelle : ${ref.chain === 'TRAINING' ? 'un ticket du mode école ne se retourne pas dans le journal réel' : 'rien à retourner'}.`,
              field: 'ticket',
            },
          ]);
        }
        const original = ref.sequence;
        const lines = parseReturnLines(options.lines);
        const register = registerNumber(options.register ?? ref.register);
        const dataDir = dataDirOf(options.data);
        const { returnTicket, issueOriginals } = await journalModule();
        return withStore(dataDir, async (db) => {
          const ctx = commandJournalContext(dataDir);
          const operator = options.user ?? (await defaultUser(db, register, ['manager', 'admin']));
          const done = await returnTicket(db, ctx, {
            register,
            original,
            lines,
            cause: options.cause,
            refund: options.refund,
            operator,
            ...(options.authorizer === undefined ? {} : { authorizer: options.authorizer }),
            idempotencyKey: randomUUID(),
          });
          const currency = done.record.payload.currency;
          const instrument =
            done.instrument === undefined
              ? undefined
              : { number: done.instrument.number, amount: money(done.instrument.amount, currency) };
          if (options.json === true) {
            return {
              ...ticketSummary(done.record, done.replayed),
              modifies: original,
              cause: done.record.payload.detail?.returnOf?.cause.code,
              ...(instrument === undefined ? {} : { instrument }),
            };
          }
          // The printed return ticket is its original: recorded as handed over, every later copy a duplicate.
          const { documentSettingsOf } = await import('../../receipts/journal-source.ts');
          const { saleTicketOf } = await import('../../receipts/from-journal.ts');
          const { renderText } = await import('../../receipts/text.ts');
          const text = renderText(saleTicketOf(done.record, await documentSettingsOf(db, register)));
          await db.transaction().execute((trx) =>
            issueOriginals(
              trx,
              [{ register, chain: 'TICKET', sequence: done.record.sequence, document: 'ticket' }],
              {
                at: ctx.now(),
                channel: 'text',
                operator,
              },
            ),
          );
          process.stdout.write(text);
          if (done.instrument !== undefined) {
            process.stdout.write(
              `\nBon d'avoir n° ${formatInstrumentNumber(done.instrument.number)} : ${moneyOf(done.instrument.amount, currency)}\n`,
            );
          }
          return undefined;
        });
      });
    });

  const voucher = program
    .command('voucher')
    .description('bons numérotés : avoirs, bons d’achat, cartes cadeaux, acomptes');
  voucher
    .command('show')
    .description('affiche un bon : genre, solde, échéance et mouvements')
    .argument('<number>', 'numéro du bon (16 chiffres, espaces permis)')
    .option(...DATA_OPTION)
    .option('--json', 'affiche le résultat en JSON')
    .action(async (number, options) => {
      await run(async () => {
        const { instrumentByNumber, checkedNumber } = await journalModule();
        const dataDir = dataDirOf(options.data);
        checkedNumber(number); // a typo is refused before the store is opened
        return withStore(
          dataDir,
          async (db) => {
            const v = await instrumentByNumber(db, number);
            if (options.json === true) {
              return {
                ok: true,
                number: v.number,
                kind: v.kind,
                currency: v.currency,
                balance: money(v.balance, v.currency),
                issuedAt: v.issuedAt,
                expiresAt: v.expiresAt,
                issuedBy: v.issuedBy,
                ledger: v.ledger.map((e) => ({ ...e, amount: money(e.amount, v.currency) })),
              };
            }
            const lines = [
              `${INSTRUMENT_LABELS[v.kind]} n° ${formatInstrumentNumber(v.number)}`,
              `Solde : ${moneyOf(v.balance, v.currency)}`,
              `Échéance : ${v.expiresAt === null ? 'aucune' : v.expiresAt.slice(0, 10)}`,
              `Émis le ${v.issuedAt.slice(0, 10)} par le ticket n° ${v.issuedBy.sequence} (caisse ${v.issuedBy.register})`,
              'Mouvements :',
              ...v.ledger.map(
                (e) =>
                  `  ${e.entry}. ${e.at.slice(0, 19).replace('T', ' ')}  ${e.amount > 0 ? '+' : ''}${moneyOf(e.amount, v.currency)}  ticket n° ${e.sequence} (caisse ${e.register}, ${e.operator})`,
              ),
            ];
            process.stdout.write(`${lines.join('\n')}\n`);
            return undefined;
          },
          { mustExist: true },
        );
      });
    });
}
