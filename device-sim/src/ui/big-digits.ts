/**
 * Digits five rows tall drawn with full blocks, like the segments of the token's LCD. Block
 * elements (U+2588), not box drawing, and only used by the rich view.
 */
const GLYPHS: Readonly<Record<string, readonly string[]>> = {
  '0': ['███', '█ █', '█ █', '█ █', '███'],
  '1': ['  █', '  █', '  █', '  █', '  █'],
  '2': ['███', '  █', '███', '█  ', '███'],
  '3': ['███', '  █', '███', '  █', '███'],
  '4': ['█ █', '█ █', '███', '  █', '  █'],
  '5': ['███', '█  ', '███', '  █', '███'],
  '6': ['███', '█  ', '███', '█ █', '███'],
  '7': ['███', '  █', '  █', '  █', '  █'],
  '8': ['███', '█ █', '███', '█ █', '███'],
  '9': ['███', '█ █', '███', '  █', '███'],
  ' ': ['   ', '   ', '   ', '   ', '   '],
  '-': ['   ', '   ', '███', '   ', '   '],
};

export const BIG_DIGIT_ROWS = 5;

/** The rows of `text` (digits, spaces and dashes) in big digits, one space between glyphs. */
export function bigDigits(text: string): string[] {
  const rows: string[] = [];
  for (let r = 0; r < BIG_DIGIT_ROWS; r++) {
    rows.push(
      [...text]
        .map((ch) => (GLYPHS[ch] ?? GLYPHS[' '])[r])
        .join(' ')
        .trimEnd(),
    );
  }
  return rows;
}

/** A code split in two groups for reading, like the token shows it: `123 456`, `1234 5678`. */
export function groupCode(code: string): string {
  const half = Math.ceil(code.length / 2);
  return `${code.slice(0, half)} ${code.slice(half)}`;
}
