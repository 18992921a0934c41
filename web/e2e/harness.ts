/**
 * What the end-to-end tests and the UI benchmark share: the front end built once, the real server
 * (`serve()`, what `comptoir serve` runs) on an ephemeral port over a temporary data directory, and
 * Debian's Chromium driven by playwright-core with a fresh profile.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { serve } from '../../src/server/server.ts';

export const ROOT = new URL('../..', import.meta.url).pathname;
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Builds web/dist (about a second); fails loudly if the build or the size budget fails. Under the
 * test runner (`scripts/run-tests.mjs`, which built it once before the files run side by side) it is
 * not built again: a rebuild empties the folder another file's server is serving.
 */
export function buildWeb(): void {
  if (process.env.COMPTOIR_WEB_BUILT === '1') return;
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
  clock?: () => Date,
): Promise<RunningServer> {
  let output = '';
  const running = await serve({
    dataDir: dir,
    env: { COMPTOIR_LOG_LEVEL: 'silent', ...env },
    overrides: { port: 0, host: '127.0.0.1' },
    ...(clock === undefined ? {} : { clock }),
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
export async function openBrowser(options: { hasTouch?: boolean } = {}): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'comptoir-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    locale: 'fr-FR',
    viewport: { width: 1366, height: 800 },
    hasTouch: options.hasTouch === true,
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

/** One violation of axe-core, as the tests report it. */
export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly targets: string[];
}

const axeSource = (): string => (createRequire(import.meta.url)('axe-core') as { source: string }).source;

/**
 * Runs axe-core (WCAG 2.2 A and AA rules and best practices) in the page as it is now; returns its
 * serious and critical violations.
 */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate('typeof window.axe !== "undefined"'))) await page.evaluate(axeSource());
  const results = (await page.evaluate(`window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
    resultTypes: ['violations'],
  }).then((r) => r.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
  })))`)) as AxeViolation[];
  return results.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/**
 * What the screen hides or cuts, read in the page: text wider than its box (« Espèc »), a column of
 * the ticket out of its zone, the page scrolling, the pointed line or the counts out of sight, a
 * touch target under 44 px. Empty when all is well.
 */
export async function layoutProblems(page: Page): Promise<string[]> {
  return (await page.evaluate(`(() => {
    const problems = [];
    const name = (el) => (el.getAttribute('aria-label') || el.textContent || el.tagName).trim().slice(0, 40);
    const visible = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
    const root = document.documentElement;
    if (root.scrollWidth > innerWidth + 1) problems.push('la page défile en largeur (' + root.scrollWidth + ' px)');
    if (root.scrollHeight > innerHeight + 1) problems.push('la page défile en hauteur (' + root.scrollHeight + ' px)');
    const texts = document.querySelectorAll('main td, main th, main button, main label, main dd, main dt, main p, main output, main kbd, main span, main h2, main select, main legend');
    for (const el of texts) {
      if (!visible(el) || el.closest('.sr')) continue;
      if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== 'auto') problems.push('texte coupé : « ' + name(el) + ' » (' + el.scrollWidth + ' > ' + el.clientWidth + ')');
    }
    const box = document.querySelector('.lines .table-scroll');
    if (box) {
      if (box.scrollWidth > box.clientWidth + 1) problems.push('le ticket défile en largeur : une colonne est cachée');
      const limit = box.getBoundingClientRect();
      for (const th of box.querySelectorAll('thead th')) {
        const r = th.getBoundingClientRect();
        if (r.width < 8 || r.right > limit.right + 1 || r.left < limit.left - 1) problems.push('colonne cachée : ' + name(th));
      }
      const pointed = box.querySelector('tr.pointed');
      if (pointed) {
        const r = pointed.getBoundingClientRect();
        if (r.bottom > limit.bottom + 1 || r.top < limit.top - 1) problems.push('la ligne pointée est hors de vue');
      }
    }
    const counts = document.querySelector('.lines .counts');
    if (counts) {
      const r = counts.getBoundingClientRect();
      if (r.bottom > innerHeight || r.height === 0) problems.push('le nombre de lignes est hors de vue');
    }
    for (const el of document.querySelectorAll('main button, main select, main input:not([type=checkbox])')) {
      if (!visible(el)) continue;
      const r = el.getBoundingClientRect();
      if (r.height < 43.5 || r.width < 43.5) problems.push('cible tactile de ' + Math.round(r.width) + '×' + Math.round(r.height) + ' px : ' + name(el));
    }
    return problems;
  })()`)) as string[];
}

/** The accessible name (or text) of what has the focus, and whether it is inside a dialog. */
export async function focused(page: Page): Promise<{ tag: string; name: string; inDialog: boolean }> {
  return (await page.evaluate(`(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return { tag: 'BODY', name: '', inDialog: false };
    return {
      tag: el.tagName,
      name: (el.getAttribute('aria-label') || el.textContent || '').trim(),
      inDialog: el.closest('[role=dialog]') !== null,
    };
  })()`)) as { tag: string; name: string; inDialog: boolean };
}
