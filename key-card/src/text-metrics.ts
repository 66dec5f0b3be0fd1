import { create, type Font } from 'fontkit';
import type { Weight } from './drawing.js';
import { fontSfnt } from './fonts.js';

const PT_TO_MM = 25.4 / 72;
const fonts = new Map<Weight, Font>();

function font(weight: Weight): Font {
  let f = fonts.get(weight);
  if (!f) {
    const made = create(fontSfnt(weight));
    if (!('layout' in made)) throw new TypeError('the card font is a collection, not one font');
    f = made;
    fonts.set(weight, f);
  }
  return f;
}

/**
 * Where each character of `text` starts, in mm from the start of the text, laid out (kerning
 * included) with the card font as the PDF lays it out, and the width of the whole text. The SVG
 * places every character at its own position, so a renderer without the embedded font still keeps
 * each text where it belongs instead of running it into its neighbour.
 */
export function characterOffsets(
  text: string,
  weight: Weight,
  sizePt: number,
): { x: number[]; width: number } {
  const f = font(weight);
  const run = f.layout(text);
  const scale = (sizePt * PT_TO_MM) / f.unitsPerEm;
  const x: number[] = [];
  let pen = 0;
  run.glyphs.forEach((glyph, i) => {
    const advance = run.positions[i].xAdvance;
    // A ligature covers several characters: share its advance among them.
    const chars = Math.max(1, glyph.codePoints.length);
    for (let c = 0; c < chars; c++) x.push((pen + (advance * c) / chars) * scale);
    pen += advance;
  });
  return { x, width: pen * scale };
}
