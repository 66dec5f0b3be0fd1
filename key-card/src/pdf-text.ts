import type PDFDocument from 'pdfkit';
import type { Anchor } from './drawing.js';

type Doc = InstanceType<typeof PDFDocument>;

/**
 * Writes text runs straight into the content stream, several lines in one text object, instead of
 * through pdfkit's `text()`. That call measures each string two or three times over (for the
 * fragment, for the line and for alignment) besides laying it out, and a batch prints a dozen
 * texts on every card. Here each string is laid out once, with pdfkit's own font encoder, so the
 * glyph codes, kerning, subset, widths and ToUnicode map stay pdfkit's, and the TJ arrays are the
 * ones `text()` writes.
 *
 * Key lines (digits and spaces) take a faster path still: pdfkit caches the layout of every
 * distinct word for the life of the document, and a batch prints 148 distinct keys per card, so
 * they are written from the glyph codes of the ten digits and the space, without layout (and so
 * without kerning, which keeps digits in columns). If pdfkit's internals ever change shape,
 * `createTextWriter` returns undefined and the caller falls back to `text()`.
 */
interface EmbeddedFont {
  id: string;
  encode(text: string): [string[], GlyphPosition[]];
  ref(): unknown;
}

interface GlyphPosition {
  xAdvance: number;
  advanceWidth: number;
  xOffset?: number;
  yOffset?: number;
}

interface DocInternals {
  _font?: EmbeddedFont;
  _fontFamilies?: Record<string, { layoutCache?: Record<string, unknown> }>;
  _fontSize?: number;
  page: { fonts?: Record<string, unknown>; height: number };
}

const DIGIT_TEXT = /^[0-9 ]+$/;

export interface TextWriter {
  /**
   * Queues `text` with its baseline at (x, y) in pdfkit's user space (pt), anchored at its start,
   * middle or end. Returns false for a text this writer cannot place exactly (glyphs with offsets),
   * which the caller then draws with `text()`.
   */
  write(text: string, x: number, y: number, anchor: Anchor): boolean;
  /** Writes the queued lines as one text object; call before anything else is drawn over them. */
  flush(): void;
}

const fmt = (v: number): string => String(Math.round(v * 1000) / 1000);

// The glyph codes of the digits and the space, per embedded font (a writer is made at every change
// of style, a dozen times a card).
const digitCodes = new WeakMap<EmbeddedFont, Map<string, string> | null>();

function codesOf(font: EmbeddedFont): Map<string, string> | null {
  let codes = digitCodes.get(font);
  if (codes === undefined) {
    codes = new Map();
    for (const ch of '0123456789 ') {
      const [hex] = font.encode(ch);
      if (hex.length !== 1 || !/^[0-9a-f]{4}$/.test(hex[0])) {
        codes = null;
        break;
      }
      codes.set(ch, hex[0]);
    }
    digitCodes.set(font, codes);
  }
  return codes;
}

/** A writer for the current font and size of `doc`. */
export function createTextWriter(doc: Doc): TextWriter | undefined {
  const internals = doc as unknown as DocInternals;
  const font = internals._font;
  if (!font || typeof font.encode !== 'function' || typeof font.id !== 'string' || !internals.page.fonts) {
    return undefined;
  }
  const digits = codesOf(font);
  if (!digits) return undefined;
  const size = internals._fontSize ?? 12;
  let queued = '';
  const at = (x: number, y: number) => `1 0 0 1 ${fmt(x)} ${fmt(internals.page.height - y)} Tm `;
  return {
    write(text, x, y, anchor) {
      if (anchor === 'start' && DIGIT_TEXT.test(text)) {
        let hex = '';
        for (const ch of text) hex += digits.get(ch);
        queued += `${at(x, y)}<${hex}> Tj\n`;
        return true;
      }
      const [codes, positions] = font.encode(text);
      // As pdfkit's text(): glyphs are grouped while they advance by their own width; a kerned
      // glyph ends its group with the adjustment, in thousandths of the font size.
      const parts: string[] = [];
      let width = 0;
      let start = 0;
      for (let i = 0; i < positions.length; i++) {
        const p = positions[i];
        if (p.xOffset || p.yOffset) return false;
        width += p.xAdvance;
        const kern = p.xAdvance - p.advanceWidth;
        if (kern !== 0 || i === positions.length - 1) {
          parts.push(`<${codes.slice(start, i + 1).join('')}> ${fmt(-kern)}`);
          start = i + 1;
        }
      }
      const w = (width * size) / 1000;
      const left = anchor === 'start' ? x : anchor === 'middle' ? x - w / 2 : x - w;
      queued += `${at(left, y)}[${parts.join(' ')}] TJ\n`;
      return true;
    },
    flush() {
      if (queued === '') return;
      const fonts = internals.page.fonts;
      if (fonts && fonts[font.id] == null) fonts[font.id] = font.ref();
      // The operators pdfkit's text() writes, once for all queued lines: flip back to PDF space,
      // select the font, then position and show each line.
      const h = internals.page.height;
      doc.addContent(`q 1 0 0 -1 0 ${fmt(h)} cm BT /${font.id} ${fmt(size)} Tf\n${queued}ET Q`);
      queued = '';
    },
  };
}

/**
 * Empties pdfkit's per-font word-layout caches. Card numbers and panel ranges differ on every card,
 * so the caches would otherwise grow with the batch; the renderer calls this every so many sheets,
 * which bounds them and costs one re-layout of the words that repeat on every card.
 */
export function clearLayoutCaches(doc: Doc): void {
  const families = (doc as unknown as DocInternals)._fontFamilies;
  if (!families) return;
  for (const font of Object.values(families)) {
    if (font.layoutCache && typeof font.layoutCache === 'object') font.layoutCache = Object.create(null);
  }
}
