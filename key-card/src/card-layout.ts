import { CARD_SLOTS } from '@nemid-sim/core';
import type { CardRecord } from './batch.js';
import type { DrawItem, Drawing } from './drawing.js';
import { BLEED_MM, CARD_PANELS, ID1_HEIGHT_MM, ID1_WIDTH_MM, UNFOLDED_HEIGHT_MM } from './geometry.js';
import { BLACK, BRAND, blackTint, type Ink, PAPER } from './inks.js';
import { type PrintedKey, printedKeys } from './printed-keys.js';
import {
  CARD_NUMBER_LABEL,
  COVER_FOOTER,
  COVER_SUBTITLE,
  COVER_TITLE,
  INSTRUCTIONS_DA,
  INSTRUCTIONS_EN,
  PANEL_RANGE_LABEL,
} from './texts.js';

/** Row shading behind every other row of keys. */
export const STRIPE = blackTint(10);
const RULE = blackTint(50);
const FOLD = blackTint(45);

const MARGIN = 3.5;
const KEY_PANELS = CARD_PANELS - 1;
export const KEYS_PER_PANEL = Math.ceil(CARD_SLOTS / KEY_PANELS);
export const GRID_COLUMNS = 4;
export const GRID_ROWS = Math.ceil(KEYS_PER_PANEL / GRID_COLUMNS);
export const KEY_FONT_PT = 7;
const GRID_TOP = 11;
const GRID_BOTTOM = 3;

/** How a key line is printed on the small card: the key in two groups of three for easier reading. */
export function pairText(k: PrintedKey): string {
  return `${k.number}  ${k.key.slice(0, 3)} ${k.key.slice(3)}`;
}

/**
 * The unfolded card: a cover panel (card number, instructions in Danish and English) and three
 * key panels, each headed by the card number and the range of key numbers it holds. Key numbers run
 * in ascending order down the columns. Fold lines are dashed; the cover band runs into the bleed.
 */
export function layoutCard(card: CardRecord): Drawing {
  const keys = printedKeys(card.secret);
  const items: DrawItem[] = [];
  cover(items, card.serial);
  for (let p = 0; p < KEY_PANELS; p++) {
    keyPanel(
      items,
      card.serial,
      keys.slice(p * KEYS_PER_PANEL, (p + 1) * KEYS_PER_PANEL),
      (p + 1) * ID1_HEIGHT_MM,
    );
  }
  for (let p = 1; p < CARD_PANELS; p++) {
    const y = p * ID1_HEIGHT_MM;
    items.push({
      kind: 'line',
      x1: 0,
      y1: y,
      x2: ID1_WIDTH_MM,
      y2: y,
      width: 0.3,
      color: FOLD,
      dash: [1, 1],
    });
  }
  return { width: ID1_WIDTH_MM, height: UNFOLDED_HEIGHT_MM, bleed: BLEED_MM, items };
}

function text(
  x: number,
  y: number,
  size: number,
  weight: 'regular' | 'bold',
  value: string,
  anchor: 'start' | 'middle' | 'end' = 'start',
  color: Ink = BLACK,
): DrawItem {
  return { kind: 'text', x, y, size, weight, anchor, text: value, color };
}

function cover(items: DrawItem[], serial: string): void {
  const right = ID1_WIDTH_MM - MARGIN;
  items.push({
    kind: 'rect',
    x: -BLEED_MM,
    y: -BLEED_MM,
    w: ID1_WIDTH_MM + 2 * BLEED_MM,
    h: 12 + BLEED_MM,
    fill: BRAND,
  });
  items.push(text(MARGIN, 8.6, 15, 'bold', COVER_TITLE, 'start', PAPER));
  items.push(text(right, 8, 7, 'bold', COVER_SUBTITLE, 'end', PAPER));
  items.push(text(MARGIN, 17, 6.5, 'regular', CARD_NUMBER_LABEL));
  items.push(text(MARGIN, 24.2, 17, 'bold', serial));
  INSTRUCTIONS_DA.forEach((line, i) => {
    items.push(text(MARGIN, 30 + i * 2.6, 6, 'regular', line));
  });
  INSTRUCTIONS_EN.forEach((line, i) => {
    items.push(text(MARGIN, 39.2 + i * 2.6, 6, 'regular', line));
  });
  items.push(text(MARGIN, ID1_HEIGHT_MM - 3.2, 5.5, 'bold', COVER_FOOTER));
}

function keyPanel(items: DrawItem[], serial: string, keys: PrintedKey[], top: number): void {
  const right = ID1_WIDTH_MM - MARGIN;
  items.push(text(MARGIN, top + 5.2, 8, 'bold', serial));
  const range = `${PANEL_RANGE_LABEL} ${keys[0].number}–${keys[keys.length - 1].number}`;
  items.push(text(right, top + 5.2, 6, 'regular', range, 'end'));
  items.push({ kind: 'line', x1: MARGIN, y1: top + 7, x2: right, y2: top + 7, width: 0.5, color: BLACK });
  const pitch = (ID1_HEIGHT_MM - GRID_BOTTOM - GRID_TOP) / (GRID_ROWS - 1);
  const colW = (ID1_WIDTH_MM - 2 * MARGIN) / GRID_COLUMNS;
  // Every other row is shaded so the eye can follow a line across the columns.
  for (let r = 1; r < GRID_ROWS; r += 2) {
    const y = top + GRID_TOP + r * pitch - pitch * 0.72;
    items.push({ kind: 'rect', x: MARGIN, y, w: ID1_WIDTH_MM - 2 * MARGIN, h: pitch, fill: STRIPE });
  }
  for (let c = 1; c < GRID_COLUMNS; c++) {
    const x = MARGIN + c * colW;
    items.push({
      kind: 'line',
      x1: x,
      y1: top + 8,
      x2: x,
      y2: top + ID1_HEIGHT_MM - 1.8,
      width: 0.3,
      color: RULE,
    });
  }
  keys.forEach((k, i) => {
    const c = Math.floor(i / GRID_ROWS);
    const r = i % GRID_ROWS;
    items.push(
      text(MARGIN + c * colW + 0.9, top + GRID_TOP + r * pitch, KEY_FONT_PT, 'regular', pairText(k)),
    );
  });
}
