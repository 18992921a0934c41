/**
 * A Caisse-AP terminal simulator (issue 15, `comptoir terminal-sim`): it listens like a terminal
 * (127.0.0.1:8888 by default), reads one payment request per connection and answers as its mode
 * says, so that the register, the tests and the demo store can pay by card without a terminal.
 * Edge: a TCP server.
 */
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { encodeMessage, type Field, MessageReader } from './caisse-ap.ts';

export const SIMULATOR_MODES = [
  'success',
  'refused',
  'cancelled',
  'input-timeout',
  'partial',
  'split',
  'slow',
  'drop',
  'busy',
  'bad-frame',
] as const;
export type SimulatorMode = (typeof SIMULATOR_MODES)[number];

export const MODE_LABELS: Readonly<Record<SimulatorMode, string>> = {
  success: 'paiement accepté',
  refused: 'carte refusée (AF=04)',
  cancelled: 'annulé par l’opérateur (AF=11)',
  'input-timeout': 'temps de saisie dépassé (AF=08)',
  partial: 'paiement partiel (CB moitié du montant demandé)',
  split: 'réponse acceptée envoyée en plusieurs morceaux',
  slow: 'réponse acceptée après le délai lent',
  drop: 'connexion coupée en pleine transaction',
  busy: 'occupé : une seconde connexion est ignorée',
  'bad-frame': 'message mal formé (AE=01, AF=09)',
};

export interface SimulatorOptions {
  readonly mode?: SimulatorMode;
  /** The delay of every answer (the customer typing the PIN), ms; `slow` uses `slowMs`. */
  readonly delayMs?: number;
  readonly slowMs?: number;
  readonly host?: string;
}

export interface RequestSeen {
  readonly fields: ReadonlyMap<string, string>;
  readonly mode: SimulatorMode;
}

export class TerminalSimulator {
  mode: SimulatorMode;
  delayMs: number;
  slowMs: number;
  /** Every request read, in order (a test checks that none was sent twice). */
  readonly requests: RequestSeen[] = [];
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  /** Connections with a transaction in progress (open and not yet answered or closed). */
  private readonly inProgress = new Set<Socket>();
  private authorisations = 0;
  port = 0;

  constructor(private readonly options: SimulatorOptions = {}) {
    this.mode = options.mode ?? 'success';
    this.delayMs = options.delayMs ?? 0;
    this.slowMs = options.slowMs ?? 3000;
  }

  async start(port = 8888): Promise<number> {
    const server = createServer((socket) => this.accept(socket));
    server.listen(port, this.options.host ?? '127.0.0.1');
    await once(server, 'listening');
    const address = server.address();
    this.port = typeof address === 'object' && address !== null ? address.port : port;
    this.server = server;
    return this.port;
  }

  get address(): string {
    return `${this.options.host ?? '127.0.0.1'}:${this.port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => {});
    if (this.mode === 'busy' && this.inProgress.size > 0) return; // a second connection: silence
    this.inProgress.add(socket);
    socket.on('close', () => this.inProgress.delete(socket));
    let answered = false;
    const reader = new MessageReader();
    socket.on('data', (chunk: Buffer) => {
      if (answered) return;
      if (!reader.push(chunk.toString('latin1'))) {
        answered = true;
        socket.end(
          encodeMessage([
            ['CZ', '0300'],
            ['AE', '01'],
            ['AF', '09'],
          ]),
        );
        return;
      }
      if (!reader.atBoundary || !reader.has('CZ', 'CJ', 'CA', 'CB', 'CD', 'CE')) return;
      answered = true;
      const mode = this.mode;
      this.requests.push({ fields: new Map(reader.message), mode });
      void this.answer(socket, reader.message, mode);
    });
  }

  private async answer(
    socket: Socket,
    request: ReadonlyMap<string, string>,
    mode: SimulatorMode,
  ): Promise<void> {
    const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const echo: Field[] = ['CZ', 'CJ', 'CA', 'CD', 'CE'].map((t) => [t, request.get(t) ?? ''] as const);
    const asked = Number(request.get('CB') ?? '0');
    const done = (paid: number): Field[] => {
      this.authorisations += 1;
      return [
        ...echo,
        ['AE', '10'],
        ['CB', String(paid).padStart(2, '0')],
        ['CC', '001'],
        ['CI', '1'],
        ['AC', String(100_000 + (this.authorisations % 900_000))],
        ['AA', '############4242'],
      ];
    };
    const notDone = (reason: string): Field[] => [...echo, ['AE', '01'], ['AF', reason]];
    if (mode === 'busy') {
      // The one transaction in progress is served after the delay; others are ignored.
      await wait(this.delayMs);
      socket.end(encodeMessage(done(asked)));
      return;
    }
    await wait(mode === 'slow' ? this.slowMs : this.delayMs);
    if (socket.destroyed) return;
    switch (mode) {
      case 'success':
        socket.end(encodeMessage(done(asked)));
        return;
      case 'refused':
        socket.end(encodeMessage(notDone('04')));
        return;
      case 'cancelled':
        socket.end(encodeMessage(notDone('11')));
        return;
      case 'input-timeout':
        socket.end(encodeMessage(notDone('08')));
        return;
      case 'partial':
        socket.end(encodeMessage(done(Math.max(1, Math.floor(asked / 2)))));
        return;
      case 'slow':
        socket.end(encodeMessage(done(asked)));
        return;
      case 'split': {
        const text = encodeMessage(done(asked));
        for (let i = 0; i < text.length; i += 7) {
          socket.write(text.slice(i, i + 7));
          await wait(2);
        }
        socket.end();
        return;
      }
      case 'drop':
        socket.destroy();
        return;
      case 'bad-frame':
        socket.end(encodeMessage([...echo, ['AE', '01'], ['AF', '09']]));
        return;
    }
  }
}

export async function startTerminalSimulator(options: SimulatorOptions & { port?: number } = {}) {
  const simulator = new TerminalSimulator(options);
  await simulator.start(options.port ?? 0);
  return simulator;
}
