import { Command } from '@commander-js/extra-typings';
import { registerCommands } from './commands/index.ts';
import { VERSION } from './version.ts';

const program = new Command()
  .name('comptoir')
  .description('Comptoir — caisse enregistreuse pour les commerces français')
  .version(VERSION, '-V, --version', 'affiche la version')
  .helpOption('-h, --help', "affiche l'aide")
  .showHelpAfterError();

registerCommands(program);

if (process.argv.length <= 2) {
  program.outputHelp();
} else {
  await program.parseAsync(process.argv);
}
