// What pdfkit 0.20 accepts and @types/pdfkit does not declare yet.
declare namespace PDFKit.Mixins {
  interface PDFAttachmentOptions {
    /** The file's AFRelationship (PDF 2.0 / PDF/A-3). */
    relationship?: 'Alternative' | 'Data' | 'Source' | 'Supplement' | 'Unspecified';
  }
}
declare namespace PDFKit {
  interface DocumentInfo {
    /** Custom keys of the document information dictionary. */
    [key: string]: string | Date | undefined;
  }
}

// fontkit 2 (pdfkit's own font engine) ships no types: the one function we use.
declare module 'fontkit' {
  /** A parsed font; pdfkit 0.20 accepts it in `registerFont` in place of the file's bytes. */
  export interface Glyph {
    readonly id: number;
    readonly advanceWidth: number;
    readonly codePoints: readonly number[];
  }
  export interface Font {
    layout(text: string): unknown;
    glyphForCodePoint(codePoint: number): Glyph;
  }
  export function create(buffer: Uint8Array, postscriptName?: string): Font;
}
