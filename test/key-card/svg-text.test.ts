import { CARD_SLOTS, createCardEngine, formatCode } from '@nemid-sim/core';
import { printedKeys, renderSvg, renderText } from '@nemid-sim/key-card';
import { describe, expect, it } from 'vitest';
import { svgTexts, testBatch } from './helpers.js';

const card = testBatch(1, 'svg').cards[0];

function corePairs(): string[] {
  const engine = createCardEngine(card.secret);
  return Array.from(
    { length: CARD_SLOTS },
    (_, s) => `${formatCode(engine.keyNumber(s), 4)} ${formatCode(engine.key(s), 6)}`,
  ).sort();
}

describe('printed keys', () => {
  it('are the core engine’s 148 pairs, in ascending key-number order', () => {
    const keys = printedKeys(card.secret);
    expect(keys).toHaveLength(148);
    expect(keys.map((k) => `${k.number} ${k.key}`)).toEqual(corePairs());
    const engine = createCardEngine(card.secret);
    for (const k of keys) {
      const slot = engine.slotOf(Number(k.number));
      expect(slot).toBeGreaterThanOrEqual(0);
      expect(formatCode(engine.key(slot), 6)).toBe(k.key);
    }
  });

  it('are the same for the same secret and differ for another', () => {
    expect(printedKeys(Uint8Array.from(card.secret))).toEqual(printedKeys(card.secret));
    expect(printedKeys(testBatch(1, 'other').cards[0].secret)).not.toEqual(printedKeys(card.secret));
  });
});

describe('the plain-text card', () => {
  const text = renderText(card);

  it('starts with the card number and holds the 148 pairs in four columns, down then across', () => {
    expect(text.split('\n')[0]).toContain(card.serial);
    const pairs = [...text.matchAll(/\b(\d{4}) (\d{6})\b/g)].map((m) => `${m[1]} ${m[2]}`);
    expect([...pairs].sort()).toEqual(corePairs());
    const rows = text.split('\n').filter((l) => /^\d{4} \d{6}/.test(l));
    expect(rows).toHaveLength(37);
    const keys = printedKeys(card.secret);
    expect(rows[0].startsWith(`${keys[0].number} ${keys[0].key}   ${keys[37].number} ${keys[37].key}`)).toBe(
      true,
    );
    expect(rows[1].startsWith(`${keys[1].number} ${keys[1].key}`)).toBe(true);
  });

  it('fits an 80-column terminal', () => {
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
  });
});

describe('the SVG card', () => {
  const svg = renderSvg(card);

  it('is an SVG of the unfolded card in millimetres with the fonts embedded', () => {
    expect(svg).toMatch(/^<\?xml/);
    expect(svg).toContain('width="85.6mm"');
    expect(svg).toContain('height="215.92mm"');
    expect(svg).toContain('@font-face');
    expect(svg).toContain('data:font/woff;base64,');
  });

  it('holds the card number four times and the 148 pairs', () => {
    const texts = svgTexts(svg);
    expect(texts.filter((t) => t === card.serial)).toHaveLength(4);
    const pairs = texts.flatMap((t) => {
      const m = /^(\d{4}) {2}(\d{3}) (\d{3})$/.exec(t);
      return m ? [`${m[1]} ${m[2]}${m[3]}`] : [];
    });
    expect(pairs.sort()).toEqual(corePairs());
  });

  it('has a Magnaprint variant on an A4 page', () => {
    const big = renderSvg(card, { magnaprint: true });
    expect(big).toContain('width="210mm"');
    expect(big).toContain('height="297mm"');
    // 18 pt is 6.35 mm in the SVG's millimetre units.
    const sizes = [...big.matchAll(/<text [^>]*font-size="([\d.]+)" font-weight="700"[^>]*>(.*?)<\/text>/g)]
      .filter((m) => /^[\d ]+$/.test(m[2].replace(/<[^>]+>/g, '')))
      .map((m) => Number(m[1]));
    expect(sizes).toHaveLength(2 * 148);
    for (const s of sizes) expect(s).toBeGreaterThanOrEqual(6.35 - 0.001);
  });

  it('escapes text for XML', () => {
    expect(svg).not.toMatch(/<text[^>]*>[^<]*&(?!amp;|lt;|gt;|quot;)/);
  });
});
