/**
 * Where ESC/POS bytes go: a network printer's raw port (9100/TCP) or a device file
 * (`/dev/usb/lp0`, a serial port, or a plain file for tests). Edges: these do I/O.
 */
import { open } from 'node:fs/promises';
import { connect } from 'node:net';

export class PrinterError extends Error {}

export interface TcpPrinter {
  readonly host: string;
  readonly port?: number;
  /** Give up after this many milliseconds without progress (default 5000). */
  readonly timeoutMs?: number;
}

/** Sends the bytes raw to `host:port` (JetDirect / AppSocket) and resolves once the printer has them all. */
export function sendToTcpPrinter(printer: TcpPrinter, bytes: Uint8Array): Promise<void> {
  const port = printer.port ?? 9100;
  const where = `${printer.host}:${port}`;
  return new Promise((resolve, reject) => {
    const socket = connect({ host: printer.host, port });
    socket.setTimeout(printer.timeoutMs ?? 5000);
    let failed = false;
    const fail = (message: string) => {
      if (failed) return;
      failed = true;
      socket.destroy();
      reject(new PrinterError(message));
    };
    socket.on('timeout', () => fail(`Imprimante ${where} : délai dépassé`));
    socket.on('error', (error: NodeJS.ErrnoException) =>
      fail(`Imprimante ${where} injoignable (${error.code ?? error.message})`),
    );
    socket.on('connect', () => socket.end(bytes));
    socket.on('close', () => {
      if (!failed) resolve();
    });
  });
}

/** Writes the bytes to a device file (or any file), all at once. */
export async function writeToDevice(path: string, bytes: Uint8Array): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(path, 'w');
    await handle.write(bytes);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new PrinterError(`Impossible d'écrire sur l'imprimante ${path} (${code})`);
  } finally {
    await handle?.close();
  }
}
