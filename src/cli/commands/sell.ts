/**
 * `comptoir sell FILE` (issues 4 and 12): validates a ticket scenario as a real sale, signed by an
 * authenticated user (`--user CODE`, PIN from `COMPTOIR_PIN` or asked on a terminal), at the
 * catalogue's prices. As at the register: an unknown article is refused, and a price other than the
 * catalogue's (or a line amount) needs the « changement de prix » right; a discount over the
 * register's limit needs « remise au-delà de la limite ». A refusal writes nothing but its event.
 */
import { randomUUID } from 'node:crypto';
import type { Command } from '@commander-js/extra-typings';
import type { Kysely } from 'kysely';
import type { ArticleLine, TicketInput, TicketItem } from '../../sales/ticket-input.ts';
import type { JournalContext } from '../../store/journal/core.ts';
import type { ArticleHit } from '../../store/lookup.ts';
import type { Database } from '../../store/schema.ts';
import { commandJournalContext, DATA_OPTION, dataDirOf, withStore } from '../context.ts';
import { authenticateOperator, type Operator, operatorCredentials, USER_OPTION } from '../operator.ts';
import {
  JournalCommandFailure,
  readJsonFile,
  registerNumber,
  runJournalCommand,
  ticketSummary,
} from './journal.ts';

type Line = Record<string, unknown>;

const isObject = (value: unknown): value is Line =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const refused = (code: string, message: string, field?: string) =>
  new JournalCommandFailure(1, [{ code, message, ...(field === undefined ? {} : { field }) }]);

/** The articles a scenario names, looked up as the register's viseur does (EAN, reference…). */
async function catalogueOf(
  db: Kysely<Database>,
  raw: unknown,
  depotCode: string,
  customer: string | undefined,
  now: Date,
): Promise<Map<string, ArticleHit>> {
  const { lookupArticles } = await import('../../store/lookup.ts');
  const hits = new Map<string, ArticleHit>();
  const find = async (ref: unknown, field: string) => {
    if (typeof ref !== 'string' || hits.has(ref)) return;
    const found = await lookupArticles(db, ref, {
      now,
      depotCode,
      limit: 2,
      ...(customer === undefined ? {} : { customerCode: customer }),
    });
    const first = found.items[0];
    const exact = found.kind === 'barcode' || found.kind === 'ref' || found.kind === 'supplierRef';
    if (found.error !== null) throw refused(found.error.code, found.error.message, field);
    if (first === undefined || (!exact && found.items.length > 1)) {
      throw refused('UNKNOWN_ARTICLE', `Article introuvable : ${ref}`, field);
    }
    if (first.refusal !== null) throw refused(first.refusal.code, first.refusal.message, field);
    hits.set(ref, first);
  };
  const lines = isObject(raw) && Array.isArray(raw.lines) ? raw.lines : [];
  for (const [i, line] of lines.entries()) {
    if (!isObject(line) || 'subtotal' in line) continue;
    await find(line.ref, `lines[${i}].ref`);
    const composition = line.composition;
    if (isObject(composition) && Array.isArray(composition.components)) {
      for (const [j, c] of composition.components.entries()) {
        if (isObject(c)) await find(c.ref, `lines[${i}].composition.components[${j}].ref`);
      }
    }
  }
  return hits;
}

/** The scenario with the catalogue's VAT rate on every article, and its price where none is given. */
function withCataloguePrices(raw: unknown, hits: ReadonlyMap<string, ArticleHit>, exponent: number): unknown {
  if (!isObject(raw) || !Array.isArray(raw.lines)) return raw;
  const fill = (line: Line): Line => {
    const hit = typeof line.ref === 'string' ? hits.get(line.ref) : undefined;
    if (hit === undefined) return line;
    const filled: Line = { ...line };
    if (filled.vatRate === undefined) filled.vatRate = (hit.vatRate / 100).toFixed(2);
    if (filled.unitPrice === undefined && filled.amount === undefined) {
      filled.unitPrice = (hit.price.unitPrice / 10 ** exponent).toFixed(exponent);
    }
    return filled;
  };
  return {
    ...raw,
    lines: raw.lines.map((line: unknown) => {
      if (!isObject(line) || 'subtotal' in line) return line;
      const composition = line.composition;
      if (isObject(composition) && Array.isArray(composition.components)) {
        return {
          ...line,
          composition: {
            ...composition,
            components: composition.components.map((c: unknown) => (isObject(c) ? fill(c) : c)),
          },
        };
      }
      return fill(line);
    }),
  };
}

/** The price changes and VAT differences of the read ticket against the catalogue. */
function checkAgainstCatalogue(
  input: TicketInput,
  hits: ReadonlyMap<string, ArticleHit>,
  operator: Operator,
): { priceChanges: string[] } {
  const priceChanges: string[] = [];
  const article = (line: ArticleLine, where: string) => {
    const hit = hits.get(line.ref);
    if (hit === undefined) throw refused('UNKNOWN_ARTICLE', `Article introuvable : ${line.ref}`, where);
    if (line.vatRate !== hit.vatRate) {
      throw refused(
        'VAT_RATE_MISMATCH',
        `Taux de TVA de ${hit.ref} : ${(hit.vatRate / 100).toLocaleString('fr-FR')} % au catalogue, pas ${(line.vatRate / 100).toLocaleString('fr-FR')} %`,
        where,
      );
    }
    if (line.price.kind === 'amount') priceChanges.push(`${hit.ref} (montant de ligne)`);
    else if (line.price.unitPrice !== hit.price.unitPrice) priceChanges.push(hit.ref);
  };
  input.items.forEach((item: TicketItem, i) => {
    if (item.kind === 'article') article(item, `lines[${i}]`);
    else if (item.kind === 'composition') {
      const hit = hits.get(item.ref);
      if (hit === undefined) throw refused('UNKNOWN_ARTICLE', `Article introuvable : ${item.ref}`);
      if (item.price !== null && item.price !== hit.price.unitPrice) priceChanges.push(hit.ref);
      item.components.forEach((c, j) => {
        article(c, `lines[${i}].composition.components[${j}]`);
      });
    }
  });
  if (input.mode !== 'TTC') {
    throw refused('INVALID_INPUT', 'La caisse vend en TTC : retirez « mode » du scénario.', 'mode');
  }
  if (priceChanges.length > 0 && !operator.rights.includes('change_price')) return { priceChanges };
  return { priceChanges: [] };
}

async function refuseRight(
  db: Kysely<Database>,
  ctx: JournalContext,
  register: number,
  operator: Operator,
  subject: string,
): Promise<never> {
  const { journalEvents } = await import('../../server/journal-adapters.ts');
  await journalEvents(ctx).record(db, {
    kind: 'RIGHT_REFUSED',
    register,
    operator: operator.code,
    subject,
    detail: 'ligne de commande',
    at: ctx.now(),
  });
  throw refused(
    'RIGHT_REQUIRED',
    `Opération confidentielle (${subject}) : ${operator.code} n’a pas ce droit ; validez avec l’utilisateur d’un responsable (--user).`,
  );
}

export function registerSellCommand(program: Command): void {
  program
    .command('sell')
    .description(
      'valide le ticket d’un scénario JSON (fichier, ou - pour l’entrée standard) comme une vraie vente, aux prix du catalogue',
    )
    .argument('<file>', 'scénario (spec/ticket-scenario.md) avec register, customer, seller, idempotencyKey')
    .option(...DATA_OPTION)
    .option(...USER_OPTION)
    .option('--training', 'mode école : journalisé à part, compté dans aucun total')
    .action(async (file, options) => {
      await runJournalCommand(async () => {
        const raw = readJsonFile(file);
        const rawRegister = isObject(raw) ? raw.register : undefined;
        const register = registerNumber(
          typeof rawRegister === 'number' || typeof rawRegister === 'string' ? rawRegister : undefined,
        );
        const credentials = await operatorCredentials(
          options.user,
          process.env,
          file !== '-' && process.stdin.isTTY === true,
        );
        const dataDir = dataDirOf(options.data);
        const ctx = commandJournalContext(dataDir);
        const { readScenario } = await import('../../sales/scenario.ts');
        const { registerInfo, validateTicket } = await import('../../store/journal/index.ts');
        const { currencyOf } = await import('../../sales/money.ts');
        return withStore(
          dataDir,
          async (db) => {
            const info = await registerInfo(db, register);
            const operator = await authenticateOperator(db, ctx, register, credentials, 'comptoir sell');
            if (operator.role === 'seller') {
              throw refused(
                'RIGHT_REQUIRED',
                `${operator.code} est vendeur : une vente se valide par un caissier, un responsable ou un administrateur.`,
              );
            }
            const customer = isObject(raw) && typeof raw.customer === 'string' ? raw.customer : undefined;
            const depot = await db
              .selectFrom('registers')
              .select('depot_code')
              .where('number', '=', register)
              .executeTakeFirstOrThrow();
            const hits = await catalogueOf(db, raw, depot.depot_code, customer, ctx.now());
            const exponent = currencyOf(info.currency)?.exponent ?? 2;
            const reading = readScenario(withCataloguePrices(raw, hits, exponent));
            if (!reading.ok) {
              throw new JournalCommandFailure(
                2,
                reading.issues.map((i) => ({
                  code: 'INVALID_INPUT',
                  message: `${i.field} : ${i.message}`,
                  field: i.field,
                })),
              );
            }
            const { priceChanges } = checkAgainstCatalogue(reading.input, hits, operator);
            if (priceChanges.length > 0) {
              await refuseRight(
                db,
                ctx,
                register,
                operator,
                `changement de prix : ${priceChanges.join(', ')}`,
              );
            }
            const extra = reading.extra as { customer?: string; seller?: string; idempotencyKey?: string };
            const done = await validateTicket(db, ctx, {
              register,
              idempotencyKey: extra.idempotencyKey ?? randomUUID(),
              cashier: operator.code,
              ...(extra.seller === undefined ? {} : { seller: extra.seller }),
              ...(extra.customer === undefined ? {} : { customer: extra.customer }),
              training: options.training === true,
              // The register's limits apply; going over them is the user's own right, never the file's.
              ticket: { ...reading.input, override: operator.rights.includes('discount_over_limit') },
            });
            return ticketSummary(done.record, done.replayed);
          },
          { mustExist: true },
        );
      });
    });
}
