/**
 * Sizes of the folded card and of the print sheets, in millimetres. ISO/IEC 7810 ID-1 is
 * 85.60 x 53.98 mm; the card is printed unfolded as a strip of panels of exactly that size.
 */
export const ID1_WIDTH_MM = 85.6;
export const ID1_HEIGHT_MM = 53.98;
/** Cover plus three key panels; folded zig-zag along the three lines between them. */
export const CARD_PANELS = 4;
export const UNFOLDED_HEIGHT_MM = ID1_HEIGHT_MM * CARD_PANELS;
export const BLEED_MM = 3;
/** Crop and fold marks start this far outside the trim (clear of the bleed) and are this long. */
export const MARK_OFFSET_MM = 3;
export const MARK_LENGTH_MM = 5;

export type Paper = 'a4' | 'letter';
export const PAPERS: readonly Paper[] = ['a4', 'letter'];
export const PAPER_SIZE_MM: Record<Paper, { width: number; height: number }> = {
  a4: { width: 210, height: 297 },
  letter: { width: 215.9, height: 279.4 },
};

export interface Imposition {
  paper: Paper;
  sheetWidth: number;
  sheetHeight: number;
  /** Top-left trim corner of each card position on a sheet, row by row. */
  slots: { x: number; y: number }[];
}

/**
 * Places as many unfolded cards on a sheet as fit with room for the marks around each one, and
 * centres the block. Cards are a mark's length apart, so the marks of neighbours never overlap.
 */
export function impose(paper: Paper): Imposition {
  const { width, height } = PAPER_SIZE_MM[paper];
  const margin = MARK_OFFSET_MM + MARK_LENGTH_MM;
  const gutter = 2 * margin;
  const fit = (sheet: number, card: number) => Math.floor((sheet - 2 * margin + gutter) / (card + gutter));
  const cols = fit(width, ID1_WIDTH_MM);
  const rows = fit(height, UNFOLDED_HEIGHT_MM);
  if (cols < 1 || rows < 1) throw new RangeError(`a card does not fit on ${paper} paper`);
  const blockW = cols * ID1_WIDTH_MM + (cols - 1) * gutter;
  const blockH = rows * UNFOLDED_HEIGHT_MM + (rows - 1) * gutter;
  const left = (width - blockW) / 2;
  const top = (height - blockH) / 2;
  const slots: { x: number; y: number }[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      slots.push({ x: left + c * (ID1_WIDTH_MM + gutter), y: top + r * (UNFOLDED_HEIGHT_MM + gutter) });
    }
  }
  return { paper, sheetWidth: width, sheetHeight: height, slots };
}

/** The rectangle (mm from the sheet's top left) that encloses the trimmed cards of a full sheet. */
export function sheetTrim(sheet: Imposition): { x: number; y: number; w: number; h: number } {
  const first = sheet.slots[0];
  const last = sheet.slots[sheet.slots.length - 1];
  return {
    x: first.x,
    y: first.y,
    w: last.x + ID1_WIDTH_MM - first.x,
    h: last.y + UNFOLDED_HEIGHT_MM - first.y,
  };
}
