import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import PDFDocument from 'pdfkit';
import type { CardRecord } from './batch.js';
import { layoutCard } from './card-layout.js';
import { type Drawing, type LineItem, mm, type RectItem, type TextItem } from './drawing.js';
import { fontSfnt } from './fonts.js';
import {
  BLEED_MM,
  CARD_PANELS,
  ID1_HEIGHT_MM,
  ID1_WIDTH_MM,
  type Imposition,
  impose,
  MARK_LENGTH_MM,
  MARK_OFFSET_MM,
  PAPER_SIZE_MM,
  type Paper,
  UNFOLDED_HEIGHT_MM,
} from './geometry.js';
import { layoutMagnaprint } from './magnaprint-layout.js';
import { clearLayoutCaches, createDigitWriter, DIGIT_TEXT, type DigitWriter } from './pdf-digit-text.js';

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
}

// Above this many bytes waiting to be written, drawing pauses until the output catches up, which
// keeps memory bounded however many cards are printed.
const HIGH_WATER_BYTES = 1 << 20;
// Every this many sheets pdfkit's word-layout caches are emptied (a few thousand words at most).
const CACHE_CLEAR_SHEETS = 200;

type Doc = InstanceType<typeof PDFDocument>;

/**
 * Streams the cards as one PDF into `out` and resolves once everything is written. Fonts are
 * embedded (subset); every page has a TrimBox and a BleedBox. Imposed sheets carry crop marks and
 * fold marks outside the trim; a Magnaprint page is the trimmed page itself.
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
  const doc = new PDFDocument({
    autoFirstPage: false,
    margin: 0,
    pdfVersion: '1.4',
    info: {
      Title: options.title ?? (magnaprint ? 'NemID nøglekort (Magnaprint)' : 'NemID nøglekort'),
      Creator: 'nemid-sim key-card',
      Producer: 'nemid-sim key-card (pdfkit)',
      CreationDate: created,
      ModDate: created,
    },
  });
  doc.registerFont('regular', fontSfnt('regular'));
  doc.registerFont('bold', fontSfnt('bold'));
  // The output may fail while pages are still being drawn (disk full, stream closed): remember the
  // error, stop drawing at the next sheet and report it.
  const output: Output = { doc, error: undefined };
  const written = pipeline(doc, out).catch((err: unknown) => {
    output.error ??= err;
  });
  try {
    if (magnaprint) await magnaprintPages(output, cards, options.onProgress);
    else await imposedSheets(output, cards, impose(paper), options.onProgress);
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
  const { doc } = output;
  const { width, height } = PAPER_SIZE_MM.a4;
  for (let i = 0; i < cards.length; i++) {
    doc.addPage({ size: [mm(width), mm(height)], margin: 0 });
    setBoxes(doc, height, { x: 0, y: 0, w: width, h: height }, 0);
    drawItems(doc, layoutMagnaprint(cards[i]));
    onProgress?.(i + 1, cards.length);
    if (i % CACHE_CLEAR_SHEETS === CACHE_CLEAR_SHEETS - 1) clearLayoutCaches(doc);
    await drain(output);
  }
}

async function imposedSheets(
  output: Output,
  cards: readonly CardRecord[],
  sheet: Imposition,
  onProgress?: PdfOptions['onProgress'],
): Promise<void> {
  const { doc } = output;
  const perSheet = sheet.slots.length;
  const sheets = Math.ceil(cards.length / perSheet);
  const first = sheet.slots[0];
  const last = sheet.slots[perSheet - 1];
  const trim = {
    x: first.x,
    y: first.y,
    w: last.x + ID1_WIDTH_MM - first.x,
    h: last.y + UNFOLDED_HEIGHT_MM - first.y,
  };
  for (let s = 0; s < sheets; s++) {
    doc.addPage({ size: [mm(sheet.sheetWidth), mm(sheet.sheetHeight)], margin: 0 });
    setBoxes(doc, sheet.sheetHeight, trim, BLEED_MM);
    const onSheet = cards.slice(s * perSheet, (s + 1) * perSheet);
    onSheet.forEach((card, i) => {
      const slot = sheet.slots[i];
      doc.save();
      doc.translate(mm(slot.x), mm(slot.y));
      drawItems(doc, layoutCard(card));
      doc.restore();
      drawMarks(doc, slot.x, slot.y);
      onProgress?.(s * perSheet + i + 1, cards.length);
    });
    drawSlug(doc, sheet, s, sheets, onSheet);
    if (s % CACHE_CLEAR_SHEETS === CACHE_CLEAR_SHEETS - 1) clearLayoutCaches(doc);
    await drain(output);
  }
}

/**
 * Draws a layout. Font, size and colour are only set when they change: pdfkit writes an operator for
 * every call, and a sheet has hundreds of key lines in the same style. Runs of key lines are queued
 * and written as one text object, flushed before anything else is drawn so the stacking order holds.
 */
function drawItems(doc: Doc, drawing: Drawing): void {
  let font = '';
  let size = 0;
  let color = '';
  let digits: DigitWriter | undefined;
  const flush = () => digits?.flush();
  for (const item of drawing.items) {
    if (item.kind !== 'text') {
      flush();
      drawShape(doc, item);
      if (item.kind === 'rect') color = '';
      continue;
    }
    if (item.weight !== font || item.size !== size || item.color !== color) {
      flush();
      digits = undefined;
      if (item.weight !== font || item.size !== size) doc.font(item.weight).fontSize(item.size);
      if (item.color !== color) doc.fillColor(item.color);
      font = item.weight;
      size = item.size;
      color = item.color;
    }
    if (item.anchor === 'start' && DIGIT_TEXT.test(item.text)) {
      digits ??= createDigitWriter(doc);
      if (digits) {
        digits.write(item.text, mm(item.x), mm(item.y));
        continue;
      }
    }
    flush();
    drawText(doc, item);
  }
  flush();
}

function drawShape(doc: Doc, item: LineItem | RectItem): void {
  if (item.kind === 'rect') {
    doc.rect(mm(item.x), mm(item.y), mm(item.w), mm(item.h)).fill(item.fill);
    return;
  }
  doc.save();
  doc.moveTo(mm(item.x1), mm(item.y1)).lineTo(mm(item.x2), mm(item.y2)).lineWidth(item.width);
  if (item.dash) doc.dash(mm(item.dash[0]), { space: mm(item.dash[1]) });
  doc.stroke(item.color);
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

/** Crop marks at the four corners and fold marks at both ends of each fold, all outside the bleed. */
function drawMarks(doc: Doc, x: number, y: number): void {
  const a = MARK_OFFSET_MM;
  const b = MARK_OFFSET_MM + MARK_LENGTH_MM;
  const right = x + ID1_WIDTH_MM;
  const bottom = y + UNFOLDED_HEIGHT_MM;
  doc.save().lineWidth(0.25).strokeColor('#000000');
  for (const [cx, sx] of [
    [x, -1],
    [right, 1],
  ]) {
    for (const [cy, sy] of [
      [y, -1],
      [bottom, 1],
    ]) {
      doc.moveTo(mm(cx + sx * a), mm(cy)).lineTo(mm(cx + sx * b), mm(cy));
      doc.moveTo(mm(cx), mm(cy + sy * a)).lineTo(mm(cx), mm(cy + sy * b));
    }
  }
  doc.stroke();
  doc.dash(mm(1), { space: mm(1) });
  for (let p = 1; p < CARD_PANELS; p++) {
    const fy = y + p * ID1_HEIGHT_MM;
    doc.moveTo(mm(x - b), mm(fy)).lineTo(mm(x - a), mm(fy));
    doc.moveTo(mm(right + a), mm(fy)).lineTo(mm(right + b), mm(fy));
  }
  doc.stroke();
  doc.restore();
}

/** A line in the sheet margin for the print shop: sheet number and the card numbers on it. */
function drawSlug(
  doc: Doc,
  sheet: Imposition,
  index: number,
  total: number,
  cards: readonly CardRecord[],
): void {
  const text = `NemID nøglekort · sheet ${index + 1}/${total} · ${cards.map((c) => c.serial).join(' · ')}`;
  doc.font('regular').fontSize(6).fillColor('#000000');
  doc.text(text, mm(sheet.slots[0].x), mm(sheet.sheetHeight - 4), {
    lineBreak: false,
    baseline: 'alphabetic',
  });
}
