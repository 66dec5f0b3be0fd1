import { renderSVG, renderUnicodeCompact } from 'uqr';

// Medium error correction survives a phone camera's view of a terminal; the quiet zone is what
// scanners need to find the code (two modules in the terminal, the standard four in SVG).

/** A QR code in half-block characters (two modules a line), light modules drawn as blocks. */
export function qrForTerminal(text: string): string {
  return renderUnicodeCompact(text, { ecc: 'M', border: 2 });
}

export function qrSvg(text: string): string {
  return renderSVG(text, { ecc: 'M', border: 4, pixelSize: 8 });
}
