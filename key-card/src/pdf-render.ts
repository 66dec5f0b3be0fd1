import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import PDFDocument from 'pdfkit';
import type { CardRecord } from './batch.js';
import { layoutCard } from './card-layout.js';
import {
  type CircleItem,
  type DrawItem,
  type LineItem,
  mm,
  type RectItem,
  type TextItem,
} from './drawing.js';
import { fontSfnt } from './fonts.js';
import { BLEED_MM, type Imposition, impose, PAPER_SIZE_MM, type Paper, sheetTrim } from './geometry.js';
import type { Ink } from './inks.js';
import { layoutMagnaprint } from './magnaprint-layout.js';
import { deflatePageContent } from './pdf-deflate.js';
import { clearLayoutCaches, createTextWriter, type TextWriter } from './pdf-text.js';
import { declarePdfX, PDFX_INFO, PDFX_PDF_VERSION } from './pdfx.js';
import { cardMarks, checkJobName, type SlugInfo, sheetMarks } from './sheet-marks.js';

export interface PdfOptions {
  /** Sheet size for imposed cards (default a4). Magnaprint is always A4. */
  paper?: Paper;
  /** One large-type card per A4 page instead of imposed cards. */
  magnaprint?: boolean;
  /** Called after each card is drawn. */
  onProgress?: (done: number, total: number) => void;
  /** Written as the PDF's creation date, so the same batch always gives the same bytes. */
  createdAt?: Date;
  title?: string;
  /** The job name in the slug of imposed sheets (default: the title). */
  job?: string;
  /** The batch id in the slug of imposed sheets. */
  batchId?: string;
  /**
   * A plain DeviceRGB PDF for proofing on screen instead of PDF/X-1a: the same pages in screen
   * colours, without the output intent and PDF/X identification.
   */
  rgb?: boolean;
}

// Above this many bytes waiting to be written, drawing pauses until the output catches up, which
// keeps memory bounded however many cards are printed.
const HIGH_WATER_BYTES = 1 << 20;
// Every this many sheets pdfkit's word-layout caches are emptied (a few thousand words at most).
const CACHE_CLEAR_SHEETS = 200;

type Doc = InstanceType<typeof PDFDocument>;
/** How an ink is handed to pdfkit: an RGB hex string, CMYK percentages, or a spot colour's name. */
type PdfColour = string | [number, number, number, number];
type Paint = (ink: Ink) => PdfColour;
// pdfkit resolves a registered spot colour by its name; `All` is PDF's name for every colourant.
const ALL_SEPARATIONS = 'All';

/**
 * Streams the cards as one PDF into `out` and resolves once everything is written: PDF/X-1a:2003
 * in CMYK (see pdfx.ts), or with `rgb` a plain RGB proof. Fonts are embedded (subset); every page
 * has a TrimBox and a BleedBox. Imposed sheets carry crop, fold and registration marks, a colour bar
 * and the job's slug outside the bleed; a Magnaprint page is the trimmed page itself.
 */
export async function renderPdf(
  cards: readonly CardRecord[],
  out: Writable,
  options: PdfOptions = {},
): Promise<void> {
  if (cards.length === 0) throw new RangeError('there are no cards to print');
  const magnaprint = options.magnaprint ?? false;
  const paper = options.paper ?? 'a4';
  if (magnaprint && paper !== 'a4') throw new RangeError('Magnaprint is printed on A4 paper only');
  const created = options.createdAt ?? new Date();
  const title = options.title ?? (magnaprint ? 'NemID nøglekort (Magnaprint)' : 'NemID nøglekort');
  const slug: SlugInfo = { job: checkJobName(options.job ?? title), batchId: options.batchId, date: created };
  const pdfx = !options.rgb;
  const doc = new PDFDocument({
    autoFirstPage: false,
    margin: 0,
    pdfVersion: PDFX_PDF_VERSION,
    info: {
      Title: title,
      Creator: 'nemid-sim key-card',
      Producer: 'nemid-sim key-card (pdfkit)',
      CreationDate: created,
      ModDate: created,
      ...(pdfx ? PDFX_INFO : {}),
    },
  });
  doc.registerFont('regular', fontSfnt('regular'));
  doc.registerFont('bold', fontSfnt('bold'));
  let paint: Paint = (ink) => ink.rgb;
  if (pdfx) {
    declarePdfX(doc);
    // @types/pdfkit lacks addSpotColor, which pdfkit has had since 0.12.
    const spots = doc as unknown as {
      addSpotColor(name: string, c: number, m: number, y: number, k: number): void;
    };
    spots.addSpotColor(ALL_SEPARATIONS, 100, 100, 100, 100);
    paint = (ink) => (ink.allSeparations ? ALL_SEPARATIONS : [...ink.cmyk]);
  }
  // The output may fail while pages are still being drawn (disk full, stream closed): remember the
  // error, stop drawing at the next sheet and report it.
  const output: Output = { doc, paint, error: undefined };
  const written = pipeline(doc, out).catch((err: unknown) => {
    output.error ??= err;
  });
  try {
    if (magnaprint) await magnaprintPages(output, cards, options.onProgress);
    else await imposedSheets(output, cards, impose(paper), slug, options.onProgress);
    doc.end();
  } catch (err) {
    doc.destroy(err instanceof Error ? err : new Error(String(err)));
    await written;
    throw output.error ?? err;
  }
  await written;
  if (output.error !== undefined) throw output.error;
}

interface Output {
  doc: Doc;
  paint: Paint;
  error: unknown;
}

/**
 * Waits (without spinning) until the output has taken most of what pdfkit has buffered; throws if
 * the output has failed.
 */
async function drain(output: Output): Promise<void> {
  while (output.error === undefined && output.doc.readableLength > HIGH_WATER_BYTES) {
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  if (output.error !== undefined) throw output.error;
}

/** Sets the page boxes in PDF coordinates (origin bottom left) from a rectangle in mm from top left. */
function setBoxes(
  doc: Doc,
  sheetHeight: number,
  trim: { x: number; y: number; w: number; h: number },
  bleed: number,
) {
  const box = (grow: number) => [
    mm(trim.x - grow),
    mm(sheetHeight - trim.y - trim.h - grow),
    mm(trim.x + trim.w + grow),
    mm(sheetHeight - trim.y + grow),
  ];
  const data = doc.page.dictionary.data as Record<string, unknown>;
  data.TrimBox = box(0);
  data.BleedBox = box(bleed);
}

async function magnaprintPages(
  output: Output,
  cards: readonly CardRecord[],
  onProgress?: PdfOptions['onProgress'],
) {
  const { doc, paint } = output;
  const { width, height } = PAPER_SIZE_MM.a4;
  for (let i = 0; i < cards.length; i++) {
    doc.addPage({ size: [mm(width), mm(height)], margin: 0 });
    setBoxes(doc, height, { x: 0, y: 0, w: width, h: height }, 0);
    drawItems(doc, paint, layoutMagnaprint(cards[i]).items);
    deflatePageContent(doc);
    onProgress?.(i + 1, cards.length);
    if (i % CACHE_CLEAR_SHEETS === CACHE_CLEAR_SHEETS - 1) clearLayoutCaches(doc);
    await drain(output);
  }
}

async function imposedSheets(
  output: Output,
  cards: readonly CardRecord[],
  sheet: Imposition,
  slug: SlugInfo,
  onProgress?: PdfOptions['onProgress'],
): Promise<void> {
  const { doc, paint } = output;
  const perSheet = sheet.slots.length;
  const sheets = Math.ceil(cards.length / perSheet);
  const trim = sheetTrim(sheet);
  for (let s = 0; s < sheets; s++) {
    doc.addPage({ size: [mm(sheet.sheetWidth), mm(sheet.sheetHeight)], margin: 0 });
    setBoxes(doc, sheet.sheetHeight, trim, BLEED_MM);
    const onSheet = cards.slice(s * perSheet, (s + 1) * perSheet);
    onSheet.forEach((card, i) => {
      const slot = sheet.slots[i];
      doc.save();
      doc.translate(mm(slot.x), mm(slot.y));
      drawItems(doc, paint, layoutCard(card).items);
      doc.restore();
      drawItems(doc, paint, cardMarks(slot.x, slot.y));
      onProgress?.(s * perSheet + i + 1, cards.length);
    });
    const serials = onSheet.map((c) => c.serial);
    drawItems(doc, paint, sheetMarks(sheet, s, sheets, serials, slug));
    deflatePageContent(doc);
    if (s % CACHE_CLEAR_SHEETS === CACHE_CLEAR_SHEETS - 1) clearLayoutCaches(doc);
    await drain(output);
  }
}

/**
 * Draws a layout. Font, size and colour are only set when they change: pdfkit writes an operator for
 * every call, and a sheet has hundreds of key lines in the same style. Runs of texts in one style
 * are queued and written as one text object (see pdf-text.ts), and runs of shapes that paint alike
 * as one path, each flushed before anything else is drawn so the stacking order holds.
 */
function drawItems(doc: Doc, paint: Paint, items: readonly DrawItem[]): void {
  let font = '';
  let size = 0;
  let color: Ink | undefined;
  let writer: TextWriter | undefined;
  const flush = () => writer?.flush();
  for (let i = 0; i < items.length; ) {
    const item = items[i];
    if (item.kind !== 'text') {
      flush();
      let end = i + 1;
      while (end < items.length && paintsAlike(item, items[end])) end++;
      drawShapes(doc, paint, items.slice(i, end) as ShapeItem[]);
      if (item.kind === 'rect') color = undefined;
      i = end;
      continue;
    }
    i++;
    if (item.weight !== font || item.size !== size || item.color !== color) {
      flush();
      if (item.weight !== font || item.size !== size) doc.font(item.weight).fontSize(item.size);
      if (item.color !== color) doc.fillColor(paint(item.color));
      font = item.weight;
      size = item.size;
      color = item.color;
      writer = createTextWriter(doc);
    }
    if (writer?.write(item.text, mm(item.x), mm(item.y), item.anchor)) continue;
    flush();
    drawText(doc, item);
  }
  flush();
}

type ShapeItem = LineItem | RectItem | CircleItem;

/** Whether `b` can go into the same path as `a`: the same kind of shape, painted the same way. */
function paintsAlike(a: ShapeItem, b: DrawItem): boolean {
  if (a.kind === 'rect') return b.kind === 'rect' && b.fill === a.fill;
  if (a.kind === 'circle') return b.kind === 'circle' && b.color === a.color && b.width === a.width;
  return (
    b.kind === 'line' &&
    b.color === a.color &&
    b.width === a.width &&
    b.dash?.[0] === a.dash?.[0] &&
    b.dash?.[1] === a.dash?.[1]
  );
}

/** Shapes that paint alike, as one path filled or stroked once (a dash restarts on each line). */
function drawShapes(doc: Doc, paint: Paint, shapes: readonly ShapeItem[]): void {
  const first = shapes[0];
  if (first.kind === 'rect') {
    for (const r of shapes as readonly RectItem[]) doc.rect(mm(r.x), mm(r.y), mm(r.w), mm(r.h));
    doc.fill(paint(first.fill));
    return;
  }
  doc.save();
  for (const s of shapes as readonly (LineItem | CircleItem)[]) {
    if (s.kind === 'circle') doc.circle(mm(s.cx), mm(s.cy), mm(s.r));
    else doc.moveTo(mm(s.x1), mm(s.y1)).lineTo(mm(s.x2), mm(s.y2));
  }
  doc.lineWidth(first.width);
  if (first.kind === 'line' && first.dash) doc.dash(mm(first.dash[0]), { space: mm(first.dash[1]) });
  doc.stroke(paint(first.color));
  doc.restore();
}

function drawText(doc: Doc, item: TextItem): void {
  let x = mm(item.x);
  if (item.anchor !== 'start') {
    const w = doc.widthOfString(item.text);
    x -= item.anchor === 'middle' ? w / 2 : w;
  }
  doc.text(item.text, x, mm(item.y), { lineBreak: false, baseline: 'alphabetic' });
}
