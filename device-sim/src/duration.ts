import { SECONDS_PER_DAY, SECONDS_PER_HOUR, SECONDS_PER_MINUTE, SECONDS_PER_YEAR } from './units.js';

const UNITS: Readonly<Record<string, number>> = {
  s: 1,
  m: SECONDS_PER_MINUTE,
  min: SECONDS_PER_MINUTE,
  h: SECONDS_PER_HOUR,
  d: SECONDS_PER_DAY,
  w: 7 * SECONDS_PER_DAY,
  y: SECONDS_PER_YEAR,
};

/** Longest span one command may skip: longer than any cell lasts. */
export const MAX_DURATION_SECONDS = 100 * SECONDS_PER_YEAR;

/**
 * Parses a span of time such as `90s`, `30m`, `3h`, `2d`, `1w`, `1y` or `1y2d12h` (a year is
 * 365.25 days) into seconds.
 */
export function parseDuration(text: string): number {
  const clean = text.trim().toLowerCase();
  const part = /(\d+(?:\.\d+)?)(min|s|m|h|d|w|y)/y;
  let seconds = 0;
  let at = 0;
  while (at < clean.length) {
    part.lastIndex = at;
    const m = part.exec(clean);
    if (!m) break;
    seconds += Number(m[1]) * UNITS[m[2]];
    at = part.lastIndex;
  }
  if (clean === '' || at !== clean.length) {
    throw new RangeError(
      'a duration is a number and a unit (s, m, h, d, w, y), e.g. 90s, 3h, 2d, 1y or 1d12h',
    );
  }
  if (seconds > MAX_DURATION_SECONDS) throw new RangeError('a duration may be at most 100 years');
  return seconds;
}

/** A span in seconds in the largest unit that keeps it readable, e.g. `4.52 years`, `7.9 months`. */
export function describeDuration(seconds: number): string {
  const abs = Math.abs(seconds);
  if (abs >= SECONDS_PER_YEAR) return `${(seconds / SECONDS_PER_YEAR).toFixed(2)} years`;
  if (abs >= 60 * SECONDS_PER_DAY) return `${(seconds / (SECONDS_PER_YEAR / 12)).toFixed(1)} months`;
  if (abs >= 2 * SECONDS_PER_DAY) return `${(seconds / SECONDS_PER_DAY).toFixed(1)} days`;
  if (abs >= 2 * SECONDS_PER_HOUR) return `${(seconds / SECONDS_PER_HOUR).toFixed(1)} hours`;
  if (abs >= 2 * SECONDS_PER_MINUTE) return `${(seconds / SECONDS_PER_MINUTE).toFixed(1)} minutes`;
  return `${seconds.toFixed(1)} s`;
}
