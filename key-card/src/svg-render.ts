import type { CardRecord } from './batch.js';
import { layoutCard } from './card-layout.js';
import type { DrawItem, Drawing } from './drawing.js';
import { FONT_FAMILY, fontData } from './fonts.js';
import { layoutMagnaprint } from './magnaprint-layout.js';

const PT_TO_MM = 25.4 / 72;
const n = (v: number): string => String(Math.round(v * 1000) / 1000);

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function item(it: DrawItem): string {
  switch (it.kind) {
    case 'rect':
      return `<rect x="${n(it.x)}" y="${n(it.y)}" width="${n(it.w)}" height="${n(it.h)}" fill="${it.fill}"/>`;
    case 'line': {
      const dash = it.dash ? ` stroke-dasharray="${n(it.dash[0])} ${n(it.dash[1])}"` : '';
      return `<line x1="${n(it.x1)}" y1="${n(it.y1)}" x2="${n(it.x2)}" y2="${n(it.y2)}" stroke="${it.color}" stroke-width="${n(it.width * PT_TO_MM)}"${dash}/>`;
    }
    case 'text':
      return `<text x="${n(it.x)}" y="${n(it.y)}" font-size="${n(it.size * PT_TO_MM)}" font-weight="${it.weight === 'bold' ? 700 : 400}" text-anchor="${it.anchor}" fill="${it.color}" xml:space="preserve">${escapeXml(it.text)}</text>`;
  }
}

function fontFaces(): string {
  return (['regular', 'bold'] as const)
    .map(
      (w) =>
        `@font-face{font-family:'${FONT_FAMILY}';font-weight:${w === 'bold' ? 700 : 400};` +
        `src:url(data:font/woff;base64,${fontData(w).toString('base64')}) format('woff');}`,
    )
    .join('');
}

function toSvg(drawing: Drawing, title: string): string {
  const { width, height } = drawing;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${n(width)}mm" height="${n(height)}mm" viewBox="0 0 ${n(width)} ${n(height)}">`,
    `<title>${escapeXml(title)}</title>`,
    `<style>${fontFaces()}text{font-family:'${FONT_FAMILY}',Verdana,sans-serif}</style>`,
    `<rect x="0" y="0" width="${n(width)}" height="${n(height)}" fill="#ffffff"/>`,
    ...drawing.items.map(item),
    '</svg>',
    '',
  ].join('\n');
}

/**
 * One card as a self-contained SVG (fonts embedded), drawn from the same layout as the PDF: the
 * unfolded card at its trimmed size in millimetres, or with `magnaprint` the large-type A4 page.
 */
export function renderSvg(card: CardRecord, options: { magnaprint?: boolean } = {}): string {
  return options.magnaprint
    ? toSvg(layoutMagnaprint(card), `NemID nøglekort ${card.serial} (Magnaprint)`)
    : toSvg(layoutCard(card), `NemID nøglekort ${card.serial}`);
}
