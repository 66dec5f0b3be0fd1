import type { CardRecord } from './batch.js';
import { layoutCard } from './card-layout.js';
import type { DrawItem, Drawing, TextItem } from './drawing.js';
import { FONT_FAMILY, fontData } from './fonts.js';
import { layoutMagnaprint } from './magnaprint-layout.js';
import { characterOffsets } from './text-metrics.js';

const PT_TO_MM = 25.4 / 72;
const n = (v: number): string => String(Math.round(v * 1000) / 1000);

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * Every character is placed by itself, at the position the card font gives it, and anchored on the
 * side its text is anchored. A renderer that cannot use the embedded web font (librsvg, for one)
 * draws a wider fallback font; placed this way each wider glyph grows into the gap beside its text
 * instead of pushing a key into its key number or across a column rule. Each character gets a tspan
 * (spaces too, each a text chunk of its own so anchoring moves nothing else) because librsvg takes
 * only the first value of a list of x positions. The text still reads and copies as before.
 */
function text(it: TextItem): string {
  const { x, width } = characterOffsets(it.text, it.weight, it.size);
  const start = it.anchor === 'start' ? it.x : it.anchor === 'middle' ? it.x - width / 2 : it.x - width;
  const share = it.anchor === 'start' ? 0 : it.anchor === 'middle' ? 0.5 : 1;
  const chars = [...it.text]
    .map((ch, i) => {
      if (x[i] === undefined) return escapeXml(ch);
      const advance = (x[i + 1] ?? width) - x[i];
      return `<tspan x="${n(start + x[i] + share * advance)}">${escapeXml(ch)}</tspan>`;
    })
    .join('');
  const anchor = it.anchor === 'start' ? '' : ` text-anchor="${it.anchor}"`;
  return `<text y="${n(it.y)}" font-size="${n(it.size * PT_TO_MM)}" font-weight="${it.weight === 'bold' ? 700 : 400}"${anchor} fill="${it.color.rgb}" xml:space="preserve">${chars}</text>`;
}

function item(it: DrawItem): string {
  switch (it.kind) {
    case 'rect':
      return `<rect x="${n(it.x)}" y="${n(it.y)}" width="${n(it.w)}" height="${n(it.h)}" fill="${it.fill.rgb}"/>`;
    case 'line': {
      const dash = it.dash ? ` stroke-dasharray="${n(it.dash[0])} ${n(it.dash[1])}"` : '';
      return `<line x1="${n(it.x1)}" y1="${n(it.y1)}" x2="${n(it.x2)}" y2="${n(it.y2)}" stroke="${it.color.rgb}" stroke-width="${n(it.width * PT_TO_MM)}"${dash}/>`;
    }
    case 'circle':
      return `<circle cx="${n(it.cx)}" cy="${n(it.cy)}" r="${n(it.r)}" fill="none" stroke="${it.color.rgb}" stroke-width="${n(it.width * PT_TO_MM)}"/>`;
    case 'text':
      return text(it);
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
