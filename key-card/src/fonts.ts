import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Weight } from './drawing.js';

/**
 * Atkinson Hyperlegible (Braille Institute), made for readers with low vision: 1, l and I and 0 and O
 * have clearly different shapes. The latin subset holds æ, ø and å.
 */
export const FONT_FAMILY = 'Atkinson Hyperlegible';
const FILES: Record<Weight, string> = {
  regular: '@fontsource/atkinson-hyperlegible/files/atkinson-hyperlegible-latin-400-normal.woff',
  bold: '@fontsource/atkinson-hyperlegible/files/atkinson-hyperlegible-latin-700-normal.woff',
};

const cache = new Map<Weight, Buffer>();

/** The WOFF file of a weight, read once per process. */
export function fontData(weight: Weight): Buffer {
  let data = cache.get(weight);
  if (!data) {
    data = readFileSync(createRequire(import.meta.url).resolve(FILES[weight]));
    cache.set(weight, data);
  }
  return data;
}
