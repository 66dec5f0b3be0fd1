/**
 * The PDFs as a print shop's RIP sees them: Ghostscript (Debian's `ghostscript`; the binary from
 * NEMID_TEST_GS, default `gs`) must render every page without a word of complaint, and the
 * separations of a sheet must put every key digit on the black plate and none on the others.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decode } from 'tiff';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir, testBatch } from './helpers.js';
import { extractPages, type PageText, pdfBytes } from './pdf-helpers.js';

const GS = process.env.NEMID_TEST_GS ?? 'gs';
const DPI = 150;

function gs(args: string[]): { status: number | null; output: string } {
  const r = spawnSync(GS, ['-dSAFER', '-dBATCH', '-dNOPAUSE', ...args], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.error) throw new Error(`cannot run Ghostscript (${GS}; set NEMID_TEST_GS): ${r.error.message}`);
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/**
 * What Ghostscript says beyond its banner and page count. (-q would silence it, but it also
 * silences the report of errors that Ghostscript repaired or ignored.)
 */
function complaints(output: string): string[] {
  const chatter = [
    /^GPL Ghostscript /,
    /^Copyright /,
    /^This software is supplied/,
    /^see the file COPYING/,
    /^Processing pages \d+ through \d+\.$/,
    /^Page \d+$/,
  ];
  return output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !chatter.some((c) => c.test(l)));
}

const dir = tempDir('nemid-gs-');
const batch = testBatch(3, 'gs');
const sheetPdf = join(dir, 'cards.pdf');
const magnaPdf = join(dir, 'magna.pdf');
let sheets: PageText[];

beforeAll(async () => {
  const bytes = await pdfBytes(batch.cards, { createdAt: new Date(batch.createdAt), batchId: batch.batchId });
  writeFileSync(sheetPdf, bytes);
  writeFileSync(magnaPdf, await pdfBytes(batch.cards, { magnaprint: true }));
  sheets = await extractPages(bytes);
});

describe('Ghostscript', () => {
  it('renders every page of the card PDF and the Magnaprint PDF without warnings', () => {
    for (const file of [sheetPdf, magnaPdf]) {
      const r = gs(['-dPDFSTOPONERROR', '-dPDFSTOPONWARNING', '-sDEVICE=nullpage', file]);
      expect(complaints(r.output)).toEqual([]);
      expect(r.output).toMatch(/^Page 1$/m);
      expect(r.status).toBe(0);
    }
  });

  it('complains about a damaged PDF (so the check above can fail)', () => {
    // Bytes added after the header move every object away from where the cross-reference table says.
    const bytes = readFileSync(sheetPdf);
    const file = join(dir, 'damaged.pdf');
    writeFileSync(file, Buffer.concat([bytes.subarray(0, 9), Buffer.from('%moved\n'), bytes.subarray(9)]));
    expect(complaints(gs(['-sDEVICE=nullpage', file]).output).join('\n')).toMatch(/repaired/);
  });

  describe('separations of the first sheet', () => {
    /** Ink coverage (0..255) of each plate, row by row. */
    const plates = new Map<string, { width: number; height: number; ink: Uint8Array }>();

    beforeAll(() => {
      const out = join(dir, 'sheet.tif');
      const r = gs([
        '-q',
        '-sDEVICE=tiffsep',
        `-r${DPI}`,
        '-sCompression=none',
        '-dFirstPage=1',
        '-dLastPage=1',
        `-sOutputFile=${out}`,
        sheetPdf,
      ]);
      expect(r.status).toBe(0);
      for (const plate of ['Cyan', 'Magenta', 'Yellow', 'Black']) {
        const [img] = decode(readFileSync(join(dir, `sheet(${plate}).tif`)));
        // tiffsep writes each separation with 255 for no ink.
        const ink = Uint8Array.from(img.data as Uint8Array, (v) => 255 - v);
        plates.set(plate, { width: img.width, height: img.height, ink });
      }
    });

    /** The most ink a plate has in a rectangle given in PDF points (origin bottom left). */
    function maxInk(plate: string, x0: number, y0: number, x1: number, y1: number): number {
      const p = plates.get(plate);
      if (!p) throw new Error(`no ${plate} separation`);
      const px = (v: number) => Math.round((v * DPI) / 72);
      const top = p.height - px(y1);
      const bottom = p.height - px(y0);
      let max = 0;
      for (let y = Math.max(0, top); y < Math.min(p.height, bottom); y++) {
        for (let x = Math.max(0, px(x0)); x < Math.min(p.width, px(x1)); x++) {
          max = Math.max(max, p.ink[y * p.width + x]);
        }
      }
      return max;
    }

    it('puts every key line on the black plate in solid ink, and none of them on cyan, magenta or yellow', () => {
      const keyLines = sheets[0].runs.filter((r) => /^\d{4} +\d{3} \d{3}$/.test(r.text));
      expect(keyLines).toHaveLength(2 * 148);
      for (const r of keyLines) {
        // The glyphs' box: the run's width, from the baseline to the digits' height.
        const box = [r.x, r.y, r.x + r.width, r.y + 0.7 * r.size] as const;
        expect(maxInk('Black', ...box), r.text).toBeGreaterThan(200);
        for (const plate of ['Cyan', 'Magenta', 'Yellow'])
          expect(maxInk(plate, ...box), `${plate} ${r.text}`).toBe(0);
      }
    });

    it('has cyan, magenta and yellow on the sheet all the same (the cover band and the colour bar)', () => {
      for (const plate of ['Cyan', 'Magenta', 'Yellow']) {
        const p = plates.get(plate);
        expect(
          p?.ink.some((v) => v > 200),
          plate,
        ).toBe(true);
      }
    });
  });
});
