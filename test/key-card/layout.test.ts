import {
  BLACK,
  BLEED_MM,
  CARD_PANELS,
  cardMarks,
  type DrawItem,
  type Drawing,
  GRID_COLUMNS,
  ID1_HEIGHT_MM,
  ID1_WIDTH_MM,
  impose,
  layoutCard,
  layoutMagnaprint,
  MAGNA_KEY_FONT_PT,
  MAX_JOB_NAME,
  PAPERS,
  printedKeys,
  sheetMarks,
  sheetTrim,
  type TextItem,
} from '@nemid-sim/key-card';
import { describe, expect, it } from 'vitest';
import { testBatch } from './helpers.js';
import { extent, PT } from './text-extent.js';

const texts = (d: Drawing): TextItem[] => d.items.filter((i): i is TextItem => i.kind === 'text');
// Digits and capitals of Atkinson Hyperlegible rise 0.668 em above the baseline.
const capHeight = (t: TextItem) => 0.668 * t.size * PT;

describe('the card layout', () => {
  const cards = testBatch(20, 'layout').cards;

  it('keeps every text at least 3 mm inside the trim and inside one panel', () => {
    for (const card of cards) {
      for (const t of texts(layoutCard(card))) {
        const [l, r] = extent(t);
        expect(l, t.text).toBeGreaterThanOrEqual(3);
        expect(r, t.text).toBeLessThanOrEqual(ID1_WIDTH_MM - 3);
        const panel = Math.floor(t.y / ID1_HEIGHT_MM);
        expect(panel).toBeLessThan(CARD_PANELS);
        expect(t.y - capHeight(t), t.text).toBeGreaterThan(panel * ID1_HEIGHT_MM + 2);
        expect(t.y + 0.25 * t.size * PT, t.text).toBeLessThan((panel + 1) * ID1_HEIGHT_MM - 2);
      }
    }
  });

  it('keeps every key line inside its column, even the widest possible one', () => {
    const colW = (ID1_WIDTH_MM - 7) / GRID_COLUMNS;
    for (const card of cards) {
      const lines = texts(layoutCard(card)).filter((t) => /^\d{4} {2}\d{3} \d{3}$/.test(t.text));
      expect(lines).toHaveLength(148);
      for (const t of lines) {
        const widest = { ...t, text: '0000  000 000' };
        const [l, r] = extent(widest);
        const column = Math.floor((l - 3.5) / colW);
        expect(r).toBeLessThan(3.5 + (column + 1) * colW - 0.3);
      }
    }
  });

  it('puts the card number at the top of all four panels, and the keys in printed order', () => {
    const card = cards[0];
    const drawing = layoutCard(card);
    const tops = texts(drawing)
      .filter((t) => t.text === card.serial)
      .map((t) => Math.floor(t.y / ID1_HEIGHT_MM));
    expect(tops).toEqual([0, 1, 2, 3]);
    const lines = texts(drawing)
      .filter((t) => /^\d{4} {2}/.test(t.text))
      .map((t) => t.text.replace(/ /g, ''));
    expect(lines).toEqual(printedKeys(card.secret).map((k) => k.number + k.key));
  });

  it('is exactly the unfolded ID-1 card with a 3 mm bleed', () => {
    const d = layoutCard(cards[0]);
    expect(d.width).toBe(85.6);
    expect(d.height).toBeCloseTo(4 * 53.98, 10);
    expect(d.bleed).toBe(3);
  });
});

describe('the Magnaprint layout', () => {
  const cards = testBatch(20, 'magna-layout').cards;

  it('prints all key numbers and keys bold at 18 pt or more', () => {
    for (const card of cards) {
      const digits = texts(layoutMagnaprint(card)).filter((t) => /^[\d ]+$/.test(t.text));
      expect(digits).toHaveLength(2 * 148);
      for (const t of digits) {
        expect(t.weight).toBe('bold');
        expect(t.size).toBeGreaterThanOrEqual(18);
        expect(t.color).toBe(BLACK);
      }
      expect(MAGNA_KEY_FONT_PT).toBeGreaterThanOrEqual(18);
      for (const t of texts(layoutMagnaprint(card))) expect(t.weight).toBe('bold');
    }
  });

  it('fills an A4 page and keeps everything inside it', () => {
    const d = layoutMagnaprint(cards[0]);
    expect([d.width, d.height]).toEqual([210, 297]);
    const ys = texts(d).map((t) => t.y);
    expect(Math.max(...ys)).toBeGreaterThan(270);
    for (const t of texts(d)) {
      const [l, r] = extent(t);
      expect(l).toBeGreaterThanOrEqual(5);
      expect(r).toBeLessThanOrEqual(205);
    }
  });

  it('keeps a clear gap between a key number and its key, even for the widest digits', () => {
    for (const card of cards) {
      const digits = texts(layoutMagnaprint(card)).filter((t) => /^[\d ]+$/.test(t.text));
      for (let i = 0; i < digits.length; i += 2) {
        const [, numberRight] = extent({ ...digits[i], text: '0000' });
        const [keyLeft] = extent({ ...digits[i + 1], text: '000 000' });
        expect(keyLeft - numberRight).toBeGreaterThan(2.5);
      }
    }
  });

  it('separates rows by more than the text height', () => {
    const digits = texts(layoutMagnaprint(cards[0])).filter((t) => /^\d{4}$/.test(t.text));
    const pitch = digits[1].y - digits[0].y;
    expect(pitch).toBeGreaterThan(capHeight(digits[0]) * 1.4);
  });
});

/** The rectangle (mm) an item covers: x0, y0, x1, y1. */
function boundingBox(item: DrawItem): [number, number, number, number] {
  switch (item.kind) {
    case 'rect':
      return [item.x, item.y, item.x + item.w, item.y + item.h];
    case 'circle':
      return [item.cx - item.r, item.cy - item.r, item.cx + item.r, item.cy + item.r];
    case 'line':
      return [
        Math.min(item.x1, item.x2),
        Math.min(item.y1, item.y2),
        Math.max(item.x1, item.x2),
        Math.max(item.y1, item.y2),
      ];
    case 'text': {
      const [l, r] = extent(item);
      return [l, item.y - capHeight(item), r, item.y + 0.25 * item.size * PT];
    }
  }
}

describe('the marks and slug of an imposed sheet', () => {
  const serials = testBatch(2, 'slug-layout').cards.map((c) => c.serial);
  const slug = {
    job: 'W'.repeat(MAX_JOB_NAME),
    batchId: 'f'.repeat(32),
    date: new Date('2026-11-29T12:00:00Z'),
  };

  it('keeps every mark, patch and line of the slug on the sheet and outside the bleed, on A4 and Letter', () => {
    for (const paper of PAPERS) {
      const sheet = impose(paper);
      const trim = sheetTrim(sheet);
      const bleed = {
        x0: trim.x - BLEED_MM,
        y0: trim.y - BLEED_MM,
        x1: trim.x + trim.w + BLEED_MM,
        y1: trim.y + trim.h + BLEED_MM,
      };
      const boxes = sheetMarks(sheet, 4999, 5000, serials, slug).map(boundingBox);
      expect(boxes.length).toBeGreaterThan(20);
      for (const [x0, y0, x1, y1] of boxes) {
        expect(x0).toBeGreaterThan(0);
        expect(y0).toBeGreaterThan(0);
        expect(x1).toBeLessThan(sheet.sheetWidth);
        expect(y1).toBeLessThan(sheet.sheetHeight);
        const outside = x1 < bleed.x0 || x0 > bleed.x1 || y1 < bleed.y0 || y0 > bleed.y1;
        expect(outside, `${paper}: ${[x0, y0, x1, y1].map((v) => v.toFixed(1))}`).toBe(true);
      }
    }
  });

  it('keeps the registration targets clear of the crop and fold marks', () => {
    const sheet = impose('a4');
    const marks = sheet.slots.flatMap((s) => cardMarks(s.x, s.y));
    const targets = sheetMarks(sheet, 0, 1, serials, slug).filter((i) => i.kind === 'circle');
    expect(targets).toHaveLength(4);
    for (const t of targets) {
      if (t.kind !== 'circle') continue;
      for (const m of marks) {
        if (m.kind !== 'line') continue;
        // Distance from the target's centre to the mark's segment exceeds the target's reach (arm 3 mm).
        const dx = Math.max(Math.min(m.x1, m.x2) - t.cx, 0, t.cx - Math.max(m.x1, m.x2));
        const dy = Math.max(Math.min(m.y1, m.y2) - t.cy, 0, t.cy - Math.max(m.y1, m.y2));
        expect(Math.hypot(dx, dy)).toBeGreaterThan(3.5);
      }
    }
  });
});
