/**
 * How `comptoir serve` logs (issue 12, item 6): one line per event — a request answered, the mail
 * worker's news, the start and stop — either readable by a person (`text`, the default on a terminal)
 * or one JSON object per line (`json`, the default when the output is not a terminal, for a log
 * collector). The server's logger (pino) writes JSON lines into `logStream`, which passes them on or
 * turns them into text.
 */
import { createServer } from 'node:net';

export const LOG_FORMATS = ['text', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** The format asked for, else text on a terminal and JSON otherwise. */
export function logFormatOf(asked: LogFormat | undefined, isTerminal: boolean): LogFormat {
  return asked ?? (isTerminal ? 'text' : 'json');
}

const LEVELS: Readonly<Record<number, string>> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'AVERT',
  50: 'ERREUR',
  60: 'FATAL',
};

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** One pino JSON line as a readable line: time, level, message, then the request's facts. */
export function textLine(json: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.trimEnd();
  }
  const at = new Date(typeof entry.time === 'number' ? entry.time : Date.now());
  const time = `${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}`;
  const level = LEVELS[typeof entry.level === 'number' ? entry.level : 30] ?? 'INFO';
  const parts = [time, level.padEnd(6)];
  if (typeof entry.method === 'string') {
    parts.push(`${entry.method} ${String(entry.url)} → ${String(entry.statusCode)}`);
    if (typeof entry.ms === 'number') parts.push(`(${entry.ms.toFixed(1).replace('.', ',')} ms)`);
  } else if (typeof entry.msg === 'string') {
    parts.push(entry.msg);
  }
  const err = entry.err as { message?: string } | undefined;
  if (err?.message !== undefined) parts.push(`: ${err.message}`);
  return parts.join(' ');
}

/** A JSON line as the server's logger writes it, for the lines `serve` prints itself. */
export function jsonLine(message: string, now: Date = new Date()): string {
  return JSON.stringify({ level: 30, time: now.getTime(), msg: message });
}

/** The stream the server's logger writes to: `write(line)` each JSON line, as `format` says. */
export function logStream(format: LogFormat, out: (line: string) => void): { write(line: string): void } {
  return {
    write(line: string) {
      out(format === 'json' ? line.trimEnd() : textLine(line));
    },
  };
}

/** Refused before anything is created when the port is taken (EADDRINUSE, EACCES). */
export class PortUnavailableError extends Error {
  override name = 'PortUnavailableError';
}

export function portUnavailable(host: string, port: number, code: string | undefined): PortUnavailableError {
  const why =
    code === 'EACCES'
      ? `Le port ${port} est réservé (droits insuffisants) sur ${host}`
      : `Le port ${port} est déjà utilisé sur ${host} (un autre Comptoir, ou un autre programme)`;
  return new PortUnavailableError(
    `${why} : choisissez-en un autre avec l’option --port (par exemple « comptoir serve --port ${port === 65_535 ? 3001 : port + 1} ») ou la variable COMPTOIR_PORT. Rien n’a été créé.`,
  );
}

/** Checks that `host:port` can be listened on, by listening there for an instant (port 0: any port). */
export function assertPortFree(host: string, port: number): Promise<void> {
  if (port === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE' || error.code === 'EACCES'
          ? portUnavailable(host, port, error.code)
          : error,
      );
    });
    probe.listen({ host, port, exclusive: true }, () => {
      probe.close(() => resolve());
    });
  });
}
