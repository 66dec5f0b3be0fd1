/**
 * Every colour the cards use, as a press prints it and as a screen shows it. The PDF for the print
 * shop paints `cmyk` (percent of cyan, magenta, yellow and black ink); the SVG and the RGB proof
 * paint `rgb`. Text, key digits, rules and marks are black ink only: a four-colour black would
 * blur small digits as soon as the plates are a hair out of register.
 */
export interface Ink {
  readonly cmyk: readonly [c: number, m: number, y: number, k: number];
  readonly rgb: string;
  /**
   * Set for the registration colour: painted on every separation (the PDF's `All` colourant), so
   * registration marks show on each plate and the press can line the plates up by them.
   */
  readonly allSeparations?: true;
}

const hex = (v: number) =>
  Math.round(v * 255)
    .toString(16)
    .padStart(2, '0');

/** Black ink at `percent` coverage; on screen the grey it prints as. */
export function blackTint(percent: number): Ink {
  if (!(percent >= 0 && percent <= 100)) throw new RangeError(`a tint is 0 to 100 percent, got ${percent}`);
  const grey = hex(1 - percent / 100);
  return { cmyk: [0, 0, 0, percent], rgb: `#${grey}${grey}${grey}` };
}

export const BLACK: Ink = blackTint(100);
/** No ink: the paper shows (white text reversed out of the cover band). */
export const PAPER: Ink = blackTint(0);
/**
 * The brand's dark blue (#0b2a4a on screen) as a press navy for coated paper (FOGRA39): no yellow,
 * so three plates, and 227 % total ink, well under the 330 % the condition allows.
 */
export const BRAND: Ink = { cmyk: [100, 72, 0, 55], rgb: '#0b2a4a' };
/** Marks every plate needs: registration targets. */
export const REGISTRATION: Ink = { cmyk: [100, 100, 100, 100], rgb: '#000000', allSeparations: true };

const patch = (c: number, m: number, y: number, k: number, rgb: string): Ink => ({ cmyk: [c, m, y, k], rgb });

/**
 * The colour bar in the slug: each process ink solid and at 50 %, black at the tints the card uses,
 * and the brand colour, so the press can check density and dot gain on every sheet.
 */
export const COLOUR_BAR: readonly Ink[] = [
  patch(100, 0, 0, 0, '#00a0e3'),
  patch(0, 100, 0, 0, '#e4007d'),
  patch(0, 0, 100, 0, '#ffed00'),
  BLACK,
  patch(50, 0, 0, 0, '#8fd0f2'),
  patch(0, 50, 0, 0, '#f29bc0'),
  patch(0, 0, 50, 0, '#fff59b'),
  blackTint(50),
  blackTint(25),
  blackTint(10),
  BRAND,
];
