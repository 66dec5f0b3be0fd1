import { plot } from 'asciichart';
import type { LifeResult } from './life.js';

/** Picks `count` evenly spaced samples (by time) from a life, for a chart that many columns wide. */
function resample(r: LifeResult, series: Float64Array, count: number): number[] {
  const out: number[] = [];
  const last = r.sampleYears.length - 1;
  const span = r.sampleYears[last];
  let j = 0;
  for (let i = 0; i < count; i++) {
    const t = (span * i) / (count - 1);
    while (j < last && r.sampleYears[j + 1] <= t) j++;
    out.push(series[j]);
  }
  out[count - 1] = series[last];
  return out;
}

/**
 * The battery voltage over the device's life as a terminal chart: rest voltage, and (unless
 * `restOnly`) the voltage under the press burst that the low-battery mark is judged by.
 */
export function lifeChart(r: LifeResult, options: { width?: number; height?: number } = {}): string {
  const width = Math.max(10, Math.min(200, options.width ?? 60));
  const height = Math.max(4, options.height ?? 10);
  const rest = resample(r, r.sampleVolts, width);
  const loaded = resample(r, r.sampleLoadedVolts, width);
  const chart = plot([rest, loaded], {
    height,
    min: 1.8,
    max: 3.3,
    format: (x: number) => `${x.toFixed(2)} V `.padStart(8),
  });
  const axisPad = ' '.repeat(9);
  const endLabel = `${r.years.toFixed(2)} y`;
  const axis = `${axisPad}0 y${' '.repeat(Math.max(1, width - 3 - endLabel.length))}${endLabel}`;
  return `${chart}\n${axis}\n${axisPad}upper line: at rest; lower line: under the press burst (mark below ${r.lowBatteryVolts.toFixed(2)} V)`;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The same chart as a standalone SVG document, with axes, the threshold and the mark. */
export function lifeSvg(r: LifeResult, title: string): string {
  const W = 720;
  const H = 360;
  const left = 60;
  const right = 20;
  const top = 40;
  const bottom = 50;
  const vMin = 1.8;
  const vMax = 3.3;
  const years = Math.max(r.years, 1e-9);
  const x = (y: number): number => left + ((W - left - right) * y) / years;
  const y = (v: number): number =>
    top + ((H - top - bottom) * (vMax - Math.max(vMin, Math.min(vMax, v)))) / (vMax - vMin);
  const line = (series: Float64Array): string => {
    let d = '';
    for (let i = 0; i < series.length; i++) {
      d += `${i === 0 ? 'M' : 'L'}${x(r.sampleYears[i]).toFixed(1)},${y(series[i]).toFixed(1)}`;
    }
    return d;
  };
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<title>${esc(title)}</title>`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="14" font-weight="bold">${esc(title)}</text>`,
  );
  for (let v = 2; v <= 3.2001; v += 0.2) {
    parts.push(
      `<line x1="${left}" x2="${W - right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#ddd"/>`,
      `<text x="${left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${v.toFixed(1)} V</text>`,
    );
  }
  const step = years > 8 ? 2 : years > 3 ? 1 : years > 1 ? 0.5 : 0.1;
  for (let t = 0; t <= years + 1e-9; t += step) {
    parts.push(
      `<line x1="${x(t).toFixed(1)}" x2="${x(t).toFixed(1)}" y1="${H - bottom}" y2="${H - bottom + 5}" stroke="#000"/>`,
      `<text x="${x(t).toFixed(1)}" y="${H - bottom + 18}" text-anchor="middle">${Number(t.toFixed(1))}</text>`,
    );
  }
  parts.push(
    `<text x="${(left + W - right) / 2}" y="${H - 10}" text-anchor="middle">years</text>`,
    `<line x1="${left}" x2="${W - right}" y1="${H - bottom}" y2="${H - bottom}" stroke="#000"/>`,
    `<line x1="${left}" x2="${left}" y1="${top}" y2="${H - bottom}" stroke="#000"/>`,
    `<line x1="${left}" x2="${W - right}" y1="${y(r.lowBatteryVolts).toFixed(1)}" y2="${y(r.lowBatteryVolts).toFixed(1)}" stroke="#c00" stroke-dasharray="4 4"/>`,
    `<path d="${line(r.sampleVolts)}" fill="none" stroke="#1a5fb4" stroke-width="2"><title>at rest</title></path>`,
    `<path d="${line(r.sampleLoadedVolts)}" fill="none" stroke="#e66100" stroke-width="1.5"><title>under the press burst</title></path>`,
  );
  if (r.lowBatteryYears !== null) {
    const mx = x(r.lowBatteryYears).toFixed(1);
    parts.push(
      `<line x1="${mx}" x2="${mx}" y1="${top}" y2="${H - bottom}" stroke="#c00"/>`,
      `<text x="${mx}" y="${top - 4}" text-anchor="end" fill="#c00">low-battery mark</text>`,
    );
  }
  parts.push(
    `<text x="${left + 12}" y="${H - bottom - 30}" fill="#1a5fb4">— at rest</text>`,
    `<text x="${left + 12}" y="${H - bottom - 14}" fill="#e66100">— under the press burst (low-battery mark below ${r.lowBatteryVolts.toFixed(1)} V, dashed)</text>`,
    '</svg>',
  );
  return `${parts.join('\n')}\n`;
}
