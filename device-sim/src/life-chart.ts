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

/** How the life ended, for the mark at its end. */
export function endWords(r: LifeResult): string {
  return r.endedBy === 'limit' ? 'still working: end of the simulation' : 'battery dead';
}

/** The clock error's scale: minutes, unless it stays within two minutes. */
function driftUnit(r: LifeResult): { name: string; seconds: number } {
  let max = 0;
  for (const s of r.sampleDriftSeconds) max = Math.max(max, Math.abs(s));
  return max >= 120 ? { name: 'min', seconds: 60 } : { name: 's', seconds: 1 };
}

/**
 * The device's life as terminal charts: the battery voltage (at rest, and under the press burst
 * that the low-battery mark is judged by) and the clock's error, over one time axis that marks
 * when the low-battery mark first showed and when the life ended.
 */
export function lifeChart(r: LifeResult, options: { width?: number; height?: number } = {}): string {
  const width = Math.max(10, Math.min(200, options.width ?? 60));
  const height = Math.max(4, options.height ?? 10);
  const volts = plot([resample(r, r.sampleVolts, width), resample(r, r.sampleLoadedVolts, width)], {
    height,
    min: 1.8,
    max: 3.3,
    format: (x: number) => `${x.toFixed(2)} V `.padStart(9),
  });
  const unit = driftUnit(r);
  const drift = plot(
    resample(r, r.sampleDriftSeconds, width).map((s) => s / unit.seconds),
    {
      height: Math.max(3, Math.round(height / 2)),
      format: (x: number) => `${x.toFixed(1)} ${unit.name} `.padStart(9),
    },
  );
  // Sample i is drawn i columns right of the axis character (sample 0 on the axis itself).
  const pad = ' '.repeat(volts.split('\n')[0].search(/[┤┼]/));
  const column = (years: number): number => Math.round(((width - 1) * years) / Math.max(r.years, 1e-9));
  const marks = [...' '.repeat(width)];
  if (r.lowBatteryYears !== null) marks[column(r.lowBatteryYears)] = '▲';
  marks[width - 1] = '✕';
  const endLabel = `${r.years.toFixed(2)} y`;
  const axis = `${pad}0 y${' '.repeat(Math.max(1, width - 3 - endLabel.length))}${endLabel}`;
  const legend = [
    `${pad}▲ low-battery mark ${r.lowBatteryYears === null ? 'never shown' : `at ${r.lowBatteryYears.toFixed(2)} y`}; ` +
      `✕ ${endWords(r)} at ${r.years.toFixed(2)} y`,
  ];
  return [
    `${pad}battery voltage: upper line at rest, lower line under the press burst (mark below ${r.lowBatteryVolts.toFixed(2)} V)`,
    volts,
    `${pad}${marks.join('').trimEnd()}`,
    `${pad}clock error (${unit.name}, + ahead of true time)`,
    drift,
    `${pad}${marks.join('').trimEnd()}`,
    axis,
    ...legend,
  ].join('\n');
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * The same life as a standalone SVG document: battery voltage (left axis) with the low-battery
 * threshold, the clock's error (right axis), the moment the low-battery mark first showed and the
 * end of life.
 */
export function lifeSvg(r: LifeResult, title: string): string {
  const W = 760;
  const H = 380;
  const left = 60;
  const right = 70;
  const top = 40;
  const bottom = 84;
  const vMin = 1.8;
  const vMax = 3.3;
  // A little room after the end, so the end-of-life line is not hidden in the frame.
  const span = Math.max(r.years, 1e-9) * 1.05;
  const unit = driftUnit(r);
  let maxDrift = 0;
  for (const s of r.sampleDriftSeconds) maxDrift = Math.max(maxDrift, Math.abs(s) / unit.seconds);
  const dMax = niceCeiling(Math.max(maxDrift, 1));
  const x = (t: number): number => left + ((W - left - right) * t) / span;
  const y = (v: number): number =>
    top + ((H - top - bottom) * (vMax - Math.max(vMin, Math.min(vMax, v)))) / (vMax - vMin);
  const yDrift = (d: number): number => top + ((H - top - bottom) * (dMax - d)) / (2 * dMax);
  const line = (series: Float64Array, at: (v: number) => number, scale = 1): string => {
    let d = '';
    for (let i = 0; i < series.length; i++) {
      d += `${i === 0 ? 'M' : 'L'}${x(r.sampleYears[i]).toFixed(1)},${at(series[i] / scale).toFixed(1)}`;
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
  for (const d of [-dMax, -dMax / 2, 0, dMax / 2, dMax]) {
    parts.push(
      `<text x="${W - right + 6}" y="${(yDrift(d) + 4).toFixed(1)}" fill="#26a269">${d > 0 ? '+' : ''}${Number(d.toFixed(1))} ${unit.name}</text>`,
    );
  }
  const step = span > 8 ? 2 : span > 3 ? 1 : span > 1 ? 0.5 : 0.1;
  for (let t = 0; t <= span + 1e-9; t += step) {
    parts.push(
      `<line x1="${x(t).toFixed(1)}" x2="${x(t).toFixed(1)}" y1="${H - bottom}" y2="${H - bottom + 5}" stroke="#000"/>`,
      `<text x="${x(t).toFixed(1)}" y="${H - bottom + 18}" text-anchor="middle">${Number(t.toFixed(1))}</text>`,
    );
  }
  const end = x(r.years).toFixed(1);
  parts.push(
    `<text x="${(left + W - right) / 2}" y="${H - bottom + 34}" text-anchor="middle">years</text>`,
    `<line x1="${left}" x2="${W - right}" y1="${H - bottom}" y2="${H - bottom}" stroke="#000"/>`,
    `<line x1="${left}" x2="${left}" y1="${top}" y2="${H - bottom}" stroke="#000"/>`,
    `<line x1="${W - right}" x2="${W - right}" y1="${top}" y2="${H - bottom}" stroke="#26a269"/>`,
    `<line x1="${left}" x2="${W - right}" y1="${y(r.lowBatteryVolts).toFixed(1)}" y2="${y(r.lowBatteryVolts).toFixed(1)}" stroke="#c00" stroke-dasharray="4 4"/>`,
    `<path d="${line(r.sampleVolts, y)}" fill="none" stroke="#1a5fb4" stroke-width="2"><title>battery voltage at rest</title></path>`,
    `<path d="${line(r.sampleLoadedVolts, y)}" fill="none" stroke="#e66100" stroke-width="1.5"><title>battery voltage under the press burst</title></path>`,
    `<path d="${line(r.sampleDriftSeconds, yDrift, unit.seconds)}" fill="none" stroke="#26a269" stroke-width="1.5" stroke-dasharray="6 3"><title>clock error</title></path>`,
    `<line class="end-of-life" x1="${end}" x2="${end}" y1="${top}" y2="${H - bottom}" stroke="#000" stroke-width="2"/>`,
    `<text x="${(x(r.years) - 4).toFixed(1)}" y="${top + 12}" text-anchor="end">${esc(endWords(r))} (${r.years.toFixed(2)} y)</text>`,
  );
  if (r.lowBatteryYears !== null) {
    const mx = x(r.lowBatteryYears).toFixed(1);
    parts.push(
      `<line class="low-battery" x1="${mx}" x2="${mx}" y1="${top}" y2="${H - bottom}" stroke="#c00"/>`,
      `<text x="${(x(r.lowBatteryYears) - 4).toFixed(1)}" y="${top + 28}" text-anchor="end" fill="#c00">low-battery mark (${r.lowBatteryYears.toFixed(2)} y)</text>`,
    );
  }
  parts.push(
    `<text x="${left}" y="${H - 26}" fill="#1a5fb4">— battery at rest</text>`,
    `<text x="${left + 130}" y="${H - 26}" fill="#e66100">— battery under the press burst (low-battery mark below ${r.lowBatteryVolts.toFixed(1)} V, dashed)</text>`,
    `<text x="${left}" y="${H - 10}" fill="#26a269">- - clock error, right axis (+ ahead of true time)</text>`,
    '</svg>',
  );
  return `${parts.join('\n')}\n`;
}

/** The smallest of 1, 2, 5, 10, 20, 50, ... that is at least `x`. */
function niceCeiling(x: number): number {
  const decade = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 5, 10]) if (m * decade >= x) return m * decade;
  return 10 * decade;
}
