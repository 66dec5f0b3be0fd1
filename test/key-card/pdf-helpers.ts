import { PassThrough } from 'node:stream';
import type { CardRecord, PdfOptions } from '@nemid-sim/key-card';
import { renderPdf } from '@nemid-sim/key-card';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

/** Renders cards to an in-memory PDF. */
export async function pdfBytes(cards: readonly CardRecord[], options: PdfOptions = {}): Promise<Uint8Array> {
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (c: Buffer) => chunks.push(c));
  await renderPdf(cards, sink, options);
  return new Uint8Array(Buffer.concat(chunks));
}

export interface TextRun {
  text: string;
  /** Font size in points, from the text matrix. */
  size: number;
  fontName: string;
  x: number;
  y: number;
  /** Advance width of the run in points. */
  width: number;
}

export interface PageText {
  width: number;
  height: number;
  runs: TextRun[];
}

/** Text runs of every page, as a PDF reader sees them (pdf.js). */
export async function extractPages(bytes: Uint8Array): Promise<PageText[]> {
  const doc = await getDocument({ data: bytes.slice(), useSystemFonts: false, isEvalSupported: false })
    .promise;
  const pages: PageText[] = [];
  for (let p = 1; p <= doc.numPages; p++) {
    const page = await doc.getPage(p);
    const [x0, y0, x1, y1] = page.view;
    const content = await page.getTextContent();
    const runs: TextRun[] = [];
    for (const item of content.items) {
      if (!('str' in item) || item.str.trim() === '') continue;
      const [a, b, , , e, f] = item.transform as number[];
      runs.push({
        text: item.str,
        size: Math.hypot(a, b),
        fontName: item.fontName,
        x: e,
        y: f,
        width: item.width,
      });
    }
    pages.push({ width: x1 - x0, height: y1 - y0, runs });
  }
  await doc.destroy();
  return pages;
}

/** The page boxes as written in the file: pdfkit writes page dictionaries as plain objects. */
export function pageBoxes(bytes: Uint8Array): { media: number[]; trim: number[]; bleed: number[] }[] {
  const text = Buffer.from(bytes).toString('latin1');
  const nums = (s: string) => s.trim().split(/\s+/).map(Number);
  const out: { media: number[]; trim: number[]; bleed: number[] }[] = [];
  for (const m of text.matchAll(/\/Type \/Page\b[\s\S]*?>>/g)) {
    const dict = m[0];
    const box = (name: string) => {
      const found = new RegExp(`/${name} \\[([^\\]]*)\\]`).exec(dict);
      return found ? nums(found[1]) : [];
    };
    out.push({ media: box('MediaBox'), trim: box('TrimBox'), bleed: box('BleedBox') });
  }
  return out;
}

export const MM = 72 / 25.4;
