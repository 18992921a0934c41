/**
 * `comptoir stock …` (issue 16 item 1): `stock show REF [--json]` prints an article's quantity per
 * store and depot and its last movements; the stock documents are written from the shell too — an
 * ME- (`stock transfer`), a supplier reception (`stock reception`), a count (`stock count`, or
 * `stock import-counts FILE.csv`) are drafts until `stock validate NUMBER`; `stock receive ME-…`
 * receives a validated ME- in its destination (the ME+); `stock valuation` values the stock. Writes
 * act as `--operator CODE` (else `COMPTOIR_USER`), an active user holding the right `manage_stock`.
 */
import { readFileSync } from 'node:fs';
import type { Command } from '@commander-js/extra-typings';
import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.ts';
import type { StockDocumentView } from '../../store/stock-documents.ts';
import { commandClock, DATA_OPTION, dataDirOf } from '../context.ts';
import { CommandFailure, frenchUsage, runCommand, withInitialisedStore } from '../run-command.ts';

const stockModule = () => import('../../store/stock.ts');
const documentsModule = () => import('../../store/stock-documents.ts');

/** The operator, active and holding `manage_stock` (refused with exit 1 otherwise). */
async function stockOperator(db: Kysely<Database>, option: string | undefined): Promise<string> {
  const code = (option ?? process.env.COMPTOIR_USER ?? '').trim().toUpperCase();
  if (code === '') {
    throw new CommandFailure('INVALID_INPUT', 'Indiquez qui agit : --operator CODE (ou COMPTOIR_USER)');
  }
  const user = await db
    .selectFrom('users')
    .select('rights')
    .where('code', '=', code)
    .where('active', '=', 1)
    .executeTakeFirst();
  if (user === undefined)
    throw new CommandFailure('UNKNOWN_USER', `Utilisateur inconnu ou inactif : ${code}`, 1);
  const rights: unknown = JSON.parse(user.rights);
  if (!Array.isArray(rights) || !rights.includes('manage_stock')) {
    throw new CommandFailure('RIGHT_REQUIRED', `${code} n’a pas le droit nécessaire (gestion du stock)`, 1);
  }
  return code;
}

/** `REF=QTY` or `REF=QTY@COST` arguments as document lines. */
function linesOf(args: readonly string[]): { ref: string; quantity: string; unitCost?: string }[] {
  return args.map((arg) => {
    const match = /^([^=]+)=([^@]*)(?:@(.*))?$/.exec(arg);
    if (match === null) {
      throw new CommandFailure(
        'INVALID_INPUT',
        `Ligne « ${arg} » : attendu RÉF=QUANTITÉ (ou RÉF=QUANTITÉ@COÛT)`,
      );
    }
    const [, ref = '', quantity = '', unitCost] = match;
    return { ref, quantity, ...(unitCost === undefined ? {} : { unitCost }) };
  });
}

function printDocument(view: StockDocumentView, json: boolean | undefined): void {
  if (json === true) {
    process.stdout.write(`${JSON.stringify(view, null, 2)}\n`);
    return;
  }
  const head = `${view.label} ${view.number} (${view.status === 'draft' ? 'brouillon' : 'validé'}) — dépôt ${view.depot}${view.otherDepot === null ? '' : `, autre dépôt ${view.otherDepot}`}`;
  const lines = view.lines.map(
    (l) =>
      `  ${l.ref} : ${l.quantity}${l.unitCost === undefined ? '' : ` à ${l.unitCost}`}${l.difference === undefined ? '' : ` (attendu ${l.expected}, écart ${l.difference})`}`,
  );
  process.stdout.write(`${[head, ...lines].join('\n')}\n`);
}

interface WriteOptions {
  readonly data?: string | undefined;
  readonly operator?: string | undefined;
  readonly json?: true | undefined;
}

/** A document write: the operator checked, the document printed. */
function writeAction(
  options: WriteOptions,
  fn: (db: Kysely<Database>, operator: string, now: Date) => Promise<StockDocumentView>,
): Promise<void> {
  return runCommand(async () => {
    const view = await withInitialisedStore(dataDirOf(options.data), async (db) =>
      fn(db, await stockOperator(db, options.operator), commandClock()()),
    );
    printDocument(view, options.json);
  });
}

const OPERATOR_OPTION = [
  '--operator <code>',
  'utilisateur qui agit, avec le droit gestion du stock (défaut : $COMPTOIR_USER)',
] as const;

export function registerStockCommands(program: Command): void {
  const stock = program
    .command('stock')
    .description('stock par magasin : quantités, mouvements, documents de stock');

  frenchUsage(
    stock
      .command('show')
      .description('affiche la quantité d’un article par magasin et dépôt, et ses derniers mouvements')
      .argument('<ref>', 'référence de l’article')
      .option(...DATA_OPTION)
      .option('--limit <n>', 'nombre de mouvements affichés', '20')
      .option('--json', 'affiche le résultat en JSON'),
  ).action((ref, options) =>
    runCommand(async () => {
      const limit = Number(options.limit);
      if (!Number.isSafeInteger(limit) || limit < 0 || limit > 1000) {
        throw new CommandFailure('INVALID_INPUT', `--limit : nombre de 0 à 1000 attendu (${options.limit})`);
      }
      const view = await withInitialisedStore(dataDirOf(options.data), async (db) =>
        (await stockModule()).stockOf(db, ref, limit),
      );
      if (options.json === true) {
        process.stdout.write(`${JSON.stringify(view, null, 2)}\n`);
        return;
      }
      const out = [
        `${view.ref} — ${view.designation}${view.managed ? '' : ' (non géré en stock)'}`,
        ...view.depots.map((d) => `  ${d.store} / ${d.depot} : ${d.quantity}`),
        view.movements.length === 0 ? 'Aucun mouvement.' : 'Derniers mouvements :',
        ...view.movements.map(
          (m) =>
            `  ${m.at}  ${m.depot}  ${m.quantity.padStart(8)}  ${m.label}  ${m.document}  (${m.operator})`,
        ),
      ];
      process.stdout.write(`${out.join('\n')}\n`);
    }),
  );

  frenchUsage(
    stock
      .command('transfer')
      .description('écrit un transfert sortant ME- (brouillon) vers un autre dépôt')
      .argument('<lines...>', 'lignes RÉF=QUANTITÉ')
      .requiredOption('--from <depot>', 'dépôt de départ')
      .requiredOption('--to <depot>', 'dépôt de destination')
      .option(...DATA_OPTION)
      .option(...OPERATOR_OPTION)
      .option('--json', 'affiche le document en JSON'),
  ).action((lines, options) =>
    writeAction(options, async (db, operator, now) =>
      (await documentsModule()).createStockDocument(
        db,
        { kind: 'transfer_out', depot: options.from, toDepot: options.to, lines: linesOf(lines) },
        operator,
        now,
      ),
    ),
  );

  frenchUsage(
    stock
      .command('reception')
      .description('écrit une réception fournisseur (brouillon)')
      .argument('<lines...>', 'lignes RÉF=QUANTITÉ ou RÉF=QUANTITÉ@COÛT')
      .requiredOption('--depot <depot>', 'dépôt qui reçoit')
      .requiredOption('--supplier <name>', 'fournisseur')
      .option(...DATA_OPTION)
      .option(...OPERATOR_OPTION)
      .option('--json', 'affiche le document en JSON'),
  ).action((lines, options) =>
    writeAction(options, async (db, operator, now) =>
      (await documentsModule()).createStockDocument(
        db,
        { kind: 'reception', depot: options.depot, supplier: options.supplier, lines: linesOf(lines) },
        operator,
        now,
      ),
    ),
  );

  frenchUsage(
    stock
      .command('count')
      .description('écrit un inventaire (brouillon) : les quantités comptées, l’écart se calcule')
      .argument('<lines...>', 'lignes RÉF=QUANTITÉ COMPTÉE')
      .requiredOption('--depot <depot>', 'dépôt compté')
      .option(...DATA_OPTION)
      .option(...OPERATOR_OPTION)
      .option('--json', 'affiche le document en JSON'),
  ).action((lines, options) =>
    writeAction(options, async (db, operator, now) =>
      (await documentsModule()).createStockDocument(
        db,
        { kind: 'count', depot: options.depot, lines: linesOf(lines) },
        operator,
        now,
      ),
    ),
  );

  frenchUsage(
    stock
      .command('import-counts')
      .description('écrit un inventaire (brouillon) depuis un CSV « ref;quantity »')
      .argument('<file>', 'fichier CSV')
      .requiredOption('--depot <depot>', 'dépôt compté')
      .option(...DATA_OPTION)
      .option(...OPERATOR_OPTION)
      .option('--json', 'affiche le document en JSON'),
  ).action((file, options) =>
    writeAction(options, async (db, operator, now) => {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        throw new CommandFailure('INVALID_INPUT', `Fichier illisible : ${file}`);
      }
      return (await documentsModule()).importCountCsv(db, text, options.depot, operator, now);
    }),
  );

  // Two commands on one document by its number: validate a draft, receive a validated ME- (ME+).
  const byNumber = [
    [
      'validate',
      'valide un document de stock brouillon : ses mouvements sont écrits',
      'numéro du document (ME-000001, REC-000001, INV-000001)',
      'validateStockDocument',
    ],
    [
      'receive',
      'reçoit un transfert ME- validé dans son dépôt de destination (ME+), une seule fois',
      'numéro du ME-',
      'receiveTransfer',
    ],
  ] as const;
  for (const [name, description, argument, operation] of byNumber) {
    frenchUsage(
      stock
        .command(name)
        .description(description)
        .argument('<number>', argument)
        .option(...DATA_OPTION)
        .option(...OPERATOR_OPTION)
        .option('--json', 'affiche le document en JSON'),
    ).action((number, options) =>
      writeAction(options, async (db, operator, now) =>
        (await documentsModule())[operation](db, number, operator, now),
      ),
    );
  }

  frenchUsage(
    stock
      .command('valuation')
      .description('valorise le stock au coût moyen pondéré des réceptions')
      .option('--depot <depot>', 'seulement ce dépôt')
      .option(...DATA_OPTION)
      .option('--json', 'affiche le résultat en JSON'),
  ).action((options) =>
    runCommand(async () => {
      const report = await withInitialisedStore(dataDirOf(options.data), async (db) =>
        (await documentsModule()).stockValuation(db, options.depot),
      );
      if (options.json === true) {
        process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        return;
      }
      const out = report.lines.map(
        (l) => `${l.ref}  ${l.depot}  ${l.quantity}  × ${l.unitCost ?? 'sans coût'}  = ${l.value}`,
      );
      out.push(
        `Total : ${report.total}${report.withoutCost > 0 ? ` (${report.withoutCost} ligne(s) sans coût connu)` : ''}`,
      );
      process.stdout.write(`${out.join('\n')}\n`);
    }),
  );
}
