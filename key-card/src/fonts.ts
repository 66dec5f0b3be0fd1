import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Weight } from './drawing.js';
import { woffToSfnt } from './woff.js';

/**
 * Atkinson Hyperlegible (Braille Institute), made for readers with low vision: 1, l and I and 0 and O
 * have clearly different shapes. The latin subset holds æ, ø and å.
 */
export const FONT_FAMILY = 'Atkinson Hyperlegible';
const FILES: Record<Weight, string> = {
  regular: '@fontsource/atkinson-hyperlegible/files/atkinson-hyperlegible-latin-400-normal.woff',
  bold: '@fontsource/atkinson-hyperlegible/files/atkinson-hyperlegible-latin-700-normal.woff',
};

const woffCache = new Map<Weight, Buffer>();
const sfntCache = new Map<Weight, Buffer>();

/** The WOFF file of a weight (what the SVG embeds), read once per process. */
export function fontData(weight: Weight): Buffer {
  let data = woffCache.get(weight);
  if (!data) {
    data = readFileSync(createRequire(import.meta.url).resolve(FILES[weight]));
    woffCache.set(weight, data);
  }
  return data;
}

/** The same font as a plain TrueType file, which is what the PDF renderer hands to pdfkit. */
export function fontSfnt(weight: Weight): Buffer {
  let data = sfntCache.get(weight);
  if (!data) {
    const sfnt = woffToSfnt(fontData(weight));
    data = Buffer.from(sfnt.buffer, sfnt.byteOffset, sfnt.byteLength);
    sfntCache.set(weight, data);
  }
  return data;
}
