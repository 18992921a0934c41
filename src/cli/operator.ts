/**
 * The user a command acts as (issue 12, item 6): `--user CODE` (else `COMPTOIR_USER`) and the PIN from
 * `COMPTOIR_PIN`, else asked on the terminal without echo. A wrong code or PIN is refused, and the
 * failure is a technical event (LOGIN_FAILED) as at the register.
 */
import type { Kysely } from 'kysely';
import type { JournalContext } from '../store/journal/core.ts';
import type { Database } from '../store/schema.ts';

export const USER_OPTION = [
  '--user <code>',
  'utilisateur qui valide, authentifié par son PIN ($COMPTOIR_PIN, sinon demandé) (défaut : $COMPTOIR_USER)',
] as const;

/** Why an operator is refused, with the exit code (1: refused, 2: nothing to authenticate with). */
export class OperatorRefusal extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode: 1 | 2,
  ) {
    super(message);
  }
}

export interface Credentials {
  readonly code: string;
  readonly pin: string;
}

/** Reads a PIN on the terminal, echoing nothing. */
function askPin(code: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const input = process.stdin;
    process.stderr.write(`Code PIN de ${code} : `);
    input.setRawMode?.(true);
    input.resume();
    input.setEncoding('utf8');
    let pin = '';
    const done = (value: string | null) => {
      input.setRawMode?.(false);
      input.pause();
      input.off('data', onData);
      process.stderr.write('\n');
      if (value === null) reject(new OperatorRefusal('AUTH_CANCELLED', 'Saisie du PIN abandonnée.', 2));
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n') return done(pin);
        if (char === '\u0003' || char === '\u0004') return done(null);
        if (char === '\u007f' || char === '\b') pin = pin.slice(0, -1);
        else pin += char;
      }
    };
    input.on('data', onData);
  });
}

/**
 * The code and PIN to act with: the option, else `COMPTOIR_USER`; the PIN from `COMPTOIR_PIN`, else
 * asked when standard input is a terminal (and not the scenario being read), else refused.
 */
export async function operatorCredentials(
  option: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
  canPrompt: boolean,
): Promise<Credentials> {
  const code = (option ?? env.COMPTOIR_USER ?? '').trim().toUpperCase();
  if (code === '') {
    throw new OperatorRefusal(
      'AUTH_REQUIRED',
      'Indiquez l’utilisateur qui valide : --user CODE (ou la variable COMPTOIR_USER) et son PIN (COMPTOIR_PIN, sinon il est demandé).',
      2,
    );
  }
  const fromEnv = env.COMPTOIR_PIN;
  if (fromEnv !== undefined && fromEnv !== '') return { code, pin: fromEnv };
  if (!canPrompt) {
    throw new OperatorRefusal(
      'AUTH_REQUIRED',
      `PIN de ${code} manquant : donnez-le dans la variable COMPTOIR_PIN (ou lancez la commande depuis un terminal pour le saisir).`,
      2,
    );
  }
  return { code, pin: await askPin(code) };
}

export interface Operator {
  readonly code: string;
  readonly role: string;
  readonly rights: readonly string[];
}

/**
 * Checks the credentials against the store (same cost whether the user exists or not); a failure is
 * journaled as LOGIN_FAILED on the register, then refused.
 */
export async function authenticateOperator(
  db: Kysely<Database>,
  ctx: JournalContext,
  register: number,
  credentials: Credentials,
  purpose: string,
): Promise<Operator> {
  const { checkPin } = await import('../server/users.ts');
  const user = await checkPin(db, credentials.code, credentials.pin);
  if (user === undefined) {
    const { journalEvents } = await import('../server/journal-adapters.ts');
    await journalEvents(ctx).record(db, {
      kind: 'LOGIN_FAILED',
      register,
      operator: credentials.code,
      subject: purpose,
      detail: 'ligne de commande',
      at: ctx.now(),
    });
    throw new OperatorRefusal('BAD_CREDENTIALS', 'Code utilisateur ou code PIN incorrect.', 1);
  }
  return { code: user.code, role: user.role, rights: user.rights };
}
