import type { DrawItem, TextItem } from './drawing.js';
import {
  BLEED_MM,
  CARD_PANELS,
  ID1_HEIGHT_MM,
  ID1_WIDTH_MM,
  type Imposition,
  MARK_LENGTH_MM,
  MARK_OFFSET_MM,
  sheetTrim,
  UNFOLDED_HEIGHT_MM,
} from './geometry.js';
import { BLACK, COLOUR_BAR, REGISTRATION } from './inks.js';

/** What the slug says about the job, besides the sheet number and the card numbers on the sheet. */
export interface SlugInfo {
  /** The print job's name (1 to MAX_JOB_NAME characters). */
  job: string;
  /** The batch the cards come from, when known. */
  batchId?: string;
  /** The job's date, printed as YYYY-MM-DD (UTC). */
  date: Date;
}

export const MAX_JOB_NAME = 60;

/** Checks a job name for the slug: printable text of 1 to MAX_JOB_NAME characters, trimmed. */
export function checkJobName(name: string): string {
  const job = name.trim();
  if (job.length === 0 || job.length > MAX_JOB_NAME || /\p{Cc}/u.test(job)) {
    throw new RangeError(`a job name is 1 to ${MAX_JOB_NAME} printable characters`);
  }
  return job;
}

const MARK_WIDTH_PT = 0.25;
/** Registration targets: a circle with a cross through it, centred this far outside the trim. */
const TARGET_RADIUS_MM = 2;
const TARGET_ARM_MM = 3;
const TARGET_OFFSET_MM = BLEED_MM + 0.5 + TARGET_ARM_MM;
/** Colour-bar patches, in a row above the top registration target. */
const PATCH_MM = 5;
const BAR_OFFSET_MM = TARGET_OFFSET_MM + TARGET_ARM_MM + 2 + PATCH_MM;
/** Slug text: two lines below the bottom registration target. */
const SLUG_PT = 6;
const SLUG_OFFSET_MM = TARGET_OFFSET_MM + TARGET_ARM_MM + 4.5;
const SLUG_LEADING_MM = 3;

const line = (
  x1: number,
  y1: number,
  x2: number,
  y2: number,
  dash?: readonly [number, number],
): DrawItem => ({
  kind: 'line',
  x1,
  y1,
  x2,
  y2,
  width: MARK_WIDTH_PT,
  color: BLACK,
  dash,
});

/**
 * Crop marks at the four corners of a card and fold marks at both ends of each fold, all in black
 * ink and all starting outside the bleed.
 */
export function cardMarks(x: number, y: number): DrawItem[] {
  const a = MARK_OFFSET_MM;
  const b = MARK_OFFSET_MM + MARK_LENGTH_MM;
  const right = x + ID1_WIDTH_MM;
  const bottom = y + UNFOLDED_HEIGHT_MM;
  const items: DrawItem[] = [];
  for (const [cx, sx] of [
    [x, -1],
    [right, 1],
  ]) {
    for (const [cy, sy] of [
      [y, -1],
      [bottom, 1],
    ]) {
      items.push(line(cx + sx * a, cy, cx + sx * b, cy));
      items.push(line(cx, cy + sy * a, cx, cy + sy * b));
    }
  }
  for (let p = 1; p < CARD_PANELS; p++) {
    const fy = y + p * ID1_HEIGHT_MM;
    items.push(line(x - b, fy, x - a, fy, [1, 1]));
    items.push(line(right + a, fy, right + b, fy, [1, 1]));
  }
  return items;
}

function target(cx: number, cy: number): DrawItem[] {
  const arm = TARGET_ARM_MM;
  const ink = { width: MARK_WIDTH_PT, color: REGISTRATION };
  return [
    { kind: 'circle', cx, cy, r: TARGET_RADIUS_MM, ...ink },
    { kind: 'line', x1: cx - arm, y1: cy, x2: cx + arm, y2: cy, ...ink },
    { kind: 'line', x1: cx, y1: cy - arm, x2: cx, y2: cy + arm, ...ink },
  ];
}

const slugText = (x: number, y: number, text: string): TextItem => ({
  kind: 'text',
  x,
  y,
  size: SLUG_PT,
  weight: 'regular',
  anchor: 'start',
  text,
  color: BLACK,
});

/**
 * What a print shop expects around the cards of an imposed sheet, all in the slug outside the
 * bleed: registration targets at the middle of each side (clear of the crop and fold marks), a
 * colour bar above the cards, and two lines below them naming the job, the sheet, the date, the
 * batch and the card numbers on the sheet.
 */
export function sheetMarks(
  sheet: Imposition,
  index: number,
  total: number,
  serials: readonly string[],
  slug: SlugInfo,
): DrawItem[] {
  const trim = sheetTrim(sheet);
  const centreX = trim.x + trim.w / 2;
  // The middle of the second panel: no fold mark there.
  const sideY = trim.y + 1.5 * ID1_HEIGHT_MM;
  const items: DrawItem[] = [
    ...target(centreX, trim.y - TARGET_OFFSET_MM),
    ...target(centreX, trim.y + trim.h + TARGET_OFFSET_MM),
    ...target(trim.x - TARGET_OFFSET_MM, sideY),
    ...target(trim.x + trim.w + TARGET_OFFSET_MM, sideY),
  ];
  const barX = centreX - (COLOUR_BAR.length * PATCH_MM) / 2;
  COLOUR_BAR.forEach((fill, i) => {
    items.push({
      kind: 'rect',
      x: barX + i * PATCH_MM,
      y: trim.y - BAR_OFFSET_MM,
      w: PATCH_MM,
      h: PATCH_MM,
      fill,
    });
  });
  const date = slug.date.toISOString().slice(0, 10);
  const top = trim.y + trim.h + SLUG_OFFSET_MM;
  items.push(
    slugText(trim.x, top, `job ${slug.job} · sheet ${index + 1}/${total} · ${date}`),
    slugText(
      trim.x,
      top + SLUG_LEADING_MM,
      `NemID nøglekort · ${slug.batchId ? `batch ${slug.batchId} · ` : ''}cards ${serials.join(' · ')}`,
    ),
  );
  return items;
}
