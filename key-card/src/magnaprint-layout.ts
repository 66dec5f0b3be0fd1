import type { CardRecord } from './batch.js';
import { STRIPE } from './card-layout.js';
import type { Anchor, DrawItem, Drawing, TextItem } from './drawing.js';
import { PAPER_SIZE_MM } from './geometry.js';
import { BLACK } from './inks.js';
import { printedKeys } from './printed-keys.js';
import { MAGNA_INSTRUCTIONS, MAGNA_TITLE } from './texts.js';

/** Every key number and key on a Magnaprint page is bold and at least this big (A-1, KC-6). */
export const MAGNA_KEY_FONT_PT = 18;
const MARGIN = 6;
const COLUMNS = 4;
const GRID_TOP = 45;
const GRID_BOTTOM = 289;

function bold(x: number, y: number, size: number, text: string, anchor: Anchor = 'start'): TextItem {
  return { kind: 'text', x, y, size, weight: 'bold', anchor, text, color: BLACK };
}

/**
 * Magnaprint: one card filling one A4 page in bold large type. The key number sits at the left of
 * each column and its key at the right, so the two stay apart even at 18 pt.
 */
export function layoutMagnaprint(card: CardRecord): Drawing {
  const { width, height } = PAPER_SIZE_MM.a4;
  const keys = printedKeys(card.secret);
  const rows = Math.ceil(keys.length / COLUMNS);
  const items: DrawItem[] = [];
  const right = width - MARGIN;
  items.push(bold(MARGIN, 16, 20, MAGNA_TITLE));
  items.push(bold(right, 16, 26, card.serial, 'end'));
  MAGNA_INSTRUCTIONS.forEach((line, i) => {
    items.push(bold(MARGIN, 26 + i * 7.5, 18, line));
  });
  items.push({ kind: 'line', x1: MARGIN, y1: 37.5, x2: right, y2: 37.5, width: 2, color: BLACK });
  const pitch = (GRID_BOTTOM - GRID_TOP) / (rows - 1);
  const colW = (width - 2 * MARGIN) / COLUMNS;
  for (let r = 1; r < rows; r += 2) {
    items.push({
      kind: 'rect',
      x: MARGIN,
      y: GRID_TOP + r * pitch - pitch * 0.74,
      w: width - 2 * MARGIN,
      h: pitch,
      fill: STRIPE,
    });
  }
  for (let c = 1; c < COLUMNS; c++) {
    const x = MARGIN + c * colW;
    items.push({
      kind: 'line',
      x1: x,
      y1: GRID_TOP - 6,
      x2: x,
      y2: GRID_BOTTOM + 2.5,
      width: 1,
      color: BLACK,
    });
  }
  keys.forEach((k, i) => {
    const c = Math.floor(i / rows);
    const y = GRID_TOP + (i % rows) * pitch;
    const x = MARGIN + c * colW;
    items.push(bold(x + 1.5, y, MAGNA_KEY_FONT_PT, k.number));
    items.push(bold(x + colW - 1.5, y, MAGNA_KEY_FONT_PT, `${k.key.slice(0, 3)} ${k.key.slice(3)}`, 'end'));
  });
  return { width, height, bleed: 0, items };
}
