/**
 * `comptoir heads show` and `comptoir heads acknowledge --reason … --user …` (issue 11 item 2): the
 * journal's chain heads against the signed heads file beside the database and the anchors of the
 * witnesses (`COMPTOIR_ANCHOR_DIR`); when they differ the server does not start until a manager has
 * looked and acknowledged the difference, which is journaled (JET 1121) before the heads file is
 * written again from the journal and anchored.
 */
import type { Command } from '@commander-js/extra-typings';
import type { Db } from '../../store/journal/core.ts';
import { commandJournalContext, DATA_OPTION, dataDirOf, withStore } from '../context.ts';

const anchorsModule = () => import('../../store/journal/anchors.ts');
const journalModule = () => import('../../store/journal/index.ts');

function registerOption(value: string | undefined): string | undefined | null {
  if (value === undefined) return undefined;
  const n = Number(value);
  return Number.isSafeInteger(n) && n >= 1 ? String(n) : null;
}

async function registersOf(db: Db, only: string | undefined): Promise<string[]> {
  const { journalRegisters } = await journalModule();
  const all = await journalRegisters(db);
  return only === undefined ? all : all.filter((r) => r === only);
}

export function registerHeadsCommands(program: Command): void {
  const heads = program
    .command('heads')
    .description(
      'têtes de chaîne du journal : fichier signé à côté de la base et témoins hors de la machine',
    );

  heads
    .command('show')
    .description('compare les têtes du journal au fichier des têtes et aux témoins (code 1 si écart)')
    .option(...DATA_OPTION)
    .option('--register <n>', 'une seule caisse (par défaut : toutes)')
    .action(async (options) => {
      const dataDir = dataDirOf(options.data);
      const only = registerOption(options.register);
      if (only === null) {
        process.stderr.write(`Numéro de caisse invalide : ${options.register}\n`);
        process.exitCode = 2;
        return;
      }
      const { compareHeadsFile, headsAndAnchorProblems, STATE_TEXT } = await anchorsModule();
      const ctx = commandJournalContext(dataDir);
      const lines: string[] = [];
      let bad = false;
      try {
        await withStore(
          dataDir,
          async (db) => {
            for (const register of await registersOf(db, only)) {
              const file = await compareHeadsFile(db, dataDir, register);
              const anchored = await headsAndAnchorProblems(db, dataDir, register, ctx.witnesses ?? []);
              const others = anchored.problems.filter((p) => !p.code.startsWith('HEADS_'));
              bad ||= file.state !== 'equal' || others.length > 0;
              lines.push(`Caisse ${register} : ${STATE_TEXT[file.state]}.`);
              for (const h of file.journal) {
                const f = file.file.find((x) => x.chain === h.chain);
                lines.push(`  ${h.chain.padEnd(9)} journal n° ${h.sequence}, têtes n° ${f?.sequence ?? '—'}`);
              }
              for (const d of file.details) lines.push(`  écart : ${d}`);
              for (const p of others) lines.push(`  témoin : ${p.message}`);
            }
          },
          { mustExist: true },
        );
      } catch (error) {
        process.stderr.write(`${(error as Error).message}\n`);
        process.exitCode = 1;
        return;
      }
      if (bad) {
        lines.push(
          'Un responsable doit examiner l’écart puis le reconnaître : comptoir heads acknowledge --reason "…" --user CODE',
        );
      }
      process.stdout.write(`${lines.join('\n')}\n`);
      process.exitCode = bad ? 1 : 0;
    });

  heads
    .command('acknowledge')
    .description(
      'un responsable reconnaît l’écart entre le journal et ses têtes (journalisé, JET 1121) ; les têtes sont réécrites depuis le journal',
    )
    .option(...DATA_OPTION)
    .requiredOption('--reason <texte>', 'motif (ce qui s’est passé : restauration, coupure…)')
    .requiredOption('--user <code>', 'responsable ou administrateur qui reconnaît l’écart')
    .option('--register <n>', 'une seule caisse (par défaut : toutes celles en écart)')
    .action(async (options) => {
      const dataDir = dataDirOf(options.data);
      const only = registerOption(options.register);
      const reason = options.reason.trim();
      if (only === null || reason === '') {
        process.stderr.write(
          only === null
            ? `Numéro de caisse invalide : ${options.register}\n`
            : 'Motif obligatoire (--reason).\n',
        );
        process.exitCode = 2;
        return;
      }
      const { anchorHeads, compareHeadsFile, headsAndAnchorProblems, journalHeads, STATE_TEXT } =
        await anchorsModule();
      const { appendJet, flushHeads, replaceHeads } = await journalModule();
      const ctx = commandJournalContext(dataDir);
      const lines: string[] = [];
      try {
        await withStore(
          dataDir,
          async (db) => {
            const user = await db
              .selectFrom('users')
              .select(['code', 'role'])
              .where('code', '=', options.user.trim().toUpperCase())
              .where('active', '=', 1)
              .executeTakeFirst();
            if (user === undefined || (user.role !== 'manager' && user.role !== 'admin')) {
              throw new Error(
                `Utilisateur ${options.user} inconnu, inactif ou sans rôle de responsable : l’écart n’est pas reconnu.`,
              );
            }
            for (const register of await registersOf(db, only)) {
              const file = await compareHeadsFile(db, dataDir, register);
              const anchored = await headsAndAnchorProblems(db, dataDir, register, ctx.witnesses ?? [], true);
              const others = anchored.problems.filter((p) => !p.code.startsWith('HEADS_'));
              if (file.state === 'equal' && others.length === 0) continue;
              const found = [...file.details, ...others.map((p) => p.message)].join(' ; ');
              replaceHeads(
                dataDir,
                register,
                await journalHeads(db, register),
                ctx.now().toISOString().replace(/\D/g, '').slice(0, 14),
              );
              await appendJet(
                db,
                ctx,
                Number(register),
                'HEADS_ACKNOWLEDGED',
                `${STATE_TEXT[file.state]} ; motif : ${reason} ; ${found}`,
                user.code,
              );
              await flushHeads();
              const failures = await anchorHeads(dataDir, ctx.witnesses ?? [], [register]);
              for (const f of failures) lines.push(`Attention : ${f.failure}`);
              lines.push(
                `Caisse ${register} : écart reconnu par ${user.code} (JET 1121), têtes réécrites depuis le journal.`,
              );
            }
          },
          { mustExist: true },
        );
      } catch (error) {
        process.stderr.write(`${(error as Error).message}\n`);
        process.exitCode = 1;
        return;
      }
      if (lines.length === 0) lines.push('Aucun écart à reconnaître.');
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
