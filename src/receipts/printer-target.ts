/**
 * A register's printer as the settings name it (issue 15): `tcp://HOST:PORT` (a network ESC/POS
 * printer on its raw port, 9100 by custom), `file:PATH` (a device file such as `/dev/usb/lp0`),
 * `browser` (the till's print dialog, on a page made for 80 mm paper) or '' (no printer). Pure.
 */

export type PrinterTarget =
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number }
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'browser' }
  | { readonly kind: 'none' };

export class PrinterTargetError extends Error {}

/** Reads a target; a French error saying what is expected otherwise. */
export function parsePrinterTarget(text: string): PrinterTarget {
  const value = text.trim();
  if (value === '') return { kind: 'none' };
  if (value === 'browser') return { kind: 'browser' };
  const tcp = /^tcp:\/\/([^\s:/]+):(\d{1,5})$/.exec(value);
  if (tcp !== null) {
    const port = Number(tcp[2]);
    if (port < 1 || port > 65_535) throw new PrinterTargetError(`Port d'imprimante invalide : ${tcp[2]}`);
    return { kind: 'tcp', host: tcp[1] as string, port };
  }
  if (value.startsWith('file:') && value.length > 5) return { kind: 'file', path: value.slice(5) };
  throw new PrinterTargetError(
    `Imprimante invalide : « ${value} » (attendu : tcp://HÔTE:PORT, file:CHEMIN ou browser)`,
  );
}

/** The target's text, as stored. */
export function printerTargetText(target: PrinterTarget): string {
  switch (target.kind) {
    case 'tcp':
      return `tcp://${target.host}:${target.port}`;
    case 'file':
      return `file:${target.path}`;
    case 'browser':
      return 'browser';
    case 'none':
      return '';
  }
}
