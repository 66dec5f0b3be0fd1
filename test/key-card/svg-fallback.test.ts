/**
 * The SVG as a renderer without the embedded web font draws it: librsvg (Debian's `librsvg2-bin`;
 * the binary from NEMID_TEST_RSVG, default `rsvg-convert`) ignores @font-face, and fontconfig is
 * pointed at DejaVu Sans alone (Debian's `fonts-dejavu-core`), a fallback much wider than the card
 * font. Neighbouring texts on a line (a key number and its key, one column and the next) must
 * still leave the middle of the gap between them blank.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type Drawing,
  type LineItem,
  layoutCard,
  layoutMagnaprint,
  renderSvg,
  type TextItem,
} from '@nemid-sim/key-card';
import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { tempDir, testBatch } from './helpers.js';
import { extent, PT } from './text-extent.js';

const RSVG = process.env.NEMID_TEST_RSVG ?? 'rsvg-convert';
const FALLBACK_FONT_DIR = '/usr/share/fonts/truetype/dejavu';

const dir = tempDir('nemid-rsvg-');
const fontsConf = join(dir, 'fonts.conf');
mkdirSync(join(dir, 'cache'));
writeFileSync(
  fontsConf,
  `<?xml version="1.0"?>
<fontconfig>
  <dir>${FALLBACK_FONT_DIR}</dir>
  <cachedir>${join(dir, 'cache')}</cachedir>
  <match target="pattern"><edit name="family" mode="assign" binding="strong"><string>DejaVu Sans</string></edit></match>
</fontconfig>
`,
);

interface Raster {
  width: number;
  height: number;
  pxPerMm: number;
  /** True where a pixel is dark enough to be type (grey shading and 50 % rules are not). */
  dark(x: number, y: number): boolean;
}

function render(svg: string, pxPerMm: number): Raster {
  const dpi = String(pxPerMm * 25.4);
  const r = spawnSync(RSVG, ['--dpi-x', dpi, '--dpi-y', dpi, '--background-color', 'white'], {
    input: svg,
    env: { ...process.env, FONTCONFIG_FILE: fontsConf },
    maxBuffer: 1 << 28,
    timeout: 60_000,
  });
  if (r.error) throw new Error(`cannot run librsvg (${RSVG}; set NEMID_TEST_RSVG): ${r.error.message}`);
  expect(r.status, r.stderr.toString()).toBe(0);
  const png = decode(r.stdout);
  const { width, height, channels } = png;
  const data = png.data as Uint8Array;
  return {
    width,
    height,
    pxPerMm,
    dark(x, y) {
      const i = (y * width + x) * channels;
      return data[i] + data[i + 1] + data[i + 2] < 3 * 100;
    },
  };
}

/** Counts dark pixels in a box given in mm, leaving out the columns where vertical rules run. */
function darkPixels(img: Raster, x0: number, x1: number, y0: number, y1: number, rules: LineItem[]): number {
  const px = (mm: number) => Math.round(mm * img.pxPerMm);
  let count = 0;
  for (let x = Math.max(0, px(x0)); x < Math.min(img.width, px(x1)); x++) {
    const mm = x / img.pxPerMm;
    const onRule = rules.some(
      (r) => Math.abs(r.x1 - mm) < (r.width * PT) / 2 + 0.3 && y0 < r.y2 && y1 > r.y1,
    );
    if (onRule) continue;
    for (let y = Math.max(0, px(y0)); y < Math.min(img.height, px(y1)); y++) if (img.dark(x, y)) count++;
  }
  return count;
}

/**
 * For every line of text items: each item shows ink in its own box, and between neighbours the
 * middle 60 % of the gap the card font leaves stays blank. Returns the neighbours that touch.
 */
function collisions(drawing: Drawing, img: Raster): string[] {
  const texts = drawing.items.filter((i): i is TextItem => i.kind === 'text');
  const rules = drawing.items.filter((i): i is LineItem => i.kind === 'line' && i.x1 === i.x2);
  const rows = new Map<number, TextItem[]>();
  for (const t of texts) rows.set(t.y, [...(rows.get(t.y) ?? []), t]);
  const touching: string[] = [];
  for (const [y, row] of rows) {
    const placed = row.map((t) => ({ t, box: extent(t) })).sort((a, b) => a.box[0] - b.box[0]);
    for (const { t, box } of placed) {
      const top = y - 0.7 * t.size * PT;
      expect(darkPixels(img, box[0], box[1], top, y, []), `no ink for "${t.text}"`).toBeGreaterThan(0);
    }
    for (let i = 1; i < placed.length; i++) {
      const a = placed[i - 1];
      const b = placed[i];
      const gap = b.box[0] - a.box[1];
      if (gap <= 0) continue;
      const top = y - 0.7 * Math.max(a.t.size, b.t.size) * PT;
      const from = a.box[1] + 0.2 * gap;
      const to = b.box[0] - 0.2 * gap;
      if (darkPixels(img, from, to, top, y, rules) > 0)
        touching.push(`"${a.t.text}" runs into "${b.t.text}"`);
    }
  }
  return touching;
}

describe('the SVG rendered without its font (librsvg, DejaVu Sans as the fallback)', () => {
  const card = testBatch(1, 'rsvg').cards[0];

  it('keeps every key number of the Magnaprint page apart from its key, and each column from the next', () => {
    const img = render(renderSvg(card, { magnaprint: true }), 8);
    expect(collisions(layoutMagnaprint(card), img)).toEqual([]);
  });

  it('keeps every key line of the small card inside its column', () => {
    const img = render(renderSvg(card), 20);
    expect(collisions(layoutCard(card), img)).toEqual([]);
  });
});
