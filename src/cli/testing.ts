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
