/**
 * `comptoir sync [--central URL --code CODE]` (issue 17, docs/multi-store.md): with a code, enrols the
 * store at the central once (writes `central.json` in the data directory); then uploads every
 * register's journal records the central does not hold yet, in batches, with retries and backoff, and
 * prints what it sent per register and chain.
 */
import type { Command } from '@commander-js/extra-typings';
import { DATA_OPTION, dataDirOf, withStore } from '../context.ts';

export function registerSyncCommand(program: Command): void {
  program
    .command('sync')
    .description(
      'envoie au siège les enregistrements signés qu’il n’a pas encore (inscription : --central et --code)',
    )
    .option(...DATA_OPTION)
    .option('--central <url>', 'adresse de la centrale (inscription, une fois)')
    .option('--code <code>', 'code d’inscription à usage unique délivré par le siège')
    .action(async (options) => {
      const dataDir = dataDirOf(options.data);
      if ((options.central === undefined) !== (options.code === undefined)) {
        process.stderr.write('L’inscription demande --central URL et --code CODE ensemble.\n');
        process.exitCode = 2;
        return;
      }
      const { enrolWithCentral, readLink, uploadJournal } = await import('../../central/sync.ts');
      try {
        await withStore(
          dataDir,
          async (db) => {
            let link = readLink(dataDir);
            if (options.central !== undefined && options.code !== undefined) {
              if (link !== undefined) {
                throw new Error(
                  `Ce magasin est déjà inscrit (${link.store} à ${link.url}) : lancez « comptoir sync » sans code.`,
                );
              }
              link = await enrolWithCentral(dataDir, options.central, options.code);
              process.stdout.write(`Magasin inscrit au siège sous le nom ${link.store} (${link.url}).\n`);
            }
            if (link === undefined) {
              throw new Error(
                'Ce magasin n’est pas inscrit au siège : comptoir sync --central URL --code CODE (code : comptoir central enrol MAGASIN).',
              );
            }
            const reports = await uploadJournal(db, dataDir, link);
            let sent = 0;
            for (const r of reports) {
              sent += r.sent;
              process.stdout.write(
                `Caisse ${r.register} ${r.chain.padEnd(9)} envoyés ${r.sent} (acceptés ${r.accepted}, déjà reçus ${r.skipped}) — siège au n° ${r.sequence}\n`,
              );
            }
            process.stdout.write(
              sent === 0 ? 'Rien de nouveau à envoyer.\n' : `${sent} enregistrement(s) envoyé(s) au siège.\n`,
            );
          },
          { mustExist: true },
        );
      } catch (error) {
        process.stderr.write(`${(error as Error).message}\n`);
        process.exitCode = 1;
      }
    });
}
