import { fontData, type TextItem } from '@nemid-sim/key-card';
import PDFDocument from 'pdfkit';

/** Millimetres per point. */
export const PT = 25.4 / 72;

// The card font's own widths, measured with pdfkit as the PDF renderer lays text out.
const doc = new PDFDocument({ autoFirstPage: false });
doc.registerFont('regular', fontData('regular'));
doc.registerFont('bold', fontData('bold'));

/** Horizontal extent of a text item in mm, measured with the embedded font. */
export function extent(t: TextItem): [number, number] {
  const w = doc.font(t.weight).fontSize(t.size).widthOfString(t.text) * PT;
  const left = t.anchor === 'start' ? t.x : t.anchor === 'middle' ? t.x - w / 2 : t.x - w;
  return [left, left + w];
}
