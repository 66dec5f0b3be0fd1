import type { CardRecord } from '@nemid-sim/key-card';
import { beforeAll, describe, expect, it } from 'vitest';
import { testBatch } from './helpers.js';
import { type Colour, type PageContent, pageContent } from './pdf-content.js';
import { extractPages, pdfBytes } from './pdf-helpers.js';
import {
  allNames,
  dict,
  nameOf,
  type PdfFile,
  pageAttribute,
  pages,
  parsePdf,
  resolve,
} from './pdf-objects.js';
import { PdfName, PdfString, type PdfValue } from './pdf-syntax.js';

/** A key line on the small card ("0421  123 456") or a key number or key on a Magnaprint page. */
const KEY_TEXT = /^(\d{4} {2}\d{3} \d{3}|\d{4}|\d{3} \d{3})$/;
const isBlackInk = (c: Colour) => c.space === 'DeviceCMYK' && c.values.join(' ') === '0 0 0 1';
const isBlackOrPaper = (c: Colour) =>
  c.space === 'DeviceCMYK' && c.values[0] === 0 && c.values[1] === 0 && c.values[2] === 0;
const RGB_SPACES = ['DeviceRGB', 'CalRGB', 'ICCBased', 'Lab', 'DeviceGray', 'CalGray', 'Indexed'];

const str = (file: PdfFile, v: PdfValue | undefined): string | undefined => {
  const s = resolve(file, v);
  return s instanceof PdfString ? s.text() : undefined;
};

interface Rendered {
  file: PdfFile;
  contents: PageContent[];
}

function read(bytes: Uint8Array): Rendered {
  const file = parsePdf(bytes);
  return { file, contents: pages(file).map((p) => pageContent(file, p)) };
}

/** The checks a PDF/X-1a preflight makes, read back from the file. */
function describePdfX(
  name: string,
  make: () => Promise<{ bytes: Uint8Array; cards: readonly CardRecord[] }>,
) {
  describe(`${name} as PDF/X-1a:2003`, () => {
    let pdf: Rendered;
    let cards: readonly CardRecord[];

    beforeAll(async () => {
      const made = await make();
      cards = made.cards;
      pdf = read(made.bytes);
    });

    it('is PDF 1.4 with a file ID', () => {
      expect(pdf.file.header).toBe('%PDF-1.4');
      const id = pdf.file.trailer.get('ID');
      expect(Array.isArray(id) && id.length === 2 && id.every((p) => p instanceof PdfString)).toBe(true);
    });

    it('names no RGB, grey or device-independent colour space anywhere, and sets no RGB colour', () => {
      const names = allNames(pdf.file);
      for (const space of RGB_SPACES) expect(names.has(space), space).toBe(false);
      for (const content of pdf.contents) {
        for (const op of ['rg', 'RG', 'g', 'G']) expect(content.operators.has(op), op).toBe(false);
        for (const c of [...content.fills, ...content.strokes, ...content.texts.map((t) => t.fill)]) {
          expect(['DeviceCMYK', 'Separation:All']).toContain(c.space);
        }
      }
    });

    it('paints every glyph of every key in black ink only (0 0 0 1), and all other text black or paper white', () => {
      let keyLines = 0;
      for (const content of pdf.contents) {
        for (const t of content.texts) {
          if (KEY_TEXT.test(t.text)) {
            keyLines++;
            expect(isBlackInk(t.fill), `${t.text}: ${t.fill.space} ${t.fill.values}`).toBe(true);
          } else {
            expect(isBlackOrPaper(t.fill), `${t.text}: ${t.fill.space} ${t.fill.values}`).toBe(true);
          }
        }
      }
      // One line per key on the small card; a key number and a key on Magnaprint.
      const perCard = name.includes('Magnaprint') ? 2 * 148 : 148;
      expect(keyLines).toBe(cards.length * perCard);
    });

    it('strokes rules and marks in black ink only, registration marks on every separation', () => {
      for (const content of pdf.contents) {
        for (const s of content.strokes) {
          const ok =
            (s.space === 'DeviceCMYK' && s.values.slice(0, 3).every((v) => v === 0)) ||
            s.space === 'Separation:All';
          expect(ok, `${s.space} ${s.values}`).toBe(true);
        }
      }
    });

    it('has a PDF/X output intent for FOGRA39 and the PDF/X keys in the document information', () => {
      const catalog = dict(pdf.file, pdf.file.trailer.get('Root'));
      const intents = resolve(pdf.file, catalog.get('OutputIntents'));
      expect(Array.isArray(intents)).toBe(true);
      const pdfx = (intents as PdfValue[])
        .map((i) => dict(pdf.file, i))
        .filter((i) => nameOf(i.get('S')) === 'GTS_PDFX');
      expect(pdfx).toHaveLength(1);
      expect(str(pdf.file, pdfx[0].get('OutputConditionIdentifier'))).toBe('FOGRA39');
      expect(str(pdf.file, pdfx[0].get('RegistryName'))).toBe('http://www.color.org');
      expect(str(pdf.file, pdfx[0].get('Info'))).toBeTruthy();
      const info = dict(pdf.file, pdf.file.trailer.get('Info'));
      expect(str(pdf.file, info.get('GTS_PDFXVersion'))).toBe('PDF/X-1a:2003');
      expect(resolve(pdf.file, info.get('Trapped'))).toEqual(new PdfName('False'));
      for (const key of ['Title', 'CreationDate', 'ModDate'])
        expect(str(pdf.file, info.get(key)), key).toBeTruthy();
    });

    it('has TrimBox inside BleedBox inside MediaBox on every page', () => {
      const all = pages(pdf.file);
      expect(all.length).toBeGreaterThan(0);
      for (const page of all) {
        const box = (k: string) => pageAttribute(pdf.file, page, k) as number[];
        const [media, bleed, trim] = [box('MediaBox'), box('BleedBox'), box('TrimBox')];
        for (const b of [media, bleed, trim]) expect(b).toHaveLength(4);
        const inside = (a: number[], b: number[]) =>
          a[0] >= b[0] - 1e-6 && a[1] >= b[1] - 1e-6 && a[2] <= b[2] + 1e-6 && a[3] <= b[3] + 1e-6;
        expect(inside(trim, bleed)).toBe(true);
        expect(inside(bleed, media)).toBe(true);
      }
    });

    it('embeds every font it uses', () => {
      let fonts = 0;
      for (const page of pages(pdf.file)) {
        const resources = dict(pdf.file, pageAttribute(pdf.file, page, 'Resources'));
        for (const ref of dict(pdf.file, resources.get('Font')).values()) {
          let font = dict(pdf.file, ref);
          if (nameOf(font.get('Subtype')) === 'Type0')
            font = dict(pdf.file, (font.get('DescendantFonts') as PdfValue[])[0]);
          const descriptor = dict(pdf.file, font.get('FontDescriptor'));
          const file = ['FontFile', 'FontFile2', 'FontFile3']
            .map((k) => descriptor.get(k))
            .find((v) => v !== undefined);
          expect(file, nameOf(font.get('BaseFont'))).toBeDefined();
          fonts++;
        }
      }
      expect(fonts).toBeGreaterThan(0);
    });

    it('uses no transparency', () => {
      const names = allNames(pdf.file);
      for (const key of ['SMask', 'CA', 'ca', 'BM', 'Group', 'Transparency'])
        expect(names.has(key), key).toBe(false);
    });
  });
}

describePdfX('the imposed card PDF', async () => {
  const batch = testBatch(5, 'pdfx');
  return {
    bytes: await pdfBytes(batch.cards, { createdAt: new Date(batch.createdAt), batchId: batch.batchId }),
    cards: batch.cards,
  };
});

describePdfX('the Magnaprint PDF', async () => {
  const batch = testBatch(2, 'pdfx-magna');
  return { bytes: await pdfBytes(batch.cards, { magnaprint: true }), cards: batch.cards };
});

describe('the slug of an imposed sheet', () => {
  const batch = testBatch(3, 'slug');

  it('names the job, batch, sheet and date, and the cards on the sheet, outside the bleed', async () => {
    const bytes = await pdfBytes(batch.cards, {
      createdAt: new Date(batch.createdAt),
      batchId: batch.batchId,
      job: 'Danske Bank run 7',
    });
    const file = parsePdf(bytes);
    const sheets = await extractPages(bytes);
    expect(sheets).toHaveLength(2);
    pages(file).forEach((page, s) => {
      const bleed = pageAttribute(file, page, 'BleedBox') as number[];
      const runs = sheets[s].runs;
      const slug = runs.filter((r) => r.y < bleed[1] || r.y > bleed[3]);
      const text = slug.map((r) => r.text).join(' ');
      expect(text).toContain('Danske Bank run 7');
      expect(text).toContain(`batch ${batch.batchId}`);
      expect(text).toContain(`sheet ${s + 1}/2`);
      expect(text).toContain(batch.createdAt.slice(0, 10));
      for (const card of batch.cards.slice(2 * s, 2 * s + 2)) expect(text).toContain(card.serial);
      // Nothing of the slug reaches into the bleed: every slug run lies wholly below it.
      for (const r of slug) expect(r.y + r.size).toBeLessThan(bleed[1]);
    });
  });

  it('carries registration targets in the All colourant and a colour bar of each process ink, outside the bleed', async () => {
    const file = parsePdf(await pdfBytes(batch.cards));
    for (const page of pages(file)) {
      const content = pageContent(file, page);
      // Four targets, each a circle and the two strokes of its cross.
      const all = content.strokes.filter((s) => s.space === 'Separation:All');
      expect(all.reduce((n, s) => n + s.subpaths, 0)).toBe(12);
      const solids = content.fills.filter((f) => f.space === 'DeviceCMYK').map((f) => f.values.join(' '));
      for (const ink of ['1 0 0 0', '0 1 0 0', '0 0 1 0', '0 0 0 1']) expect(solids).toContain(ink);
    }
  });

  it('refuses a job name that is empty or too long', async () => {
    await expect(pdfBytes(batch.cards, { job: '  ' })).rejects.toThrow(RangeError);
    await expect(pdfBytes(batch.cards, { job: 'x'.repeat(61) })).rejects.toThrow(/job name/);
  });
});

describe('the RGB proof', () => {
  it('is a plain RGB PDF: screen colours, no output intent, no PDF/X keys', async () => {
    const batch = testBatch(2, 'rgb');
    const file = parsePdf(await pdfBytes(batch.cards, { rgb: true }));
    const catalog = dict(file, file.trailer.get('Root'));
    expect(catalog.has('OutputIntents')).toBe(false);
    expect(dict(file, file.trailer.get('Info')).has('GTS_PDFXVersion')).toBe(false);
    const texts = pages(file).flatMap((p) => pageContent(file, p).texts);
    const keys = texts.filter((t) => KEY_TEXT.test(t.text));
    expect(keys).toHaveLength(2 * 148);
    for (const t of keys) expect(t.fill).toEqual({ space: 'DeviceRGB', values: [0, 0, 0] });
  });
});
