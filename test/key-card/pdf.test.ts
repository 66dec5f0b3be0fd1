import { CARD_SLOTS, createCardEngine, formatCode } from '@nemid-sim/core';
import {
  BLEED_MM,
  type CardRecord,
  ID1_HEIGHT_MM,
  ID1_WIDTH_MM,
  MAGNA_KEY_FONT_PT,
} from '@nemid-sim/key-card';
import { beforeAll, describe, expect, it } from 'vitest';
import { testBatch } from './helpers.js';
import { extractPages, MM, type PageText, pageBoxes, pdfBytes } from './pdf-helpers.js';

/** The 148 "number key" pairs the core derives for a card, straight from the card engine. */
function corePairs(card: CardRecord): string[] {
  const engine = createCardEngine(card.secret);
  const pairs: string[] = [];
  for (let slot = 0; slot < CARD_SLOTS; slot++) {
    pairs.push(`${formatCode(engine.keyNumber(slot), 4)} ${formatCode(engine.key(slot), 6)}`);
  }
  return pairs;
}

/**
 * Key lines on a page in drawing order, as "0421 123456". A key line is printed "0421  123 456";
 * a reader may give it as one text run or several, so the runs are read as a stream of words.
 */
function pagePairs(page: PageText): string[] {
  const words = page.runs.flatMap((r) => r.text.trim().split(/\s+/));
  const pairs: string[] = [];
  for (let i = 0; i + 2 < words.length; i++) {
    if (/^\d{4}$/.test(words[i]) && /^\d{3}$/.test(words[i + 1]) && /^\d{3}$/.test(words[i + 2])) {
      pairs.push(`${words[i]} ${words[i + 1]}${words[i + 2]}`);
      i += 2;
    }
  }
  return pairs;
}

const close = (a: number, b: number, eps = 0.01) => Math.abs(a - b) < eps;

describe('PDF of imposed cards', () => {
  const batch = testBatch(5, 'pdf');
  let a4: Uint8Array;
  let letter: Uint8Array;
  let pages: PageText[];

  beforeAll(async () => {
    a4 = await pdfBytes(batch.cards, { createdAt: new Date(batch.createdAt) });
    letter = await pdfBytes(batch.cards, { paper: 'letter', createdAt: new Date(batch.createdAt) });
    pages = await extractPages(a4);
  });

  it('is a PDF with one sheet per two cards', () => {
    expect(Buffer.from(a4.subarray(0, 5)).toString()).toBe('%PDF-');
    expect(pages).toHaveLength(3);
  });

  it('holds exactly the 148 number/key pairs the core derives for each card, in ascending key-number order', () => {
    const printed = pages.flatMap(pagePairs);
    expect(printed).toHaveLength(5 * 148);
    batch.cards.forEach((card, i) => {
      const mine = printed.slice(i * 148, (i + 1) * 148);
      expect([...mine].sort()).toEqual(corePairs(card).sort());
      expect(mine).toEqual([...mine].sort());
    });
  });

  it('prints the card number on the cover and on top of every key panel', () => {
    batch.cards.forEach((card, i) => {
      const page = pages[Math.floor(i / 2)];
      const runs = page.runs.filter((r) => r.text.trim() === card.serial);
      // Cover, three key panels.
      expect(runs.length).toBe(4);
      // PDF y grows upwards: the cover first, then the key panels exactly one panel height apart.
      const ys = runs.map((r) => r.y).sort((p, q) => q - p);
      expect(ys[0]).toBeGreaterThan(ys[1]);
      expect(close(ys[1] - ys[2], ID1_HEIGHT_MM * MM)).toBe(true);
      expect(close(ys[2] - ys[3], ID1_HEIGHT_MM * MM)).toBe(true);
    });
  });

  it('has the instructions in Danish and English', () => {
    const text = pages[0].runs.map((r) => r.text).join(' ');
    expect(text).toContain('indtast nøglen');
    expect(text).toContain('type the key');
  });

  it('has A4 and Letter media boxes and trim/bleed boxes of whole unfolded ID-1 cards', () => {
    for (const [bytes, w, h] of [
      [a4, 210, 297],
      [letter, 215.9, 279.4],
    ] as const) {
      const boxes = pageBoxes(bytes);
      expect(boxes).toHaveLength(3);
      for (const b of boxes) {
        expect(b.media[0]).toBe(0);
        expect(close(b.media[2], w * MM)).toBe(true);
        expect(close(b.media[3], h * MM)).toBe(true);
        const [tx0, ty0, tx1, ty1] = b.trim;
        // Two cards side by side, 16 mm apart for their marks; one unfolded card tall.
        expect(close(ty1 - ty0, 4 * ID1_HEIGHT_MM * MM)).toBe(true);
        expect(close(tx1 - tx0, (2 * ID1_WIDTH_MM + 16) * MM)).toBe(true);
        expect(close(tx0, w * MM - tx1)).toBe(true);
        b.bleed.forEach((v, k) => {
          expect(close(v, b.trim[k] + (k < 2 ? -1 : 1) * BLEED_MM * MM)).toBe(true);
        });
        expect(b.bleed[0]).toBeGreaterThan(0);
        expect(b.bleed[3]).toBeLessThan(b.media[3]);
      }
    }
  });

  it('folds to exactly ID-1: four panels of 85.60 x 53.98 mm', () => {
    expect(ID1_WIDTH_MM).toBe(85.6);
    expect(ID1_HEIGHT_MM).toBe(53.98);
  });

  it('embeds its fonts', () => {
    const text = Buffer.from(a4).toString('latin1');
    expect(text).toMatch(/\/FontFile2 \d+ 0 R/);
    expect(text).toContain('AtkinsonHyperlegible-Regular');
    expect(text).toContain('AtkinsonHyperlegible-Bold');
    expect(text).not.toMatch(/\/BaseFont \/Helvetica/);
  });

  it('is byte-for-byte the same for the same batch', async () => {
    const again = await pdfBytes(batch.cards, { createdAt: new Date(batch.createdAt) });
    expect(Buffer.from(again).equals(Buffer.from(a4))).toBe(true);
  });

  it('refuses an empty list of cards', async () => {
    await expect(pdfBytes([])).rejects.toThrow(RangeError);
  });

  it('reports progress once per card', async () => {
    const seen: number[] = [];
    await pdfBytes(batch.cards, { onProgress: (done, total) => seen.push(done * 100 + total) });
    expect(seen).toEqual([105, 205, 305, 405, 505]);
  });
});

describe('Magnaprint PDF', () => {
  const batch = testBatch(2, 'magna');
  let pages: PageText[];
  let bytes: Uint8Array;

  beforeAll(async () => {
    bytes = await pdfBytes(batch.cards, { magnaprint: true });
    pages = await extractPages(bytes);
  });

  it('puts one card on one A4 page, trimmed to the page', () => {
    expect(pages).toHaveLength(2);
    for (const b of pageBoxes(bytes)) {
      expect(close(b.media[2], 210 * MM)).toBe(true);
      expect(close(b.media[3], 297 * MM)).toBe(true);
      expect(b.trim).toEqual(b.media);
      expect(b.bleed).toEqual(b.media);
    }
  });

  it('prints every key number and key of the card in bold at 18 pt or more', () => {
    batch.cards.forEach((card, i) => {
      const page = pages[i];
      const pairs = pagePairs(page);
      expect(pairs).toHaveLength(148);
      expect([...pairs].sort()).toEqual(corePairs(card).sort());
      const keyRuns = page.runs.filter((r) => /^[\d ]+$/.test(r.text.trim()));
      expect(keyRuns.length).toBeGreaterThanOrEqual(148);
      expect(MAGNA_KEY_FONT_PT).toBeGreaterThanOrEqual(18);
      for (const r of keyRuns) expect(r.size).toBeGreaterThanOrEqual(18);
      expect(page.runs.some((r) => r.text.trim() === card.serial)).toBe(true);
    });
  });

  it('uses the bold face for the keys', () => {
    const text = Buffer.from(bytes).toString('latin1');
    expect(text).toContain('AtkinsonHyperlegible-Bold');
  });

  it('is A4 only', async () => {
    await expect(pdfBytes(batch.cards, { magnaprint: true, paper: 'letter' })).rejects.toThrow(/A4/);
  });
});
