import type PDFDocument from 'pdfkit';

type Doc = InstanceType<typeof PDFDocument>;

/**
 * pdfkit's `text()` lays out every string with fontkit and caches the layout of every distinct word
 * for the life of the document. A batch prints 148 distinct keys per card, so that cache would grow
 * without bound and the layout would dominate the run time. Key lines hold only digits and spaces,
 * which need no shaping, so they are written here straight into the content stream with the glyph
 * codes pdfkit itself assigned to those characters (so the subset, widths and ToUnicode map stay
 * pdfkit's). If pdfkit's internals ever change shape, `createDigitWriter` returns undefined and the
 * caller falls back to `text()`.
 */
interface EmbeddedFont {
  id: string;
  encode(text: string): [string[], unknown];
  ref(): unknown;
}

interface DocInternals {
  _font?: EmbeddedFont;
  _fontFamilies?: Record<string, { layoutCache?: Record<string, unknown> }>;
  _fontSize?: number;
  page: { fonts?: Record<string, unknown>; height: number };
}

export const DIGIT_TEXT = /^[0-9 ]+$/;

export interface DigitWriter {
  /** Queues `text` (digits and spaces only) with its baseline at (x, y), in pdfkit's user space (pt). */
  write(text: string, x: number, y: number): void;
  /** Writes the queued lines as one text object; call before anything else is drawn over them. */
  flush(): void;
}

const fmt = (v: number): string => String(Math.round(v * 1000) / 1000);

export function createDigitWriter(doc: Doc): DigitWriter | undefined {
  const internals = doc as unknown as DocInternals;
  const font = internals._font;
  if (!font || typeof font.encode !== 'function' || typeof font.id !== 'string' || !internals.page.fonts) {
    return undefined;
  }
  const codes = new Map<string, string>();
  for (const ch of '0123456789 ') {
    const [hex] = font.encode(ch);
    if (hex.length !== 1 || !/^[0-9a-f]{4}$/.test(hex[0])) return undefined;
    codes.set(ch, hex[0]);
  }
  const size = internals._fontSize ?? 12;
  let queued = '';
  return {
    write(text, x, y) {
      let hex = '';
      for (const ch of text) hex += codes.get(ch);
      queued += `1 0 0 1 ${fmt(x)} ${fmt(internals.page.height - y)} Tm <${hex}> Tj\n`;
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
