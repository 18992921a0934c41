/** Runs the real `comptoir` command in a child process, for the CLI's tests. */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'comptoir.js');

/** The PINs the CLI tests give `initStore` (the same as the server tests'). */
export const CLI_PINS = { admin: '1111', cashier: '2222', seller: '3333' } as const;

/**
 * Who the commands act as unless a test says otherwise: the register's cashier, whose PIN is
 * `CLI_PINS.cashier` (`comptoir sell` signs only as an authenticated user).
 */
export const CLI_OPERATOR = { COMPTOIR_USER: 'CAISSE1', COMPTOIR_PIN: CLI_PINS.cashier } as const;

export interface CliRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  readonly cwd: string;
  /**
   * Over this process's environment, whose `DATABASE_URL` is dropped (a test gives its own), and
   * over `CLI_OPERATOR`.
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Written to the command's standard input, which is then closed. */
  readonly input?: string;
  /** Called with the child once spawned (a test that kills it mid-run). */
  readonly started?: (child: ChildProcess) => void;
}

export function runComptoir(args: readonly string[], options: CliOptions): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.DATABASE_URL;
    Object.assign(env, CLI_OPERATOR, options.env);
    const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd, env });
    options.started?.(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.stdin.end(options.input ?? '');
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** An article a CLI test sells (`comptoir sell` prices from the catalogue): price in minor units. */
export interface CliArticle {
  readonly ref: string;
  readonly designation: string;
  /** Hundredths of a percent (2000: 20 %). */
  readonly vatRate: number;
  readonly price: number;
}

/**
 * The store a CLI test sells in, as a SQLite file of `data`: initialised with `CLI_PINS`, the
 * `articles` in the catalogue, register 1's keys made and its till day open (no sale before it is).
 */
export async function makeCliStore(data: string, articles: readonly CliArticle[] = []): Promise<void> {
  const [
    { openDatabase },
    { initStore },
    { createArticle },
    { ensureRegisterKeys },
    { openTestDays },
    { VERSION },
  ] = await Promise.all([
    import('../store/open-database.ts'),
    import('../store/init.ts'),
    import('../store/catalogue.ts'),
    import('../store/journal/keys.ts'),
    import('../store/journal/testing.ts'),
    import('./version.ts'),
  ]);
  const db = await openDatabase({ engine: 'sqlite', file: join(data, 'comptoir.db') });
  try {
    const now = new Date();
    await initStore(db, { now, pins: CLI_PINS });
    for (const article of articles) await createArticle(db, article, now);
    ensureRegisterKeys(data, 1);
    await openTestDays(db, { dataDir: data, now: () => new Date(), softwareVersion: VERSION });
  } finally {
    await db.destroy();
  }
}
