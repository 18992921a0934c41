import { readFileSync } from 'node:fs';
import type { Command } from '@commander-js/extra-typings';
import type { quote } from '../../sales/quote.ts';

/** `comptoir quote FILE|-`: the sales engine from the shell (spec/ticket-scenario.md). */
export function registerQuoteCommands(program: Command): void {
  program
    .command('quote')
    .description(
      'calcule un ticket décrit en JSON (fichier, ou - pour l’entrée standard) et affiche le résultat',
    )
    .argument('<file>', 'fichier JSON du scénario, ou - pour lire l’entrée standard')
    .action(async (file) => {
      const { exitCode, output } = await runQuote(file);
      process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
      if (exitCode === 2) {
        for (const error of output.errors) process.stderr.write(`Saisie invalide : ${error.message}\n`);
      }
      process.exitCode = exitCode;
    });
}

export async function runQuote(file: string): Promise<ReturnType<typeof quote>> {
  // The engine (and zod) are loaded by this command, not when `comptoir` starts.
  const { invalidInput, quote } = await import('../../sales/quote.ts');
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (error) {
    const reason = error instanceof Error && 'code' in error ? String(error.code) : 'erreur de lecture';
    return {
      exitCode: 2,
      output: invalidInput([{ field: '(fichier)', message: `lecture impossible de ${file} (${reason})` }]),
    };
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      exitCode: 2,
      output: invalidInput([{ field: '(racine)', message: `JSON invalide : ${reason}` }]),
    };
  }
  return quote(data);
}
