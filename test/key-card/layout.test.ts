import {
  BLACK,
  CARD_PANELS,
  type Drawing,
  GRID_COLUMNS,
  ID1_HEIGHT_MM,
  ID1_WIDTH_MM,
  layoutCard,
  layoutMagnaprint,
  MAGNA_KEY_FONT_PT,
  printedKeys,
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
