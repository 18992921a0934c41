/**
 * How the store commands fail: a French message with its machine code on standard error, and the exit
 * code of the project's rule (1: refused, 2: bad input). Commander's own usage errors (unknown
 * option, missing argument, bad choice) are said in French too and exit 2.
 */
import type { Command, OptionValues } from '@commander-js/extra-typings';
import type { Kysely } from 'kysely';
import { StoreError, type StoreErrorCode } from '../store/errors.ts';
import type { DatabaseConfig } from '../store/open-database.ts';
import type { Database } from '../store/schema.ts';
import { withStore } from './context.ts';

/** A failure of a command, with the exit code to leave with. */
export class CommandFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode: 1 | 2 = 2,
  ) {
    super(message);
  }
}

/** Refusals of the state of things (exit 1); every other store error is bad input (exit 2). */
const REFUSALS: ReadonlySet<StoreErrorCode> = new Set([
  'ALREADY_INITIALISED',
  'NOT_INITIALISED',
  'DATABASE_UNREACHABLE',
  'ALREADY_ANONYMISED',
  'MAIL_PENDING',
  'ALREADY_VALIDATED',
  'NOT_VALIDATED',
  'ALREADY_RECEIVED',
]);

export function exitCodeOf(error: StoreError): 1 | 2 {
  return REFUSALS.has(error.code) ? 1 : 2;
}

/** Runs a command's action; reports a failure in French with its code and sets the exit code. */
export async function runCommand(action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (error) {
    if (error instanceof StoreError || error instanceof CommandFailure) {
      process.stderr.write(`Erreur (${error.code}) : ${error.message}\n`);
      process.exitCode = error instanceof StoreError ? exitCodeOf(error) : error.exitCode;
      return;
    }
    // The journal's refusals (unknown register or user, a journal that cannot be written), told by
    // name so that the journal's module is not loaded when the command does not use it.
    if (error instanceof Error && error.name === 'JournalError' && 'code' in error) {
      process.stderr.write(`Erreur (${String(error.code)}) : ${error.message}\n`);
      process.exitCode = error.code === 'INVALID_INPUT' ? 2 : 1;
      return;
    }
    throw error;
  }
}

/** Commander's usage errors, in French. */
export function frenchUsageMessage(message: string): string {
  const rules: [RegExp, (...groups: string[]) => string][] = [
    [
      /^error: unknown option '(.*)'(?:\s*\(Did you mean (.*)\?\))?/s,
      (flag = '', guess) =>
        `option inconnue « ${flag} »${guess ? ` (vouliez-vous dire ${guess} ?)` : ''}` +
        (/^-[^-]/.test(flag)
          ? ` ; pour chercher un texte qui commence par « - », écrivez « -- ${flag} »`
          : ''),
    ],
    [/^error: missing required argument '(.*)'/, (name) => `argument obligatoire manquant : ${name}`],
    [/^error: option '(.*)' argument missing/, (flag) => `valeur manquante pour l'option ${flag}`],
    [/^error: too many arguments/, () => "trop d'arguments"],
    [
      /^error: command-argument value '(.*)' is invalid for argument '(.*)'\. Allowed choices are (.*)\./,
      (value, name, choices) => `valeur « ${value} » invalide pour ${name} (au choix : ${choices})`,
    ],
    [
      /^error: option '(.*)' argument '(.*)' is invalid\.\s*(.*)/,
      (flag, value, why) => `valeur « ${value} » invalide pour l'option ${flag}${why ? ` : ${why}` : ''}`,
    ],
    [/^error: unknown command '(.*)'/, (name) => `commande inconnue : ${name}`],
  ];
  const text = message.trim();
  for (const [pattern, say] of rules) {
    const match = pattern.exec(text);
    if (match !== null) return `Erreur (USAGE) : ${say(...match.slice(1).map((g) => g ?? ''))}`;
  }
  return text.replace(/^error: /, 'Erreur (USAGE) : ');
}

/** French usage errors for `command` and the sub-commands made after this call; they exit 2. */
export function frenchUsage<C extends Command<unknown[], OptionValues, OptionValues>>(command: C): C {
  command
    .showHelpAfterError(`(comptoir ${command.name()} --help pour l'aide)`)
    .configureOutput({
      outputError: (text, write) => write(`${frenchUsageMessage(text)}\n`),
    })
    .exitOverride((error) => {
      process.exit(error.exitCode === 0 ? 0 : 2);
    });
  return command;
}

/** Opens an existing, initialised store (exit 1 otherwise) for the length of `fn`. */
export function withInitialisedStore<T>(
  dataDir: string,
  fn: (db: Kysely<Database>, config: DatabaseConfig) => Promise<T>,
): Promise<T> {
  return withStore(
    dataDir,
    async (db, config) => {
      const { isInitialised } = await import('../store/init.ts');
      if (!(await isInitialised(db))) {
        throw new StoreError(
          'NOT_INITIALISED',
          `La base de ${dataDir} n'est pas initialisée : lancez d'abord « comptoir init »`,
        );
      }
      return fn(db, config);
    },
    { mustExist: true },
  );
}

/** Where the database is, for people. */
export function describeDatabase(config: DatabaseConfig): string {
  if (config.engine === 'sqlite') return `SQLite, ${config.file}`;
  if (config.engine === 'pglite')
    return `PostgreSQL dans le processus (PGlite), ${config.dataDir ?? 'en mémoire'}`;
  const url = new URL(config.url);
  url.password = '';
  return `PostgreSQL, ${url.host}${url.pathname}`;
}
