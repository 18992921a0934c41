#!/usr/bin/env node
// Start time of the `comptoir` command (issue 12: every command under 0.3 s): `comptoir --help` and
// `comptoir serve` (until it says it listens, on a store made by a first run) against a bare
// `node -e 0`, alternated run by run so that a drift of the machine hits both; medians printed. The
// compiled bundle (dist/cli) is what runs; `COMPTOIR_FROM_SOURCES=1` (the tsx fallback) is measured
// too, for comparison.   npm run bench:cli [-- RUNS]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const bin = join(root, 'bin', 'comptoir.js');
const runs = Number(process.argv[2] ?? 15);
const data = mkdtempSync(join(tmpdir(), 'comptoir-bench-cli-'));

/** Milliseconds from spawn to exit, or to the first output line matching `until` (then SIGTERM). */
function time(args, { env = {}, until } = {}) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, args, {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let elapsed;
    child.stdout.on('data', (chunk) => {
      out += chunk.toString();
      if (until !== undefined && elapsed === undefined && until.test(out)) {
        elapsed = Number(process.hrtime.bigint() - started) / 1e6;
        child.kill('SIGTERM');
      }
    });
    child.stderr.on('data', (chunk) => {
      out += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (elapsed === undefined) elapsed = Number(process.hrtime.bigint() - started) / 1e6;
      if (until !== undefined && !until.test(out)) reject(new Error(`pas de démarrage (${code}) : ${out}`));
      else resolve(elapsed);
    });
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const serveArgs = [bin, 'serve', '--data', data, '--port', '0', '--log', 'json'];
const listening = /écoute sur/;
const quiet = { COMPTOIR_LOG_LEVEL: 'silent' };
const cases = [
  ['node -e 0', () => time(['-e', '0'])],
  ['comptoir --help', () => time([bin, '--help'])],
  ['comptoir serve (until it listens)', () => time(serveArgs, { env: quiet, until: listening })],
  [
    'comptoir --help, from the sources (tsx)',
    () => time([bin, '--help'], { env: { COMPTOIR_FROM_SOURCES: '1' } }),
  ],
];

try {
  // The first `serve` creates the demo store: not a start, not counted.
  await time(serveArgs, { env: quiet, until: listening });
  for (const [, run] of cases) await run(); // warm-up (file cache)
  const samples = cases.map(() => []);
  for (let i = 0; i < runs; i++) {
    for (const [j, [, run]] of cases.entries()) samples[j].push(await run());
  }
  const base = median(samples[0]);
  console.log(
    `Démarrage de comptoir — ${runs} mesures alternées, charge ${loadavg()[0].toFixed(1)}, Node ${process.version}`,
  );
  for (const [j, [name]] of cases.entries()) {
    const m = median(samples[j]);
    const ratio = j === 0 ? '' : `  (${(m / base).toFixed(1)}× node -e 0, +${(m - base).toFixed(0)} ms)`;
    console.log(
      `  ${name.padEnd(42)} médiane ${m.toFixed(0).padStart(5)} ms  min ${Math.min(...samples[j])
        .toFixed(0)
        .padStart(5)}  max ${Math.max(...samples[j])
        .toFixed(0)
        .padStart(5)}${ratio}`,
    );
  }
} finally {
  rmSync(data, { recursive: true, force: true });
}
