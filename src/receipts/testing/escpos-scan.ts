/**
 * A small ESC/POS command scanner for the tests: it walks a byte stream, names each command it knows
 * and decodes the text between them, so a test can assert what a printer would do. An unknown command
 * is an error: the stream must hold only what we meant to send.
 */

export type Scanned =
  | { readonly kind: 'text'; readonly text: string; readonly codepage: number }
  | {
      readonly kind: 'command';
      readonly name: CommandName;
      readonly args: readonly number[];
      readonly data?: Buffer;
    };

export type CommandName =
  | 'initialize'
  | 'cancel-kanji'
  | 'font'
  | 'codepage'
  | 'bold'
  | 'underline'
  | 'align'
  | 'print-mode'
  | 'line-spacing'
  | 'size'
  | 'invert'
  | 'barcode-height'
  | 'barcode-width'
  | 'barcode-text'
  | 'barcode-font'
  | 'barcode'
  | '2d-code'
  | 'cut'
  | 'pulse'
  | 'feed';

const ESC = 0x1b;
const GS = 0x1d;
const FS = 0x1c;

/** One-argument commands: [prefix, code] → name. */
const ONE_ARG: ReadonlyMap<string, CommandName> = new Map([
  [`${ESC},${0x4d}`, 'font'],
  [`${ESC},${0x74}`, 'codepage'],
  [`${ESC},${0x45}`, 'bold'],
  [`${ESC},${0x2d}`, 'underline'],
  [`${ESC},${0x61}`, 'align'],
  [`${ESC},${0x21}`, 'print-mode'],
  [`${ESC},${0x33}`, 'line-spacing'],
  [`${ESC},${0x64}`, 'feed'],
  [`${GS},${0x21}`, 'size'],
  [`${GS},${0x42}`, 'invert'],
  [`${GS},${0x68}`, 'barcode-height'],
  [`${GS},${0x77}`, 'barcode-width'],
  [`${GS},${0x48}`, 'barcode-text'],
  [`${GS},${0x66}`, 'barcode-font'],
]);

/** Windows-1252 where it differs from Latin-1 (Node's TextDecoder treats the label as Latin-1). */
const CP1252_HIGH: Readonly<Record<number, string>> = {
  128: '€',
  133: '…',
  140: 'Œ',
  145: '‘',
  146: '’',
  147: '“',
  148: '”',
  150: '–',
  151: '—',
  156: 'œ',
  159: 'Ÿ',
};

function decode(bytes: Buffer, codepage: number): string {
  if (codepage === 16) return [...bytes].map((b) => CP1252_HIGH[b] ?? String.fromCharCode(b)).join('');
  // Other code pages: only ASCII is certain; anything else shows as U+FFFD.
  return [...bytes].map((b) => (b < 0x80 ? String.fromCharCode(b) : '\uFFFD')).join('');
}

export function scanEscPos(input: Uint8Array): Scanned[] {
  const bytes = Buffer.from(input);
  const out: Scanned[] = [];
  let codepage = 0;
  let i = 0;
  let textStart = -1;
  const flush = (end: number) => {
    if (textStart >= 0 && end > textStart)
      out.push({ kind: 'text', text: decode(bytes.subarray(textStart, end), codepage), codepage });
    textStart = -1;
  };
  const need = (n: number) => {
    if (i + n > bytes.length) throw new Error(`commande tronquée à l'octet ${i}`);
  };
  while (i < bytes.length) {
    const b = bytes[i] as number;
    if (b !== ESC && b !== GS && b !== FS) {
      if (b < 0x20 && b !== 0x0a && b !== 0x0d)
        throw new Error(`octet de contrôle inattendu 0x${b.toString(16)} à ${i}`);
      if (textStart < 0) textStart = i;
      i += 1;
      continue;
    }
    flush(i);
    need(2);
    const code = bytes[i + 1] as number;
    const one = ONE_ARG.get(`${b},${code}`);
    if (one !== undefined) {
      need(3);
      const arg = bytes[i + 2] as number;
      if (one === 'codepage') codepage = arg;
      out.push({ kind: 'command', name: one, args: [arg] });
      i += 3;
    } else if (b === ESC && code === 0x40) {
      out.push({ kind: 'command', name: 'initialize', args: [] });
      i += 2;
    } else if (b === FS && code === 0x2e) {
      out.push({ kind: 'command', name: 'cancel-kanji', args: [] });
      i += 2;
    } else if (b === ESC && code === 0x70) {
      need(5);
      out.push({ kind: 'command', name: 'pulse', args: [...bytes.subarray(i + 2, i + 5)] });
      i += 5;
    } else if (b === GS && code === 0x56) {
      need(3);
      const m = bytes[i + 2] as number;
      const length = m === 65 || m === 66 ? 4 : 3;
      need(length);
      out.push({ kind: 'command', name: 'cut', args: [...bytes.subarray(i + 2, i + length)] });
      i += length;
    } else if (b === GS && code === 0x6b) {
      need(4);
      const m = bytes[i + 2] as number;
      if (m >= 65) {
        const n = bytes[i + 3] as number;
        need(4 + n);
        out.push({ kind: 'command', name: 'barcode', args: [m], data: bytes.subarray(i + 4, i + 4 + n) });
        i += 4 + n;
      } else {
        const end = bytes.indexOf(0, i + 3);
        if (end < 0) throw new Error('code-barres sans fin');
        out.push({ kind: 'command', name: 'barcode', args: [m], data: bytes.subarray(i + 3, end) });
        i = end + 1;
      }
    } else if (b === GS && code === 0x28 && bytes[i + 2] === 0x6b) {
      need(5);
      const length = (bytes[i + 3] as number) + 256 * (bytes[i + 4] as number);
      need(5 + length);
      const body = bytes.subarray(i + 5, i + 5 + length);
      out.push({
        kind: 'command',
        name: '2d-code',
        args: [body[0] ?? 0, body[1] ?? 0],
        data: body.subarray(2),
      });
      i += 5 + length;
    } else {
      throw new Error(`commande inconnue 0x${b.toString(16)} 0x${code.toString(16)} à l'octet ${i}`);
    }
  }
  flush(i);
  return out;
}

/** The commands of a scan with a given name. */
export function commandsNamed(scan: readonly Scanned[], name: CommandName) {
  return scan.flatMap((s) => (s.kind === 'command' && s.name === name ? [s] : []));
}

/** All the text of a scan. */
export function textOf(scan: readonly Scanned[]): string {
  return scan.flatMap((s) => (s.kind === 'text' ? [s.text] : [])).join('');
}
