/**
 * A fake network printer (issue 15): it listens on raw TCP like a printer's port 9100, takes each
 * connection as one job, decodes the ESC/POS stream with the tests' scanner (`escpos-scan.ts`) and
 * keeps the text and the drawer pulses for assertions. `stop()` makes it « off » (connections
 * refused) and `start()` brings it back on the same port. Used by the tests and `comptoir printer fake`.
 */
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { commandsNamed, type Scanned, scanEscPos, textOf } from './escpos-scan.ts';

export interface PrintedJob {
  readonly bytes: Buffer;
  readonly scan: readonly Scanned[];
  readonly text: string;
  /** Drawer pulses (ESC p) in the job. */
  readonly pulses: number;
  /** Paper cuts (GS V) in the job. */
  readonly cuts: number;
  /** When the first byte arrived (performance.now()). */
  readonly firstByteAt: number;
}

export class FakePrinter {
  readonly jobs: PrintedJob[] = [];
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private waiters: { count: number; resolve: () => void }[] = [];
  port = 0;

  constructor(readonly host = '127.0.0.1') {}

  /** Listens (on `port`, or the port it had, or a free one); resolves with the port. */
  async start(port = this.port): Promise<number> {
    const server = createServer((socket) => this.accept(socket));
    server.listen(port, this.host);
    await once(server, 'listening');
    const address = server.address();
    this.port = typeof address === 'object' && address !== null ? address.port : port;
    this.server = server;
    return this.port;
  }

  /** The printer « off »: no more connections (jobs in flight are cut). */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server === undefined) return;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  get target(): string {
    return `tcp://${this.host}:${this.port}`;
  }

  /** All the text printed so far. */
  get text(): string {
    return this.jobs.map((j) => j.text).join('');
  }

  get pulses(): number {
    return this.jobs.reduce((n, j) => n + j.pulses, 0);
  }

  /** Resolves once `count` jobs in all have been printed. */
  waitForJobs(count: number): Promise<void> {
    if (this.jobs.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  /** Called with each job printed (the command prints it). */
  onJob: ((job: PrintedJob) => void) | undefined;

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    const chunks: Buffer[] = [];
    let firstByteAt = 0;
    socket.on('data', (chunk: Buffer) => {
      if (chunks.length === 0) firstByteAt = performance.now();
      chunks.push(chunk);
    });
    socket.on('error', () => {});
    socket.on('end', () => {
      socket.end();
      const bytes = Buffer.concat(chunks);
      if (bytes.length === 0) return;
      const scan = scanEscPos(bytes);
      const job: PrintedJob = {
        bytes,
        scan,
        text: textOf(scan),
        pulses: commandsNamed(scan, 'pulse').length,
        cuts: commandsNamed(scan, 'cut').length,
        firstByteAt,
      };
      this.jobs.push(job);
      this.onJob?.(job);
      const ready = this.waiters.filter((w) => this.jobs.length >= w.count);
      this.waiters = this.waiters.filter((w) => this.jobs.length < w.count);
      for (const w of ready) w.resolve();
    });
    socket.on('close', () => this.sockets.delete(socket));
  }
}

/** A fake printer listening on a free port of 127.0.0.1. */
export async function startFakePrinter(port = 0): Promise<FakePrinter> {
  const printer = new FakePrinter();
  await printer.start(port);
  return printer;
}
