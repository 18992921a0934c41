/**
 * What the end-to-end tests and the UI benchmark share: the front end built once, the real server
 * (`serve()`, what `comptoir serve` runs) on an ephemeral port over a temporary data directory, and
 * Debian's Chromium driven by playwright-core with a fresh profile.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { serve } from '../../src/server/server.ts';

export const ROOT = new URL('../..', import.meta.url).pathname;
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Builds web/dist (about a second); fails loudly if the build or the size budget fails. */
export function buildWeb(): void {
  const out = spawnSync(process.execPath, [join(ROOT, 'scripts/build-web.mjs')], { encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`construction du front end en échec :\n${out.stdout}${out.stderr}`);
}

export interface RunningServer {
  readonly url: string;
  readonly dir: string;
  readonly output: () => string;
  stop(): Promise<void>;
}

/**
 * Starts the store server over `dir` (already made) on an ephemeral port: the very `serve()` that
 * `comptoir serve` runs (journal, static front end, e-mail outbox worker: `SMTP_URL` in `env` points
 * it at a test SMTP server), in this process to save a second start of tsx.
 */
export async function startServer(
  dir: string,
  env: Readonly<Record<string, string>> = {},
): Promise<RunningServer> {
  let output = '';
  const running = await serve({
    dataDir: dir,
    env: { COMPTOIR_LOG_LEVEL: 'silent', ...env },
    overrides: { port: 0, host: '127.0.0.1' },
    print: (line) => {
      output += `${line}\n`;
    },
  });
  return { url: running.url, dir, output: () => output, stop: () => running.close() };
}

export interface Browser {
  readonly context: BrowserContext;
  readonly page: Page;
  close(): Promise<void>;
}

/** Headless Chromium with a fresh user-data-dir, French locale, a register-sized window. */
export async function openBrowser(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'comptoir-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    locale: 'fr-FR',
    viewport: { width: 1366, height: 800 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
  context.setDefaultTimeout(10_000);
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Where the tests save their screenshots (`SCREENS_DIR`, or a temporary folder). */
export function screensDir(): string {
  const dir = process.env.SCREENS_DIR ?? join(tmpdir(), 'comptoir-screens');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Logs in on the register screen and waits for the viseur. */
export async function login(page: Page, url: string, code: string, pin: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel('Code utilisateur').fill(code);
  await page.getByLabel('PIN').fill(pin);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.getByRole('textbox', { name: 'Viseur' }).waitFor();
}

/** A scanner: the code typed fast, then Enter, into whatever has the focus. */
export async function scan(page: Page, code: string): Promise<void> {
  await page.keyboard.type(code);
  await page.keyboard.press('Enter');
}
